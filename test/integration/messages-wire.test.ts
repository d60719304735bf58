/**
 * MiniMax and Qwen through the Anthropic Messages adapter, against the mock's strict /messages endpoint (roles
 * alternate, every tool_use answered in the next turn, thinking blocks echoed with their signatures).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cutAfter, stream, textReply, toolCallReply } from '../mock-upstream/index.ts';
import { postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge({ env: { UPSTREAM_RETRIES: '0', FALLBACK_MODEL_MAP_JSON: '{}' } });
});
afterAll(() => t.close());
beforeEach(() => {
  t.upstream.requests.length = 0;
});

const tools = [
  {
    type: 'function' as const,
    name: 'exec_command',
    description: 'Run a shell command',
    strict: false,
    parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] },
  },
];

describe.each(['ocg-minimax-m2.7', 'ocg-qwen3.6-plus'])('%s over Anthropic Messages', (model) => {
  it('streams thinking and text as a reasoning item and a message', async () => {
    t.upstream.enqueue(textReply('Hello over Messages.', { reasoning: 'A short greeting.' }));
    const runner = t.client.responses.stream({
      model,
      input: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    const events: any[] = [];
    for await (const event of runner) events.push(event);
    const final = await runner.finalResponse();
    expect(eventViolations(events)).toEqual([]);
    expect(final.output_text).toBe('Hello over Messages.');
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const sent = t.upstream.requests[0];
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.body).toMatchObject({
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
    expect(sent?.body.max_tokens).toBeGreaterThan(0);
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent?.headers['x-opencode-session']).toBeTruthy();
  });

  it('runs a tool round trip, replaying the signed thinking block and the tool_result', async () => {
    t.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"ls"}' }], {
        reasoning: 'List the files first.',
      }),
      textReply('Two files.'),
    );
    const first = await t.client.responses.create({
      model,
      input: 'What is here?',
      tools,
      include: ['reasoning.encrypted_content'],
    });
    const call = first.output.find((item) => item.type === 'function_call') as any;
    expect(call).toMatchObject({ name: 'exec_command', arguments: '{"cmd":"ls"}' });
    const second = await t.client.responses.create({
      model,
      input: [
        { role: 'user', content: 'What is here?' },
        ...(first.output as any[]),
        { type: 'function_call_output', call_id: call.call_id, output: 'a\nb' },
      ],
      tools,
    });
    expect(second.output_text).toBe('Two files.');
    const messages = t.upstream.requests.at(-1)?.body.messages;
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'List the files first.', signature: expect.stringMatching(/^EqMock/) },
        { type: 'tool_use', id: call.call_id, name: 'exec_command', input: { cmd: 'ls' } },
      ],
    });
    expect(messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: call.call_id, content: 'a\nb' }],
    });
  });

  it('ends a cut stream with response.failed', async () => {
    t.upstream.enqueue(cutAfter(5, stream({ text: 'partial answer here', chunkSize: 2 })));
    const { events } = await postResponses(t.baseUrl, { model, input: 'hi', stream: true });
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)?.type).toBe('response.failed');
  });
});

describe('Messages specifics', () => {
  it('reports cache reads inside input_tokens and as cached tokens', async () => {
    const chunks = [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: 'm',
            type: 'message',
            role: 'assistant',
            model: 'minimax-m2.7',
            content: [],
            usage: {
              input_tokens: 10,
              cache_read_input_tokens: 90,
              cache_creation_input_tokens: 5,
              output_tokens: 1,
            },
          },
        },
      },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'message_delta',
        data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ];
    t.upstream.enqueue({ kind: 'chunks', chunks });
    const response = await t.client.responses.create({ model: 'ocg-minimax-m2.7', input: 'hi' });
    expect(response.usage).toMatchObject({
      input_tokens: 105,
      input_tokens_details: { cached_tokens: 90 },
      output_tokens: 7,
      total_tokens: 112,
    });
  });

  it('rejects nothing Codex sends: a captured Codex request goes through to MiniMax', async () => {
    const { readCodexRequest } = await import('../support/fixtures.ts');
    const { body } = readCodexRequest('basic-01');
    const { status, events, json } = await postResponses(t.baseUrl, { ...body, model: 'ocg-qwen3.6-plus' });
    expect(json).toBeUndefined();
    expect(status).toBe(200);
    expect(events.at(-1)?.type).toBe('response.completed');
  });
});
