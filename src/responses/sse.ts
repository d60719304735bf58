/**
 * The SSE wire form of Responses events: `event: <type>` plus one `data:` line of JSON. Codex dispatches on the
 * JSON `type`; other clients use the event name (docs/wire-protocols.md#sse-framing).
 */
import type { ResponseEvent } from './output.ts';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/**
 * Deltas are most of the stream: they are written from a template, serialising only the delta text, instead of
 * walking the whole event object. The output is the same JSON `JSON.stringify` would produce.
 */
export function formatSseEvent(event: ResponseEvent): string {
  switch (event.type) {
    case 'response.output_text.delta':
      return (
        `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":${JSON.stringify(event.item_id)},` +
        `"output_index":${event.output_index},"content_index":${event.content_index},"delta":${JSON.stringify(event.delta)},` +
        `"logprobs":[],"sequence_number":${event.sequence_number}}\n\n`
      );
    case 'response.reasoning_text.delta':
      return (
        `event: response.reasoning_text.delta\ndata: {"type":"response.reasoning_text.delta","item_id":${JSON.stringify(event.item_id)},` +
        `"output_index":${event.output_index},"content_index":${event.content_index},"delta":${JSON.stringify(event.delta)},` +
        `"sequence_number":${event.sequence_number}}\n\n`
      );
    case 'response.function_call_arguments.delta':
      return (
        `event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta",` +
        `"item_id":${JSON.stringify(event.item_id)},"output_index":${event.output_index},"delta":${JSON.stringify(event.delta)},` +
        `"sequence_number":${event.sequence_number}}\n\n`
      );
    default:
      return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  }
}

export function formatSseEvents(events: readonly ResponseEvent[]): string {
  let out = '';
  for (const event of events) out += formatSseEvent(event);
  return out;
}
