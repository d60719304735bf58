/**
 * Watches a GPT pass-through for the run observer without touching its bytes: the reply is still streamed as
 * received; a line scanner only looks for the terminal event (`response.completed`, `.incomplete`, `.failed`) to
 * learn the status, the usage and the tool calls. Lines are only split, never parsed, until that event.
 */
import type { RunEnd, RunWatch } from '../observe/run-observer.ts';
import type { ResponseObject } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import { endOfError, errorMessage, tokensOf, toolCallsIn } from './run-events.ts';

const TERMINAL =
  /^(?:event: response\.(?:completed|incomplete|failed)|data: \{"type":"response\.(?:completed|incomplete|failed)")/;

/** Longest status kept from OpenAI's reply when it is not one the observer knows (a real one is a word). */
const MAX_STATUS_CHARS = 64;

/**
 * OpenAI's final status as an outcome: the three the observer knows pass; any other (`cancelled`, `queued`, whatever
 * a future API or a broken reply sends) is a failure whose message names that status, never an unchecked value.
 */
function outcomeOf(
  response: ResponseObject,
  request: readonly unknown[],
): Pick<RunEnd, 'outcome' | 'reason' | 'message' | 'messageWithoutContent'> {
  const status: unknown = response.status;
  // OpenAI's error message is all upstream words: it may quote the request.
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

function endFrom(line: string, request: readonly unknown[]): RunEnd | undefined {
  try {
    const event = JSON.parse(line.slice('data: '.length)) as { response?: ResponseObject };
    const response = event.response;
    if (!response?.status || response.status === 'in_progress') return undefined;
    return {
      ...outcomeOf(response, request),
      at: Date.now(),
      servedModel: response.model,
      tokens: tokensOf(response.usage),
      toolCalls: toolCallsIn(response),
    };
  } catch {
    return undefined;
  }
}

/** Scans SSE text for the terminal event; `end` is set once it has been seen. */
class TerminalScanner {
  end: RunEnd | undefined;
  #partial = '';
  #terminalNext = false;
  readonly #decoder = new TextDecoder();
  readonly #request: readonly unknown[];

  /** `request`: the values an error message must not quote (see errorMessage). */
  constructor(request: readonly unknown[]) {
    this.#request = request;
  }

  push(bytes: Uint8Array): void {
    if (this.end) return;
    const text = this.#partial + this.#decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.#line(text.slice(start, newline).replace(/\r$/, ''));
      start = newline + 1;
      if (this.end) return;
    }
    this.#partial = text.slice(start);
  }

  #line(line: string): void {
    if (this.#terminalNext && line.startsWith('data: ')) {
      this.end = endFrom(line, this.#request);
      this.#terminalNext = false;
      return;
    }
    if (!TERMINAL.test(line)) return;
    if (line.startsWith('event: ')) this.#terminalNext = true;
    else this.end = endFrom(line, this.#request);
  }
}

/** The client left before OpenAI answered: its request ends as the client's doing, not as a problem. */
function clientLeft(): RunEnd {
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

/**
 * `clientSignal` aborts when the client goes away. Every way out ends the watch: a request left in flight would
 * keep its thread "waiting for upstream", and its session from ever being evicted.
 */
export async function watchPassThrough(
  watch: RunWatch,
  request: ResponsesRequest,
  reply: Promise<Response>,
  clientSignal: AbortSignal,
): Promise<Response> {
  const { model } = request;
  watch.onState({ phase: 'waiting_upstream', model, at: Date.now() });
  let response: Response;
  try {
    response = await reply;
  } catch (error) {
    // No credentials, OpenAI unreachable, or the client gone before OpenAI's headers.
    watch.onEnd(clientSignal.aborted ? clientLeft() : endOfError(error, [request]));
    throw error;
  }
  if (!response.ok || !response.body) {
    watch.onEnd({
      ...endOfError(new Error(`OpenAI answered HTTP ${response.status}`)),
      servedModel: model,
      reason: `http_${response.status}`,
    });
    return response;
  }
  watch.onState({ phase: 'streaming', model, at: Date.now() });
  const scanner = new TerminalScanner([request]);
  const reader = response.body.getReader();
  const ended = (fallback: Omit<RunEnd, 'at' | 'servedModel' | 'tokens' | 'toolCalls'>) =>
    watch.onEnd(
      scanner.end ?? { ...fallback, at: Date.now(), servedModel: model, tokens: undefined, toolCalls: 0 },
    );
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          ended({
            outcome: 'failed',
            reason: 'upstream_disconnected',
            message: 'OpenAI closed the stream early',
          });
          controller.close();
          return;
        }
        scanner.push(value);
        controller.enqueue(value);
      } catch (error) {
        ended({ outcome: 'failed', reason: 'upstream_disconnected', message: (error as Error).message });
        controller.error(error);
      }
    },
    cancel(reason) {
      ended({ outcome: 'client_disconnected', reason: 'client_disconnected', message: undefined });
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
