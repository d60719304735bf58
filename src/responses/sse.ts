/**
 * The SSE wire form of Responses events: `event: <type>` plus one `data:` line of JSON. Codex dispatches on the
 * JSON `type`; other clients use the event name (docs/wire-protocols.md#sse-framing).
 */
import type { ResponseEvent, ResponseObject } from './output.ts';

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
    case 'response.created':
    case 'response.in_progress':
    case 'response.completed':
    case 'response.incomplete':
    case 'response.failed':
      return `event: ${event.type}\ndata: ${lifecycleJson(event)}\n\n`;
    default:
      return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  }
}

/**
 * The JSON of a request's echoed tools, by array: a turn's lifecycle events (created, in_progress and the terminal
 * one) each carry the whole Response with the same tools array, tens of KB for Codex. A request's tools are not
 * changed once parsed (the translation copies what it adapts), so one serialisation serves all three.
 */
const toolsJsonByArray = new WeakMap<readonly unknown[], string>();

function toolsJson(tools: readonly unknown[]): string {
  let json = toolsJsonByArray.get(tools);
  if (json === undefined) {
    json = JSON.stringify(tools);
    toolsJsonByArray.set(tools, json);
  }
  return json;
}

/**
 * The same text as `JSON.stringify(event)`. With tools to echo, their JSON, made once per array, is spliced into the
 * response's and that into the event's; without, one `JSON.stringify` is quicker.
 */
function lifecycleJson(event: ResponseEvent & { response: ResponseObject }): string {
  const { tools } = event.response;
  if (!Array.isArray(tools) || tools.length === 0) return JSON.stringify(event);
  return jsonWithField(event, 'response', jsonWithField(event.response, 'tools', toolsJson(tools)));
}

/**
 * `JSON.stringify(object)` for a plain object whose field `field` is already JSON text (`fieldJson`): the other
 * fields are serialised one by one, in the object's own order, leaving out those JSON leaves out.
 */
function jsonWithField(object: object, field: string, fieldJson: string): string {
  let json = '{';
  for (const key of Object.keys(object)) {
    const text = key === field ? fieldJson : JSON.stringify((object as Record<string, unknown>)[key]);
    if (text === undefined) continue;
    json += `${json.length === 1 ? '' : ','}${JSON.stringify(key)}:${text}`;
  }
  return `${json}}`;
}

export function formatSseEvents(events: readonly ResponseEvent[]): string {
  let out = '';
  for (const event of events) out += formatSseEvent(event);
  return out;
}
