/**
 * An upstream chunk with a field of the wrong type is an anomaly: the response ends `failed` with the field named,
 * nothing like "[object Object]" reaches the client, and the request's log line lists it under `anomalies`. On
 * both wires: Chat Completions chunks and Anthropic Messages events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunks, errorReply, textReply } from '../mock-upstream/index.ts';
import { postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge({
    env: { UPSTREAM_RETRIES: '0', FALLBACK_MODEL_MAP_JSON: '{}', CIRCUIT_BREAKER_ERRORS: '1000' },
  });
});
afterAll(() => t.close());

const contentChunk = (content: unknown) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

const textDelta = (text: unknown, index = 0) => ({
  event: 'content_block_delta',
  data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } },
});

/** The log line of the response with this id. */
function logLineOf(responseId: string): Record<string, unknown> | undefined {
  return t.logs().find((line) => line.responseId === responseId);
}

function streamedText(events: Array<{ type: string; delta?: string }>): string {
  return events
    .filter((event) => event.type === 'response.output_text.delta')
    .map((event) => event.delta)
    .join('');
}

describe('a wrongly typed field in an upstream chunk', () => {
  it('ends a Chat stream failed, naming the field, after the text that came before it', async () => {
    t.upstream.enqueue(
      chunks([contentChunk('Hello'), contentChunk({ text: 'hi' }), contentChunk(42), contentChunk('!')]),
    );

    const { events } = await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-pro',
      input: 'hi',
      stream: true,
    });

    expect(eventViolations(events)).toEqual([]);
    expect(streamedText(events)).toBe('Hello');
    const failed = events.at(-1);
    expect(failed?.type).toBe('response.failed');
    expect(failed?.response.error.message).toContain(
      'choices[0].delta.content is an object, expected a string',
    );
    expect(JSON.stringify(events)).not.toContain('[object Object]');
    expect(logLineOf(failed?.response.id)?.anomalies).toEqual([
      expect.stringContaining('choices[0].delta.content is an object'),
    ]);
  });

  it('does not run a tool call whose arguments arrive as an object', async () => {
    t.upstream.enqueue(
      chunks([
        {
          choices: [
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index: 0,
                    id: 'call_1',
                    type: 'function',
                    function: { name: 'shell', arguments: { cmd: 'ls' } },
                  },
                ],
              },
            },
          ],
        },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      ]),
    );

    const { status, json } = await postResponses(t.baseUrl, { model: 'ocg-kimi-k2.6', input: 'list files' });

    expect(status).toBe(502);
    expect(json.error).toMatchObject({ code: 'upstream_invalid_chunk' });
    expect(json.error.message).toContain('choices[0].delta.tool_calls[0].function.arguments is an object');
  });

  it('ends a Messages stream failed, naming the field', async () => {
    t.upstream.enqueue(
      chunks([
        { event: 'message_start', data: { type: 'message_start', message: { usage: { input_tokens: 5 } } } },
        {
          event: 'content_block_start',
          data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        },
        textDelta('Hello'),
        textDelta({ text: 'hi' }),
        textDelta(42),
      ]),
    );

    const { events } = await postResponses(t.baseUrl, {
      model: 'ocg-minimax-m2.7',
      input: 'hi',
      stream: true,
    });

    expect(eventViolations(events)).toEqual([]);
    expect(streamedText(events)).toBe('Hello');
    const failed = events.at(-1);
    expect(failed?.type).toBe('response.failed');
    expect(failed?.response.error.message).toContain('delta.text is an object, expected a string');
    expect(JSON.stringify(events)).not.toContain('[object Object]');
    expect(logLineOf(failed?.response.id)?.anomalies).toEqual([
      expect.stringContaining('delta.text is an object'),
    ]);
  });
});

describe('a whole (non-streamed) upstream answer of the wrong shape', () => {
  it.each([
    ['null', null],
    ['a list', [{ choices: [] }]],
  ])('is a 502 naming the problem when the JSON body is %s, not a 500', async (_label, body) => {
    t.upstream.enqueue(errorReply(200, body));

    const { status, json } = await postResponses(t.baseUrl, { model: 'ocg-deepseek-v4-pro', input: 'hi' });

    expect(status).toBe(502);
    expect(json.error).toMatchObject({ code: 'upstream_invalid_response' });
    expect(json.error.message).toContain('not a JSON object');
  });

  it('is a 502 naming the field when a completion has content of the wrong type', async () => {
    t.upstream.enqueue(
      errorReply(200, {
        object: 'chat.completion',
        choices: [
          { index: 0, message: { role: 'assistant', content: { text: 'hi' } }, finish_reason: 'stop' },
        ],
      }),
    );

    const { status, json } = await postResponses(t.baseUrl, { model: 'ocg-glm-5.1', input: 'hi' });

    expect(status).toBe(502);
    expect(json.error.message).toContain('choices[0].message.content is an object, expected a string');
  });

  it('is a 502 naming the field when a Message has a text block of the wrong type', async () => {
    t.upstream.enqueue(
      errorReply(200, {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'text', text: 42 }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 3, output_tokens: 1 },
      }),
    );

    const { status, json } = await postResponses(t.baseUrl, { model: 'ocg-qwen3.6-plus', input: 'hi' });

    expect(status).toBe(502);
    expect(json.error.message).toContain('content_block.text is a number, expected a string');
  });
});

describe('a wrongly typed field before any output', () => {
  it('is retried like a broken stream, and still logged as an anomaly', async () => {
    const retrying = await startTestBridge({ env: { UPSTREAM_RETRIES: '1', FALLBACK_MODEL_MAP_JSON: '{}' } });
    try {
      retrying.upstream.enqueue(chunks([contentChunk(42)]), textReply('clean answer'));

      const { events } = await postResponses(retrying.baseUrl, {
        model: 'ocg-deepseek-v4-pro',
        input: 'hi',
        stream: true,
      });

      expect(events.at(-1)?.type).toBe('response.completed');
      expect(streamedText(events)).toBe('clean answer');
      const line = retrying.logs().find((entry) => entry.responseId === events.at(-1)?.response.id);
      expect(line?.anomalies).toEqual([expect.stringContaining('choices[0].delta.content is a number')]);
    } finally {
      await retrying.close();
    }
  });
});
