/**
 * What the bridge learns from a GPT pass-through's bytes without touching them: one SSE scan finds the terminal
 * event (`response.completed`, `.incomplete`, `.failed`) and reads the Response it carries — status, usage, tool
 * calls, error — for both the request's log line and metrics and the run observer. Data lines are only matched
 * against a pattern until that event; only the terminal one is parsed.
 */
import type { RunEnd } from '../observe/run-observer.ts';
import type { ResponseObject, ResponseUsage } from '../responses/output.ts';
import { type SseMessage, SseParser } from '../upstream/sse-parser.ts';
import { endOfError, errorMessage, tokensOf, toolCallsIn } from './run-events.ts';

/** `event: response.completed` (…), or data that opens with that `type` when the event has no name. */
const TERMINAL_NAME = /^response\.(completed|failed|incomplete)$/;
const TERMINAL_DATA = /^\{\s*"type"\s*:\s*"response\.(completed|failed|incomplete)"/;

export type TerminalKind = 'completed' | 'failed' | 'incomplete';

/** The bytes passed on so far, and the terminal event once seen. */
export class PassThroughScan {
  readonly #parser = new SseParser();
  bytes = 0;
  terminal: TerminalKind | undefined;
  /** The Response the terminal event carried, when it was JSON with one. */
  response: ResponseObject | undefined;

  push(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    if (this.terminal) return;
    for (const message of this.#parser.push(chunk)) this.#read(message);
  }

  end(): void {
    if (this.terminal) return;
    for (const message of this.#parser.end()) this.#read(message);
  }

  get usage(): Partial<ResponseUsage> | undefined {
    return this.response?.usage ?? undefined;
  }

  /**
   * Only the event's own name or `type` counts: the same words inside it (metadata or a schema the response echoes,
   * e.g. in response.created) are not a terminal event.
   */
  #read(message: SseMessage): void {
    if (this.terminal) return;
    const match =
      message.event === undefined ? TERMINAL_DATA.exec(message.data) : TERMINAL_NAME.exec(message.event);
    if (!match) return;
    this.terminal = match[1] as TerminalKind;
    try {
      const response = (JSON.parse(message.data) as { response?: unknown }).response;
      if (response && typeof response === 'object') this.response = response as ResponseObject;
    } catch {
      // not JSON: the kind is still known
    }
  }
}

/** Longest status kept from OpenAI's reply when it is not one the observer knows (a real one is a word). */
const MAX_STATUS_CHARS = 64;

/**
 * OpenAI's final status as an outcome: the three the observer knows pass; any other (`cancelled`, `queued`, whatever
 * a future API or a broken reply sends) is a failure whose message names that status, never an unchecked value.
 * `request` is what OpenAI's error message (all upstream words) must not quote.
 */
function outcomeOf(
  response: ResponseObject,
  request: readonly unknown[],
): Pick<RunEnd, 'outcome' | 'reason' | 'message' | 'messageWithoutContent'> {
  const status: unknown = response.status;
  const message = response.error?.message;
  if (status === 'completed' || status === 'incomplete' || status === 'failed')
    return {
      outcome: status,
      reason: response.incomplete_details?.reason ?? response.error?.code ?? undefined,
      ...(typeof message === 'string' ? errorMessage(message, message, request) : { message: undefined }),
    };
  return {
    outcome: 'failed',
    reason: 'unexpected_status',
    message: `OpenAI ended the response with status ${JSON.stringify(String(status).slice(0, MAX_STATUS_CHARS))}`,
  };
}

/** The end of a pass-through whose terminal event carried a Response. */
export function endOfTerminal(response: ResponseObject, request: readonly unknown[]): RunEnd {
  return {
    ...outcomeOf(response, request),
    at: Date.now(),
    servedModel: response.model,
    tokens: tokensOf(response.usage),
    toolCalls: toolCallsIn(response),
  };
}

/** How a passed-through body stopped flowing. */
export type BodyEnd = 'ended' | 'client_disconnected' | 'stream_error';

/** The end of a streamed pass-through, from what its scan saw and how its body stopped. */
export function endOfStream(
  scan: PassThroughScan,
  how: BodyEnd,
  model: string,
  request: readonly unknown[],
  streamError?: unknown,
): RunEnd {
  const base = { at: Date.now(), servedModel: model, tokens: undefined, toolCalls: 0 };
  if (scan.response?.status && scan.response.status !== 'in_progress') {
    try {
      return endOfTerminal(scan.response, request);
    } catch {
      // A terminal Response of the wrong shape (e.g. `output` not a list of items): the run still ends.
      const message = 'OpenAI ended the stream with a response the bridge could not read';
      return { ...base, outcome: 'failed', reason: 'unreadable_response', message };
    }
  }
  if (how === 'client_disconnected')
    return { ...base, outcome: 'client_disconnected', reason: 'client_disconnected', message: undefined };
  const message =
    how === 'stream_error'
      ? streamError instanceof Error
        ? streamError.message
        : String(streamError)
      : 'OpenAI closed the stream early';
  return { ...base, outcome: 'failed', reason: 'upstream_disconnected', message };
}

/** OpenAI answered with an HTTP error (its body is passed on as is). */
export function endOfHttpError(status: number, model: string): RunEnd {
  return {
    ...endOfError(new Error(`OpenAI answered HTTP ${status}`)),
    servedModel: model,
    reason: `http_${status}`,
  };
}

/** The client left before OpenAI answered: its request ends as the client's doing, not as a problem. */
export function clientLeft(): RunEnd {
  return {
    outcome: 'client_disconnected',
    at: Date.now(),
    servedModel: undefined,
    reason: 'client_disconnected',
    message: undefined,
    tokens: undefined,
    toolCalls: 0,
  };
}
