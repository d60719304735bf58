/**
 * The one client both paths use: a raw node:http POST over a keep-alive agent and a minimal SSE line scanner that
 * reads the body to its end. Only the classifier differs: Chat chunks direct, Responses events via the bridge.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export type EventKind = 'reasoning' | 'text' | 'tool' | 'done' | 'failed' | 'other';
export type Classifier = (event: string | undefined, data: string) => EventKind;

export interface StreamResult {
  status: number;
  retryAfter: string | undefined;
  startedAt: number;
  /** First `output_text.delta` (bridge) or first content chunk (direct). */
  firstTextAt: number | undefined;
  /** First delta of any kind: reasoning, text or tool arguments. */
  firstDeltaAt: number | undefined;
  endedAt: number;
  deltas: number;
  terminal: 'done' | 'failed' | undefined;
  /** Arrival time of every delta, when asked for. */
  deltaTimes: number[] | undefined;
  error: string | undefined;
  bodyText: string | undefined;
}

export interface StreamRequest {
  url: URL;
  headers: Record<string, string>;
  body: string | Buffer;
  classify: Classifier;
  recordDeltaTimes?: boolean;
  /** Called right before the body is written, to time the send. */
  onSend?: (at: number) => void;
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 4096 });
}

/** Chat Completions chunks as the bench upstream writes them (the delta key tells the kind). */
export const classifyChatChunk: Classifier = (_event, data) => {
  if (data === '[DONE]') return 'done';
  if (data.includes('"reasoning_content":"')) return 'reasoning';
  if (data.includes('"tool_calls":[')) return 'tool';
  if (data.includes('"content":"')) return 'text';
  if (data.startsWith('{"error"')) return 'failed';
  return 'other';
};

/** Responses events by their SSE event name. */
export const classifyResponsesEvent: Classifier = (event) => {
  switch (event) {
    case 'response.output_text.delta':
      return 'text';
    case 'response.reasoning_text.delta':
      return 'reasoning';
    case 'response.function_call_arguments.delta':
      return 'tool';
    case 'response.completed':
      return 'done';
    case 'response.failed':
    case 'response.incomplete':
      return 'failed';
    default:
      return 'other';
  }
};

/** Splits a text stream into SSE events; only `event:` and `data:` lines matter here. */
class SseScanner {
  #rest = '';
  #event: string | undefined;
  #data: string | undefined;
  readonly #onEvent: (event: string | undefined, data: string) => void;

  constructor(onEvent: (event: string | undefined, data: string) => void) {
    this.#onEvent = onEvent;
  }

  push(text: string): void {
    const buffer = this.#rest + text;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf('\n', start);
      if (newline === -1) break;
      this.#line(buffer, start, newline);
      start = newline + 1;
    }
    this.#rest = buffer.slice(start);
  }

  #line(buffer: string, start: number, end: number): void {
    if (end === start) {
      if (this.#data !== undefined) this.#onEvent(this.#event, this.#data);
      this.#event = undefined;
      this.#data = undefined;
    } else if (buffer.startsWith('data: ', start)) {
      this.#data = buffer.slice(start + 6, end);
    } else if (buffer.startsWith('event: ', start)) {
      this.#event = buffer.slice(start + 7, end);
    }
  }
}

export function streamRequest(agent: Agent, options: StreamRequest): Promise<StreamResult> {
  const result: StreamResult = {
    status: 0,
    retryAfter: undefined,
    startedAt: performance.now(),
    firstTextAt: undefined,
    firstDeltaAt: undefined,
    endedAt: 0,
    deltas: 0,
    terminal: undefined,
    deltaTimes: options.recordDeltaTimes ? [] : undefined,
    error: undefined,
    bodyText: undefined,
  };
  const onEvent = (event: string | undefined, data: string) => {
    const kind = options.classify(event, data);
    if (kind === 'reasoning' || kind === 'text' || kind === 'tool') {
      const now = performance.now();
      result.deltas += 1;
      result.firstDeltaAt ??= now;
      if (kind === 'text') result.firstTextAt ??= now;
      result.deltaTimes?.push(now);
    } else if (kind === 'done' || kind === 'failed') {
      result.terminal ??= kind;
    }
  };
  return new Promise((resolve) => {
    const finish = (error?: string) => {
      result.endedAt = performance.now();
      if (error) result.error ??= error;
      resolve(result);
    };
    const req = request(
      options.url,
      {
        method: 'POST',
        agent,
        headers: { ...options.headers, 'content-length': Buffer.byteLength(options.body) },
      },
      (res) => {
        result.status = res.statusCode ?? 0;
        const retryAfter = res.headers['retry-after'];
        result.retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
        res.setEncoding('utf8');
        const isSse = (res.headers['content-type'] ?? '').includes('text/event-stream');
        const scanner = new SseScanner(onEvent);
        let text = '';
        res.on('data', (chunk: string) => {
          if (isSse) scanner.push(chunk);
          else text += chunk;
        });
        res.on('end', () => {
          if (!isSse) result.bodyText = text;
          finish();
        });
        res.on('error', (error) => finish(error.message));
      },
    );
    req.on('error', (error) => finish(error.message));
    result.startedAt = performance.now();
    options.onSend?.(result.startedAt);
    req.end(options.body);
  });
}

/** A stream that answered 200, ended with a success terminal event and carried the expected deltas. */
export function streamProblem(result: StreamResult, expectedDeltas: number | undefined): string | undefined {
  if (result.error) return `socket: ${result.error}`;
  if (result.status !== 200) return `HTTP ${result.status}`;
  if (result.terminal === 'failed') return 'failed terminal event';
  if (result.terminal !== 'done') return 'no terminal event';
  if (expectedDeltas !== undefined && result.deltas !== expectedDeltas)
    return `expected ${expectedDeltas} deltas, got ${result.deltas}`;
  return undefined;
}
