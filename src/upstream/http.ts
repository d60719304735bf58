/**
 * What every upstream wire shares: one POST whose HTTP errors become BridgeErrors before anything is read, a
 * server-sent-event reader that turns a broken connection into UpstreamStreamError (or the abort's own reason:
 * client gone, or one of the bridge's timeouts), and strict JSON parsing of what arrives.
 */
import { BridgeError } from '../errors.ts';
import { type SseMessage, SseParser } from './sse-parser.ts';
import { upstreamConnectError, upstreamHttpError } from './upstream-errors.ts';

/** The upstream broke after it started answering: cut connection, invalid JSON, an error event. */
export class UpstreamStreamError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'UpstreamStreamError';
    this.code = code;
  }

  toBridgeError(): BridgeError {
    return new BridgeError({ status: 502, code: this.code, type: 'upstream_error', message: this.message });
  }
}

export interface UpstreamPost {
  url: string;
  baseUrl: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  /** Model id for error messages. */
  model: string;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** POSTs JSON; resolves with a 2xx response that has a body, or throws the mapped error. */
export async function postToUpstream(
  post: UpstreamPost,
): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  let response: Response;
  try {
    response = await fetch(post.url, {
      method: 'POST',
      headers: post.headers,
      body: JSON.stringify(post.body),
      signal: post.signal,
    });
  } catch (error) {
    if (post.signal.aborted) throw post.signal.reason;
    throw upstreamConnectError(error, post.baseUrl);
  }
  if (!response.ok) {
    const text = await readBounded(response, MAX_ERROR_BODY_BYTES);
    throw upstreamHttpError(response.status, text, response.headers.get('retry-after'), post.model);
  }
  if (!response.body)
    throw new BridgeError({ status: 502, code: 'upstream_error', message: 'The upstream sent no body.' });
  return response as Response & { body: ReadableStream<Uint8Array> };
}

export function isJsonResponse(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('application/json');
}

/** The events of an SSE body, until it ends. */
export async function* sseMessages(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): AsyncGenerator<SseMessage> {
  const parser = new SseParser();
  const reader = body.getReader();
  try {
    for (;;) {
      let read: Awaited<ReturnType<typeof reader.read>>;
      try {
        read = await reader.read();
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw new UpstreamStreamError(
          'upstream_disconnected',
          `The upstream connection broke mid-stream: ${describe(error)}`,
        );
      }
      yield* read.done ? parser.end() : parser.push(read.value);
      if (read.done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

export function parseJsonObject<T>(data: string, what: string): T {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as T;
  } catch {
    // fall through
  }
  throw new UpstreamStreamError(
    'upstream_invalid_chunk',
    `The upstream sent ${what} that is not a JSON object: ${data.slice(0, 200)}`,
  );
}

export async function readJsonBody<T>(response: Response, model: string): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new BridgeError({
      status: 502,
      code: 'upstream_invalid_response',
      type: 'upstream_error',
      message: `The upstream answered for ${model} with a body that is not JSON: ${text.slice(0, 200)}`,
    });
  }
}

async function readBounded(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still tells us something.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(parts).toString('utf8').slice(0, limit);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return cause ?? (error instanceof Error ? error.message : String(error));
}
