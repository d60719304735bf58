/**
 * The request fields a Response echoes back: the same on every Response, whether a model wrote it or the bridge
 * answered the turn itself.
 */
import { uniqueId } from '../ids.ts';
import type { ResponseObject } from './output.ts';
import type { ResponsesRequest } from './request.ts';

export type ResponseEcho = Pick<
  ResponseObject,
  | 'instructions'
  | 'metadata'
  | 'parallel_tool_calls'
  | 'tool_choice'
  | 'tools'
  | 'temperature'
  | 'top_p'
  | 'max_output_tokens'
  | 'previous_response_id'
  | 'store'
>;

export function echoOf(request: ResponsesRequest): ResponseEcho {
  return {
    instructions: request.instructions ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    previous_response_id: request.previous_response_id ?? null,
    store: request.store ?? false,
  };
}

export function newResponseId(): string {
  return uniqueId('resp');
}
