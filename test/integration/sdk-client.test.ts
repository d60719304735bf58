/**
 * The official openai SDK as a client of the real bridge, with the strict mock upstream behind it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stallAfter, stream, textReply, toolCallReply } from '../mock-upstream/index.ts';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';
import { waitFor } from '../support/wait.ts';

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(() => t.close());
beforeEach(() => {
  t.upstream.requests.length = 0;
});

describe('openai SDK against the bridge', () => {
  it('streams a plain answer that responses.stream() accumulates without error', async () => {
    t.upstream.enqueue(textReply('Hello from DeepSeek.', { reasoning: 'The user greets me.' }));
    const events: any[] = [];
    const runner = t.client.responses.stream({ model: 'ocg-deepseek-v4-pro', input: 'Say hello' });
    for await (const event of runner) events.push(event);
    const final = await runner.finalResponse();
    expect(eventViolations(events)).toEqual([]);
    expect(final.output_text).toBe('Hello from DeepSeek.');
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(final.usage?.input_tokens).toBeGreaterThan(0);
  });

  it('answers responses.create() without streaming with a full Response object', async () => {
    t.upstream.enqueue(textReply('Plain JSON answer.'));
    const response = await t.client.responses.create({ model: 'ocg-kimi-k2.6', input: 'hi' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Plain JSON answer.');
    expect(response.model).toBe('ocg-kimi-k2.6');
  });

  it('streams a tool call and replays it with its reasoning on the next turn (DeepSeek strict mode)', async () => {
    t.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"ls"}' }], {
        reasoning: 'I need to list the files.',
      }),
      textReply('There are two files.', { reasoning: 'The listing shows two files.' }),
    );
    const tools = [
      {
        type: 'function' as const,
        name: 'exec_command',
        description: 'Run a shell command',
        strict: false,
        parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] },
      },
    ];
    const first = await t.client.responses.create({
      model: 'ocg-deepseek-v4-pro',
      input: [{ role: 'user', content: 'What files are here?' }],
      tools,
      stream: false,
      include: ['reasoning.encrypted_content'],
    });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ name: 'exec_command', arguments: '{"cmd":"ls"}' });

    const second = t.client.responses.stream({
      model: 'ocg-deepseek-v4-pro',
      input: [
        { role: 'user', content: 'What files are here?' },
        ...(first.output as any[]),
        { type: 'function_call_output', call_id: (call as any).call_id, output: 'a.txt\nb.txt' },
      ],
      tools,
    });
    const final = await second.finalResponse();
    expect(final.output_text).toBe('There are two files.');

    const replayed = t.upstream.requests.at(-1)?.body.messages;
    const assistant = replayed.find((message: any) => message.role === 'assistant');
    expect(assistant.reasoning_content).toBe('I need to list the files.');
    expect(replayed.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: (call as any).call_id,
      content: 'a.txt\nb.txt',
    });
  });

  it('cleans a $ref/anyOf tool schema so the strict Moonshot validator behind Kimi accepts it', async () => {
    t.upstream.enqueue(textReply('schema accepted'));
    const parameters = {
      type: 'object',
      $defs: { Schedule: { type: 'object', properties: { cron: { type: 'string' } } } },
      properties: {
        schedule: { $ref: '#/$defs/Schedule', description: 'when to run' },
        mode: { type: 'string', anyOf: [{ enum: ['a', 'b'] }, { const: 'c' }] },
        payload: { description: 'anything' },
      },
    };
    const response = await t.client.responses.create({
      model: 'ocg-kimi-k2.6',
      input: 'x',
      tools: [{ type: 'function', name: 'automation_update', parameters, strict: false }],
    });
    expect(response.output_text).toBe('schema accepted');
    const sent = t.upstream.requests.at(-1)?.body.tools[0].function.parameters;
    expect(sent.properties.schedule).toEqual({ $ref: '#/$defs/Schedule' });
    expect(sent.$defs.Schedule).toEqual({ type: 'object', properties: { cron: { type: 'string' } } });
    expect(sent.properties.mode).not.toHaveProperty('type');
  });

  it('reuses the upstream connection across requests (no new TCP or TLS handshake per turn)', async () => {
    const before = t.upstream.stats().totalConnections;
    for (const text of ['one', 'two', 'three']) {
      t.upstream.enqueue(textReply(text));
      const final = await t.client.responses
        .stream({ model: 'ocg-deepseek-v4-flash', input: 'x' })
        .finalResponse();
      expect(final.output_text).toBe(text);
    }
    expect(t.upstream.stats().totalConnections - before).toBeLessThanOrEqual(1);
  });

  it('keeps the upstream connection when the upstream ends its body a while after [DONE]', async () => {
    const own = await startTestBridge();
    try {
      // Every data line, [DONE] included, then 300 ms before the body ends.
      own.upstream.enqueue(stallAfter(1000, 300, textReply('done early')));
      const final = await own.client.responses
        .stream({ model: 'ocg-deepseek-v4-flash', input: 'x' })
        .finalResponse();
      expect(final.output_text).toBe('done early');
      await waitFor(() => own.upstream.stats().inFlight === 0);
      // The bridge read the end of the body rather than cutting the connection at [DONE]: it stays for the next call.
      // (Only the open sockets are counted: on a loaded machine a slow first attempt may be retried on a new one.)
      expect(own.upstream.stats().openSockets).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('cuts the upstream connection when the body still has not ended a second after [DONE]', async () => {
    const own = await startTestBridge();
    try {
      own.upstream.enqueue(stallAfter(1000, 600_000, textReply('done, then silence')));
      const final = await own.client.responses
        .stream({ model: 'ocg-deepseek-v4-flash', input: 'x' })
        .finalResponse();
      expect(final.output_text).toBe('done, then silence');
      // The bridge closes the connection a second after [DONE], long before the mock's 600 s are up (the socket's
      // close may follow the end of the mock's request by a moment, so it is waited for too).
      await waitFor(() => own.upstream.stats().inFlight === 0 && own.upstream.stats().openSockets === 0);
    } finally {
      await own.close();
    }
  });

  it('keeps text that arrives in many small pieces intact, including multi-byte characters', async () => {
    const text = 'Grüße — 你好 — 👋🏽 done.';
    t.upstream.enqueue(textReply(text, { chunkSize: 1 }));
    const final = await t.client.responses.stream({ model: 'ocg-glm-5.1', input: 'x' }).finalResponse();
    expect(final.output_text).toBe(text);
  });

  it('sends heartbeats while the upstream is silent and the SDK still accumulates the response', async () => {
    const slow = await startTestBridge({ env: { SSE_UPSTREAM_HEARTBEAT_SECONDS: '0.05' } });
    try {
      slow.upstream.enqueue(stream({ text: 'after a pause', delayMs: 150, chunkSize: 100 }));
      const events: any[] = [];
      const runner = slow.client.responses.stream({ model: 'ocg-deepseek-v4-flash', input: 'x' });
      for await (const event of runner) events.push(event);
      expect((await runner.finalResponse()).output_text).toBe('after a pause');
      expect(events.filter((event) => event.type === 'response.in_progress').length).toBeGreaterThan(2);
      expect(eventViolations(events)).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
