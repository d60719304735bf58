import { describe, expect, it } from 'vitest';
import { doneItems, eventViolations } from '../../../test/support/event-invariants.ts';
import { readMessagesEvents } from '../../../test/support/fixtures.ts';
import { testCarrier, testTranslator } from '../../../test/support/translator.ts';
import type { ResponseEvent } from '../../responses/output.ts';
import { MessagesStreamNormalizer } from './stream-normalizer.ts';
import type { MessagesEvent } from './types.ts';

const carrier = testCarrier;

/** Runs a recorded Messages stream through the normaliser and the shared Responses translator. */
function run(name: string, thinkTags = false) {
  const translator = testTranslator({ model: 'ocg-minimax-m2.7', upstreamModel: 'minimax-m2.7', thinkTags });
  const normalizer = new MessagesStreamNormalizer();
  const events: ResponseEvent[] = [...translator.start()];
  let thrown: unknown;
  try {
    for (const { data } of readMessagesEvents(name)) {
      for (const chunk of normalizer.push(data as unknown as MessagesEvent, 'minimax-m2.7'))
        events.push(...translator.push(chunk));
    }
    events.push(...translator.finish());
  } catch (error) {
    thrown = error;
    events.push(...translator.fail('server_error', String(error)));
  }
  return {
    events,
    items: doneItems<Record<string, any>>(events),
    last: events.at(-1) as any,
    thrown,
    normalizer,
  };
}

describe('MessagesStreamNormalizer with the shared translator', () => {
  it('turns MiniMax thinking and text into a reasoning item (with its signature sealed) and a message', () => {
    const { events, items, last } = run('minimax-m2.7-thinking-text');
    expect(eventViolations(events)).toEqual([]);
    expect(items.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const opened = carrier.open(items[0]?.encrypted_content);
    expect(opened.ok && opened.reasoning.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(last.type).toBe('response.completed');
  });

  it('reports usage from message_delta with cache reads and writes inside input_tokens', () => {
    const deltas = readMessagesEvents('minimax-m2.7-thinking-text').filter(
      (event) => event.event === 'message_delta',
    );
    const usage = deltas.at(-1)?.data.usage as Record<string, number>;
    const { last } = run('minimax-m2.7-thinking-text');
    const input =
      (usage.input_tokens ?? 0) +
      (usage.cache_read_input_tokens ?? 0) +
      (usage.cache_creation_input_tokens ?? 0);
    expect(last.response.usage).toMatchObject({
      input_tokens: input,
      input_tokens_details: { cached_tokens: usage.cache_read_input_tokens ?? 0 },
      output_tokens: usage.output_tokens,
    });
  });

  it('turns a streamed tool_use into a function_call with the upstream id and complete arguments', () => {
    const { events, items } = run('minimax-m2.7-thinking-tool-use');
    expect(eventViolations(events)).toEqual([]);
    const call = items.find((item) => item.type === 'function_call');
    expect(call?.call_id).toMatch(/^call_function_/);
    expect(JSON.parse(call?.arguments)).toEqual({ cmd: 'ls -la' });
  });

  it('keeps parallel tool_use blocks as separate calls in order', () => {
    const { items } = run('minimax-m2.7-parallel-tool-use');
    expect(items.filter((item) => item.type === 'function_call').map((item) => item.name)).toEqual([
      'exec_command',
      'view_image',
    ]);
  });

  it('keeps each interleaved thinking block, with its own signature, as its own reasoning item', () => {
    const { events, items } = run('minimax-m2.7-interleaved-thinking');
    expect(eventViolations(events)).toEqual([]);
    const reasoning = items
      .filter((item) => item.type === 'reasoning')
      .map((item) => carrier.open(item.encrypted_content));
    expect(reasoning).toHaveLength(2);
    const signatures = reasoning.map((opened) => (opened.ok ? opened.reasoning.signature : undefined));
    expect(new Set(signatures).size).toBe(2);
  });

  it("drops the '</think>' Qwen leaks as a text block and keeps the tool call", () => {
    const { items } = run('qwen3.6-plus-tool-use', true);
    expect(items.some((item) => item.type === 'message' && item.content[0].text.includes('</think>'))).toBe(
      false,
    );
    expect(items.find((item) => item.type === 'function_call')).toBeDefined();
  });

  it('streams Qwen thinking whose signature is empty without sealing a signature', () => {
    const { items } = run('qwen3.6-plus-thinking-text', true);
    const opened = carrier.open(items[0]?.encrypted_content);
    expect(opened.ok && opened.reasoning.signature).toBeUndefined();
  });

  it('ends max_tokens as incomplete with reason max_output_tokens', () => {
    const { last } = run('generic-max-tokens');
    expect(last).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'max_output_tokens' } },
    });
  });

  it('turns a mid-stream error event into a failure', () => {
    const { thrown, last } = run('generic-error-event');
    expect(String(thrown)).toContain('overloaded_error');
    expect(last.type).toBe('response.failed');
  });

  it('treats pings as activity and an empty text block as nothing', () => {
    const { events, items, normalizer } = run('generic-ping-and-empty-text');
    expect(eventViolations(events)).toEqual([]);
    expect(items.some((item) => item.type === 'message' && item.content[0].text === '')).toBe(false);
    expect(normalizer.sawStop).toBe(true);
  });
});
