import { describe, expect, it } from 'vitest';
import { doneItems, eventViolations } from '../../test/support/event-invariants.ts';
import { readChunks } from '../../test/support/fixtures.ts';
import { testCarrier, testTranslator } from '../../test/support/translator.ts';
import type { ResponseEvent } from '../responses/output.ts';
import type { ChatChunk } from '../upstream/chat-types.ts';
import type { StreamTranslatorOptions } from './stream.ts';
import { customToolInput } from './stream-items.ts';

const carrier = testCarrier;
const translator = testTranslator;

function run(
  chunks: ChatChunk[],
  overrides: Partial<StreamTranslatorOptions> = {},
  end: 'finish' | 'fail' = 'finish',
) {
  const t = translator(overrides);
  const events: ResponseEvent[] = [...t.start()];
  for (const chunk of chunks) events.push(...t.push(chunk));
  events.push(...(end === 'finish' ? t.finish() : t.fail('server_error', 'cut')));
  return {
    events,
    translator: t,
    items: doneItems<Record<string, unknown>>(events),
    last: events.at(-1) as ResponseEvent,
  };
}

const text = (content: string, extra: object = {}): ChatChunk => ({
  choices: [{ index: 0, delta: { content }, ...extra }],
});
const finish = (reason: string): ChatChunk => ({ choices: [{ index: 0, delta: {}, finish_reason: reason }] });

describe('ChatToResponsesTranslator', () => {
  it('streams DeepSeek reasoning then text as a reasoning item and a message item', () => {
    const { events, items, last } = run(readChunks('deepseek-v4-pro-reasoning-text'));
    expect(eventViolations(events)).toEqual([]);
    expect(items.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const [reasoning, message] = items as [Record<string, any>, Record<string, any>];
    expect(reasoning.content[0].text.length).toBeGreaterThan(10);
    expect(message.content[0].text.length).toBeGreaterThan(5);
    expect(last.type).toBe('response.completed');
  });

  it('reports usage from the finish chunk exactly as DeepSeek counted it', () => {
    const chunks = readChunks('deepseek-v4-pro-reasoning-text');
    const usage = chunks.find((chunk) => chunk.usage)?.usage as Record<string, any>;
    const { last } = run(chunks);
    const response = (last as { response: { usage: unknown } }).response;
    expect(response.usage).toEqual({
      input_tokens: usage.prompt_tokens,
      input_tokens_details: { cached_tokens: usage.prompt_tokens_details.cached_tokens },
      output_tokens: usage.completion_tokens,
      output_tokens_details: { reasoning_tokens: usage.completion_tokens_details.reasoning_tokens },
      total_tokens: usage.total_tokens,
    });
  });

  it('reports a re-asked response with the last context size and the output of both calls; bills both', () => {
    const usage = (prompt: number, completion: number, reasoning: number): ChatChunk => ({
      choices: [],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        completion_tokens_details: { reasoning_tokens: reasoning },
      },
    });
    const t = translator({ holdToolCalls: true });
    t.start();
    t.push(text('I will run it.'));
    t.push(finish('stop'));
    t.push(usage(1000, 10, 4));
    t.segmentEnd();
    t.continueSegment({ ...t.options, upstreamModel: 'deepseek-v4-flash' });
    t.push(text('Done.'));
    t.push(finish('stop'));
    t.push(usage(1040, 20, 6));
    const last = t.finish().at(-1) as { response: { usage: unknown } };
    expect(last.response.usage).toEqual({
      input_tokens: 1040,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 10 },
      total_tokens: 1070,
    });
    // Metrics and usage limits count what was billed: both calls' input.
    expect(t.billedUsage).toMatchObject({ input_tokens: 2040, output_tokens: 30, total_tokens: 2070 });
  });

  it('seals the reasoning into encrypted_content so it can be replayed', () => {
    const { items } = run(readChunks('deepseek-v4-pro-reasoning-tool-call'));
    const reasoning = items[0] as { encrypted_content: string; content: { text: string }[] };
    const opened = carrier.open(reasoning.encrypted_content);
    expect(opened).toEqual({
      ok: true,
      reasoning: { text: reasoning.content[0]?.text, model: 'test-model' },
    });
  });

  it('turns a streamed DeepSeek tool call into a function_call item with the upstream id', () => {
    const chunks = readChunks('deepseek-v4-pro-reasoning-tool-call');
    const upstreamId = chunks
      .flatMap((chunk) => chunk.choices?.[0]?.delta?.tool_calls ?? [])
      .find((call) => call.id)?.id;
    const { events, items } = run(chunks);
    expect(eventViolations(events)).toEqual([]);
    expect(items.at(-1)).toMatchObject({
      type: 'function_call',
      call_id: upstreamId,
      name: 'exec_command',
      arguments: '{"cmd":"ls -la"}',
      status: 'completed',
    });
  });

  it('keeps parallel tool calls as separate items in index order', () => {
    const { events, items } = run(readChunks('deepseek-v4-flash-parallel-tool-calls'));
    expect(eventViolations(events)).toEqual([]);
    const calls = items.filter((item) => item.type === 'function_call');
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(() => JSON.parse(call.arguments as string)).not.toThrow();
    expect(new Set(calls.map((call) => call.call_id)).size).toBe(2);
  });

  it("returns Kimi's functions.name:N ids unchanged", () => {
    const { items } = run(readChunks('kimi-k2.6-parallel-tool-calls'));
    expect(items.filter((item) => item.type === 'function_call').map((item) => item.call_id)).toEqual([
      'functions.exec_command:1',
      'functions.view_image:2',
    ]);
  });

  it('accepts a GLM tool call whose arguments arrive in one chunk', () => {
    const { events, items } = run(readChunks('glm-5.1-reasoning-tool-call-args-in-one-chunk'));
    expect(eventViolations(events)).toEqual([]);
    const call = items.find((item) => item.type === 'function_call');
    expect(() => JSON.parse(call?.arguments as string)).not.toThrow();
  });

  it('splits MiniMax <think> tags out of the content into a reasoning item', () => {
    const { events, items } = run(readChunks('minimax-m2.7-think-tags'), { thinkTags: true });
    expect(eventViolations(events)).toEqual([]);
    expect(items.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const message = items[1] as { content: { text: string }[] };
    expect(message.content[0]?.text).not.toContain('<think>');
    expect(message.content[0]?.text).not.toContain('</think>');
  });

  it("reads vLLM's `reasoning` field as reasoning", () => {
    const { items } = run(readChunks('vllm-reasoning-field'));
    expect(items[0]?.type).toBe('reasoning');
  });

  it('accepts tool-call deltas that have no index', () => {
    const { events, items } = run(readChunks('generic-tool-call-missing-index'));
    expect(eventViolations(events)).toEqual([]);
    const calls = items.filter((item) => item.type === 'function_call');
    expect(calls).toHaveLength(1);
    expect(() => JSON.parse(calls[0]?.arguments as string)).not.toThrow();
  });

  it('ends a length-truncated answer as incomplete with reason max_output_tokens', () => {
    const { events, last, items } = run(readChunks('generic-length-truncated'));
    expect(eventViolations(events)).toEqual([]);
    expect(last).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'max_output_tokens' } },
    });
    expect(items.at(-1)).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('ends a filtered answer as incomplete with reason content_filter', () => {
    const { last } = run(readChunks('generic-content-filter'));
    expect(last).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'content_filter' } },
    });
  });

  it('reports no usage at all when the upstream sent none', () => {
    const { last } = run(readChunks('generic-no-usage'));
    expect(last).toMatchObject({ type: 'response.completed', response: { usage: null } });
  });

  it('tolerates ids repeated on every tool-call fragment', () => {
    const call = (args: string) => ({
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [{ index: 0, id: 'call_1', function: { name: 'exec_command', arguments: args } }],
          },
        },
      ],
    });
    const { items } = run([call('{"cmd":'), call('"ls"}'), finish('tool_calls')]);
    expect(items).toEqual([
      expect.objectContaining({ call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' }),
    ]);
  });

  it('gives a call without an upstream id a generated one', () => {
    const chunk = {
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { name: 'exec_command', arguments: '{}' } }] },
        },
      ],
    };
    const { items } = run([chunk, finish('tool_calls')]);
    expect(items[0]?.call_id).toMatch(/^call_/);
  });

  it('maps a flattened namespace tool back to its name and namespace', () => {
    const chunk = {
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: 'c1', function: { name: 'multi_agent_v1__spawn_agent', arguments: '{}' } },
            ],
          },
        },
      ],
    };
    const { items } = run([chunk, finish('tool_calls')]);
    expect(items[0]).toMatchObject({
      type: 'function_call',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
    });
  });

  it('turns a call of a custom tool into a custom_tool_call with the raw input', () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
    const args = JSON.stringify({ input: patch });
    const chunk = {
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: 'c1', function: { name: 'apply_patch', arguments: args } }] },
        },
      ],
    };
    const { events, items } = run([chunk, finish('tool_calls')]);
    expect(eventViolations(events)).toEqual([]);
    expect(items[0]).toEqual({
      type: 'custom_tool_call',
      id: expect.any(String),
      call_id: 'c1',
      name: 'apply_patch',
      input: patch,
      status: 'completed',
    });
    expect(events.some((event) => event.type === 'response.custom_tool_call_input.done')).toBe(true);
  });

  it('turns a local_shell call into a local_shell_call item with an exec action', () => {
    const args = JSON.stringify({ command: ['ls', '-la'], working_directory: '/tmp' });
    const chunk = {
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: 'c1', function: { name: 'local_shell', arguments: args } }] },
        },
      ],
    };
    const { events, items } = run([chunk, finish('tool_calls')]);
    expect(eventViolations(events)).toEqual([]);
    expect(items[0]).toMatchObject({
      type: 'local_shell_call',
      call_id: 'c1',
      action: { type: 'exec', command: ['ls', '-la'], working_directory: '/tmp', env: {} },
    });
  });

  it("turns a tool_search call into Codex's tool_search_call item, its arguments an object, once they are complete", () => {
    const fragment = (args: string, first: boolean): ChatChunk => ({
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                ...(first
                  ? { id: 'call_ts', function: { name: 'tool_search', arguments: args } }
                  : { function: { arguments: args } }),
              },
            ],
          },
        },
      ],
    });
    const { events, items } = run([
      fragment('{"query":"spawn', true),
      fragment(' agent","limit":3}', false),
      finish('tool_calls'),
    ]);
    expect(eventViolations(events)).toEqual([]);
    expect(items).toEqual([
      {
        type: 'tool_search_call',
        id: expect.stringMatching(/^tsc_/),
        call_id: 'call_ts',
        status: 'completed',
        execution: 'client',
        arguments: { query: 'spawn agent', limit: 3 },
      },
    ]);
    const added = events.filter((event) => event.type === 'response.output_item.added');
    expect(added).toHaveLength(1);
    expect((added[0] as { item: Record<string, unknown> }).item.arguments).toEqual({
      query: 'spawn agent',
      limit: 3,
    });
  });

  it('emits an empty reasoning item before the answer when asked to', () => {
    const { events, items } = run([text('hi'), finish('stop')], { exposeEmptyReasoningItem: true });
    expect(eventViolations(events)).toEqual([]);
    expect(items.map((item) => item.type)).toEqual(['reasoning', 'message']);
  });

  it('fails with response.failed and leaves the partial message unfinished when the upstream breaks', () => {
    const { events, items, last } = run([text('partial')], {}, 'fail');
    expect(eventViolations(events)).toEqual([]);
    expect(items).toEqual([]);
    expect(last).toMatchObject({
      type: 'response.failed',
      response: { error: { code: 'server_error', message: 'cut' } },
    });
  });

  it('emits exactly one terminal event even if finished twice', () => {
    const t = translator();
    t.start();
    t.push(text('a'));
    expect(t.finish().filter((event) => event.type === 'response.completed')).toHaveLength(1);
    expect(t.finish()).toEqual([]);
    expect(t.fail('server_error', 'late')).toEqual([]);
  });

  it('numbers heartbeats in sequence with the other events', () => {
    const t = translator();
    const events = [...t.start(), t.heartbeat(), ...t.push(text('a')), t.heartbeat(), ...t.finish()];
    expect(eventViolations(events)).toEqual([]);
  });
});

describe('customToolInput', () => {
  it('unwraps {"input": ...}', () => expect(customToolInput('{"input":"x"}')).toBe('x'));
  it('accepts a single differently named string field', () =>
    expect(customToolInput('{"patch":"x"}')).toBe('x'));
  it('takes non-JSON arguments as the raw input', () =>
    expect(customToolInput('*** Begin Patch')).toBe('*** Begin Patch'));
});
