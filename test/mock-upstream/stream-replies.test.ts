import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunks, parseChunksJsonl, stream, textReply, toolCallReply } from './replies.ts';
import { type MockUpstream, startMockUpstream } from './server.ts';
import {
  assistantToolCalls,
  chatBody,
  jsonChunks,
  jsonOf,
  postChat,
  readSse,
  streamingBody,
  toolResult,
  USER_TURN,
} from './test-helpers.ts';

const recorded = readFileSync(
  new URL('./fixtures/glm-reasoning-then-text.chunks.jsonl', import.meta.url),
  'utf8',
);

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

async function streamOf(reply: Parameters<MockUpstream['enqueue']>[0], body = streamingBody()) {
  mock.enqueue(reply);
  const response = await postChat(mock, body);
  return { response, read: await readSse(response) };
}

function deltas(all: ReturnType<typeof jsonChunks>) {
  return all.filter((chunk) => chunk.choices.length > 0).map((chunk) => chunk.choices[0].delta);
}

describe('stream replies', () => {
  it('streams as text/event-stream and ends with data: [DONE]', async () => {
    const { response, read } = await streamOf(textReply('Hi'));

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(read.error).toBeNull();
    expect(read.events.at(-1)?.data).toBe('[DONE]');
  });

  it('sends the assistant role first, then content pieces of chunkSize characters', async () => {
    const { read } = await streamOf(textReply('Hello, world', { chunkSize: 5 }));

    expect(deltas(jsonChunks(read))).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hello' },
      { content: ', wor' },
      { content: 'ld' },
      {},
    ]);
  });

  it('gives every chunk the same id, the request model and the chunk object type', async () => {
    const { read } = await streamOf(textReply('Hello'), streamingBody({ model: 'kimi-k2.6' }));
    const all = jsonChunks(read);

    expect(new Set(all.map((chunk) => chunk.id)).size).toBe(1);
    expect(
      all.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'kimi-k2.6'),
    ).toBe(true);
  });

  it('never splits a character made of two UTF-16 code units', async () => {
    const { read } = await streamOf(textReply('a😀b', { chunkSize: 2 }));

    expect(deltas(jsonChunks(read)).slice(1, 3)).toEqual([{ content: 'a😀' }, { content: 'b' }]);
  });

  it('streams reasoning as reasoning_content pieces before the text', async () => {
    const { read } = await streamOf(stream({ reasoning: 'Think first', text: 'Answer', chunkSize: 6 }));

    expect(deltas(jsonChunks(read)).slice(1, 4)).toEqual([
      { content: null, reasoning_content: 'Think ' },
      { content: null, reasoning_content: 'first' },
      { content: 'Answer' },
    ]);
  });

  it('wraps reasoning in <think> tags inside content when thinkTags is set', async () => {
    const { read } = await streamOf(stream({ reasoning: 'hmm', text: 'ok', thinkTags: true }));
    const text = deltas(jsonChunks(read))
      .map((delta) => delta.content ?? '')
      .join('');

    expect(text).toBe('<think>hmm</think>ok');
    expect(deltas(jsonChunks(read)).some((delta) => 'reasoning_content' in delta)).toBe(false);
  });

  it('ends with finish_reason stop, then a usage chunk with no choices', async () => {
    const { read } = await streamOf(stream({ reasoning: 'abcdefgh', text: 'Hello' }));
    const all = jsonChunks(read);
    const usageChunk = all.at(-1);

    expect(all.at(-2).choices[0].finish_reason).toBe('stop');
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: 4,
      total_tokens: usageChunk.usage.prompt_tokens + 4,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
    expect(all.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('sends no usage chunk when the request did not ask for usage', async () => {
    const { read } = await streamOf(textReply('Hi'), chatBody({ stream: true }));
    const all = jsonChunks(read);

    expect(all.at(-1).choices[0].finish_reason).toBe('stop');
    expect(all.some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('sends the usage it is given, and none when usage is null', async () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
      prompt_tokens_details: { cached_tokens: 60 },
    };
    const pinned = jsonChunks((await streamOf(textReply('Hi', { usage }))).read);
    const omitted = jsonChunks((await streamOf(textReply('Hi', { usage: null }))).read);

    expect(pinned.at(-1).usage).toEqual(usage);
    expect(omitted.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('honours an explicit finish reason', async () => {
    const { read } = await streamOf(textReply('cut short', { finishReason: 'length' }));

    expect(jsonChunks(read).at(-2).choices[0].finish_reason).toBe('length');
  });

  it('streams tool calls as fragments keyed by index: header first, then argument pieces', async () => {
    const reply = toolCallReply(
      [
        { id: 'call_one', name: 'shell', arguments: '{"cmd":"ls"}' },
        { id: 'call_two', name: 'read', arguments: '{}' },
      ],
      { chunkSize: 6 },
    );
    const { read } = await streamOf(reply);
    const fragments = deltas(jsonChunks(read)).flatMap((delta) => delta.tool_calls ?? []);

    expect(fragments).toEqual([
      { index: 0, id: 'call_one', type: 'function', function: { name: 'shell', arguments: '' } },
      { index: 0, function: { arguments: '{"cmd"' } },
      { index: 0, function: { arguments: ':"ls"}' } },
      { index: 1, id: 'call_two', type: 'function', function: { name: 'read', arguments: '' } },
      { index: 1, function: { arguments: '{}' } },
    ]);
    expect(jsonChunks(read).at(-2).choices[0].finish_reason).toBe('tool_calls');
  });

  it('makes OpenAI-style call ids when none are given', async () => {
    const { read } = await streamOf(toolCallReply([{ name: 'shell', arguments: '{}' }]));
    const header = deltas(jsonChunks(read)).find((delta) => delta.tool_calls)?.tool_calls[0];

    expect(header.id).toMatch(/^call_[a-f0-9]{24}$/);
  });

  it('makes Kimi ids counted across the whole conversation', async () => {
    const history = [
      USER_TURN,
      assistantToolCalls(['functions.shell:0', 'functions.shell:1'], { reasoning_content: '' }),
      toolResult('functions.shell:0'),
      toolResult('functions.shell:1'),
    ];
    const reply = toolCallReply(
      [
        { name: 'read_file', arguments: '{}' },
        { name: 'shell', arguments: '{}' },
      ],
      { idStyle: 'kimi' },
    );
    const { read } = await streamOf(reply, streamingBody({ model: 'kimi-k2.6', messages: history as never }));
    const ids = deltas(jsonChunks(read)).flatMap((delta) =>
      (delta.tool_calls ?? []).map((call: { id?: string }) => call.id),
    );

    expect(ids.filter(Boolean)).toEqual(['functions.read_file:2', 'functions.shell:3']);
  });

  it('puts the whole call in one fragment when argumentsInOneChunk is set', async () => {
    const reply = toolCallReply([{ id: 'call_x', name: 'shell', arguments: '{"cmd":"pwd"}' }], {
      argumentsInOneChunk: true,
      chunkSize: 2,
    });
    const { read } = await streamOf(reply);
    const fragments = deltas(jsonChunks(read)).flatMap((delta) => delta.tool_calls ?? []);

    expect(fragments).toEqual([
      { index: 0, id: 'call_x', type: 'function', function: { name: 'shell', arguments: '{"cmd":"pwd"}' } },
    ]);
  });

  it('repeats the id on every argument fragment when repeatIdOnEveryChunk is set', async () => {
    const reply = toolCallReply([{ id: 'call_r', name: 'shell', arguments: '{"a":1}' }], {
      repeatIdOnEveryChunk: true,
      chunkSize: 4,
    });
    const { read } = await streamOf(reply);
    const fragments = deltas(jsonChunks(read)).flatMap((delta) => delta.tool_calls ?? []);

    expect(fragments.every((fragment: { id?: string }) => fragment.id === 'call_r')).toBe(true);
  });

  it('waits delayMs between chunks', async () => {
    // From the request, not from the first arrival, which a loaded machine may delay.
    const askedAt = performance.now();
    const { read } = await streamOf(textReply('abc', { chunkSize: 1, delayMs: 40 }));

    expect((read.events.at(-1)?.receivedAt ?? 0) - askedAt).toBeGreaterThanOrEqual(150);
  });
});

describe('raw chunk replies', () => {
  it('sends recorded chunks verbatim, then [DONE]', async () => {
    const { read } = await streamOf(chunks(parseChunksJsonl(recorded)));

    expect(read.events.map((event) => event.data)).toEqual([...recorded.trim().split('\n'), '[DONE]']);
  });

  it('can leave out [DONE]', async () => {
    const { read } = await streamOf(chunks(parseChunksJsonl(recorded), { done: false }));

    expect(read.events.map((event) => event.data)).not.toContain('[DONE]');
    expect(read.error).toBeNull();
  });
});

describe('non-streaming requests', () => {
  it('get one chat.completion built from the same reply', async () => {
    mock.enqueue(
      stream({
        reasoning: 'why',
        text: 'Because.',
        toolCalls: [{ id: 'call_n', name: 'shell', arguments: '{"cmd":"ls"}' }],
      }),
    );
    const response = await postChat(mock, chatBody());
    const body = await jsonOf(response);

    expect(response.headers.get('content-type')).toBe('application/json');
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'glm-5.1',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Because.',
            reasoning_content: 'why',
            tool_calls: [
              { id: 'call_n', type: 'function', function: { name: 'shell', arguments: '{"cmd":"ls"}' } },
            ],
          },
        },
      ],
      usage: { completion_tokens: expect.any(Number), prompt_tokens: expect.any(Number) },
    });
  });

  it('get content null when the reply only calls tools', async () => {
    mock.enqueue(toolCallReply([{ name: 'shell', arguments: '{}' }]));
    const body = await jsonOf(await postChat(mock, chatBody()));

    expect(body.choices[0].message.content).toBeNull();
  });

  it('fold recorded chunks into one message too', async () => {
    mock.enqueue(chunks(parseChunksJsonl(recorded)));
    const body = await jsonOf(await postChat(mock, chatBody()));

    expect(body.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { content: 'yo', reasoning_content: 'hm' },
    });
  });
});
