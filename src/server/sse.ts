/**
 * The SSE wire form of Responses events: `event: <type>` plus one `data:` line of JSON. Codex dispatches on the
 * JSON `type`; other clients use the event name.
 */
import type { ResponseEvent } from '../responses/output.ts';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export function formatSseEvent(event: ResponseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function formatSseEvents(events: readonly ResponseEvent[]): string {
  let out = '';
  for (const event of events) out += formatSseEvent(event);
  return out;
}
