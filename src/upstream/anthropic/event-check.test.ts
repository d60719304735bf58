import { describe, expect, it } from 'vitest';
import { readMessagesEvents } from '../../../test/support/fixtures.ts';
import { messagesEventProblem } from './event-check.ts';
import type { MessagesEvent } from './types.ts';

const recorded = [
  'generic-error-event',
  'generic-max-tokens',
  'generic-ping-and-empty-text',
  'minimax-m2.7-interleaved-thinking',
  'minimax-m2.7-parallel-tool-use',
  'minimax-m2.7-thinking-text',
  'minimax-m2.7-thinking-tool-use',
  'qwen3.6-plus-thinking-text',
  'qwen3.6-plus-tool-use',
];

const problemOf = (event: Record<string, unknown>) => messagesEventProblem(event as unknown as MessagesEvent);

describe('messagesEventProblem', () => {
  it.each(recorded)('finds nothing wrong in the recorded %s stream', (name) => {
    const events = readMessagesEvents(name).map(({ data }) => data as unknown as MessagesEvent);

    expect(events.map(messagesEventProblem).filter(Boolean)).toEqual([]);
  });

  it('tolerates unknown events and unknown fields', () => {
    expect(problemOf({ type: 'brand_new_event', payload: { anything: [1] } })).toBeUndefined();
    expect(
      problemOf({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'x', extra: 1 },
      }),
    ).toBeUndefined();
  });

  it.each([
    [{ type: 42 }, 'type is a number, expected a string'],
    [
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: { text: 'hi' } } },
      'delta.text is an object, expected a string',
    ],
    [
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 42 } },
      'delta.text is a number, expected a string',
    ],
    [
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: {} } },
      'delta.partial_json is an object, expected a string',
    ],
    [
      { type: 'content_block_delta', index: '0', delta: { type: 'text_delta', text: 'x' } },
      'index is a string, expected an index (a whole number)',
    ],
    [
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: ['hi'] } },
      'content_block.text is an array, expected a string',
    ],
    [
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: { toString: 1 }, name: 'f', input: {} },
      },
      'content_block.id is an object, expected a string',
    ],
    [
      { type: 'message_start', message: { usage: { input_tokens: '12' } } },
      'message.usage.input_tokens is a string, expected a number',
    ],
    [
      { type: 'message_delta', delta: { stop_reason: 1 } },
      'delta.stop_reason is a number, expected a string',
    ],
    [
      { type: 'message_delta', delta: {}, usage: { output_tokens: {} } },
      'usage.output_tokens is an object, expected a number',
    ],
    [
      { type: 'error', error: { type: 'overloaded_error', message: { toString: 1 } } },
      'error.message is an object, expected a string',
    ],
  ])('reports a wrongly typed field: %j', (event, problem) => {
    expect(problemOf(event)).toBe(problem);
  });
});
