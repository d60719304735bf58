import { describe, expect, it } from 'vitest';
import type { ResponseEvent } from './output.ts';
import { formatSseEvent } from './sse.ts';

const deltas: ResponseEvent[] = [
  {
    type: 'response.output_text.delta',
    item_id: 'msg_1',
    output_index: 1,
    content_index: 0,
    delta: 'a "quoted"\nline ✓',
    logprobs: [],
    sequence_number: 7,
  },
  {
    type: 'response.reasoning_text.delta',
    item_id: 'rs_1',
    output_index: 0,
    content_index: 0,
    delta: '\u2028tricky\\',
    sequence_number: 3,
  },
  {
    type: 'response.function_call_arguments.delta',
    item_id: 'fc_1',
    output_index: 2,
    delta: '{"cmd":',
    sequence_number: 9,
  },
];

describe('formatSseEvent', () => {
  it.each(deltas)('writes $type from a template as exactly the JSON of the event', (event) => {
    const text = formatSseEvent(event);
    expect(text.startsWith(`event: ${event.type}\ndata: `)).toBe(true);
    expect(text.endsWith('\n\n')).toBe(true);
    const data = text.slice(text.indexOf('data: ') + 6, -2);
    expect(JSON.parse(data)).toEqual(event);
  });

  it('writes other events as their JSON', () => {
    const event = {
      type: 'response.output_item.added',
      output_index: 0,
      item: { type: 'message', id: 'm', role: 'assistant', status: 'in_progress', content: [] },
      sequence_number: 1,
    } as ResponseEvent;
    expect(formatSseEvent(event)).toBe(
      `event: response.output_item.added\ndata: ${JSON.stringify(event)}\n\n`,
    );
  });
});
