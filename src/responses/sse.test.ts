import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResponseEvent, ResponseObject } from './output.ts';
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

/** The tools of a request captured from Codex 0.169 (17 KB of them). */
const codexTools = (
  JSON.parse(
    readFileSync(path.join(import.meta.dirname, '../../test/fixtures/codex-requests/basic-00.json'), 'utf8'),
  ) as { body: { tools: unknown[] } }
).body.tools;

function response(overrides: Partial<ResponseObject>): ResponseObject {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1_764_633_600,
    status: 'in_progress',
    model: 'ocg-kimi-k2.6',
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
    text: { format: { type: 'text' } },
    instructions: 'Be brief. "Quoted", \u2028 and ✓.',
    metadata: {},
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: codexTools,
    temperature: null,
    top_p: null,
    max_output_tokens: null,
    previous_response_id: null,
    store: false,
    ...overrides,
  };
}

describe('formatSseEvent, lifecycle events', () => {
  const asJson = (event: ResponseEvent) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

  it('writes the created, in_progress and terminal events of a turn as exactly their JSON, the tools serialised once', () => {
    const opening = response({});
    const turn: ResponseEvent[] = [
      { type: 'response.created', response: opening, sequence_number: 0 },
      { type: 'response.in_progress', response: opening, sequence_number: 1 },
      {
        type: 'response.completed',
        // A later snapshot: output and usage filled in, metadata added, the same tools array.
        response: response({
          status: 'completed',
          metadata: { bridge_mode: 'plan' },
          output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [] }],
          usage: { input_tokens: 10, output_tokens: 2, total_tokens: 12 } as ResponseObject['usage'],
        }),
        sequence_number: 9,
      },
    ];
    for (const event of turn) expect(formatSseEvent(event)).toBe(asJson(event));
  });

  it('leaves out undefined fields as JSON does, and writes empty tools and other terminal events alike', () => {
    const events = [
      {
        type: 'response.in_progress',
        response: { ...response({ tools: [], instructions: null }), reasoning: undefined },
        sequence_number: 4,
      },
      { type: 'response.failed', response: response({ status: 'failed', tools: [{ type: 'web_search' }] }) },
      { type: 'response.incomplete', response: response({ status: 'incomplete' }), sequence_number: 5 },
    ] as ResponseEvent[];
    for (const event of events) expect(formatSseEvent(event)).toBe(asJson(event));
  });
});
