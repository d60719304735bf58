/**
 * What every upstream wire shares: one POST (undici's `request`, no web streams on the hot path) whose HTTP errors
 * become BridgeErrors before anything is read; a server-sent-event reader that yields all events of one socket
 * read together (so one upstream read becomes one client write) and turns a broken connection into
 * UpstreamStreamError, or into the abort's own reason (client gone, or one of the bridge's timeouts); strict JSON
 * parsing of what arrives.
 */
import { request } from 'undici';
import { BridgeError, type UpstreamReply } from '../errors.ts';
import { type SseMessage, SseParser } from './sse-parser.ts';
import { upstreamConnectError, upstreamHttpError } from './upstream-errors.ts';

/** The upstream broke after it started answering: cut connection, invalid JSON, an error event. */
export class UpstreamStreamError extends Error {
  readonly code: string;
  /** What the upstream sent that the message quotes (kept out of logs, see UpstreamReply). */
  readonly upstream: UpstreamReply | undefined;
  constructor(code: string, message: string, upstream?: UpstreamReply) {
    super(message);
    this.name = 'UpstreamStreamError';
    this.code = code;
    this.upstream = upstream;
  }

  toBridgeError(): BridgeError {
    return new BridgeError({
      status: 502,
      code: this.code,
      type: 'upstream_error',
      message: this.message,
      upstream: this.upstream,
    });
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

/** An accepted (2xx) upstream answer whose body has not been read yet. */
export interface UpstreamBody {
  isJson: boolean;
  /** The raw body, chunk by chunk. */
  chunks: AsyncIterable<Buffer>;
  text(): Promise<string>;
  /**
   * Stops reading. After the message is complete the rest (usually nothing) is drained briefly so the
   * connection can be reused (a new TLS handshake per request would cost far more); otherwise it is cut.
   */
  release(complete: boolean): void;
}

type RequestBody = Awaited<ReturnType<typeof request>>['body'];

const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** What release() reads of a complete message's rest, and for how long, before it cuts the connection instead. */
const RELEASE_DRAIN_BYTES = 128 * 1024;
const RELEASE_DRAIN_MS = 1000;

/** POSTs JSON; resolves with a 2xx body, or throws the mapped error. */
export async function postToUpstream(post: UpstreamPost): Promise<UpstreamBody> {
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(post.url, {
      method: 'POST',
      headers: post.headers,
      body: JSON.stringify(post.body),
      signal: post.signal,
    });
  } catch (error) {
    if (post.signal.aborted) throw post.signal.reason;
    throw upstreamConnectError(error, post.baseUrl);
  }
  const { statusCode, headers, body } = response;
  if (statusCode < 200 || statusCode >= 300) {
    const text = await readBounded(body, MAX_ERROR_BODY_BYTES);
    throw upstreamHttpError(statusCode, text, headerValue(headers['retry-after']), post.model);
  }
  // undici's dump({ limit }) counts every byte of the body, not the rest: release() adds what was read already.
  let bytesRead = 0;
  return {
    isJson: (headerValue(headers['content-type']) ?? '').includes('application/json'),
    // A reader that stops early (at `[DONE]`) leaves the body to release(): the default iterator would destroy it
    // on return, which aborts a call whose last bytes are still on their way (and so its connection), and builds an
    // AbortError with a stack trace on every call even when they are not.
    chunks: {
      [Symbol.asyncIterator]: () =>
        counting(body.iterator({ destroyOnReturn: false }), (bytes) => {
          bytesRead += bytes;
        }),
    },
    text: () => body.text(),
    release: (complete) => {
      if (!complete) {
        body.destroy();
        return;
      }
      // A plain timer, cleared once the rest has arrived (almost always at once): AbortSignal.timeout() cannot be
      // cleared, so each call left a timer that fired a second later and built a DOMException with a stack trace.
      const cut = setTimeout(() => body.destroy(), RELEASE_DRAIN_MS);
      cut.unref();
      body
        .dump({ limit: bytesRead + RELEASE_DRAIN_BYTES })
        .catch(() => body.destroy())
        .finally(() => clearTimeout(cut));
    },
  };
}

/** The same chunks, each counted as it arrives. */
function counting(chunks: AsyncIterator<Buffer>, count: (bytes: number) => void): AsyncIterator<Buffer> {
  return {
    next: () =>
      chunks.next().then((result) => {
        if (!result.done) count(result.value.byteLength);
        return result;
      }),
    return: (value?: unknown) => chunks.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** The events of an SSE body until it ends, one array per socket read. */
export async function* sseMessageBatches(
  body: UpstreamBody,
  signal: AbortSignal,
  /** Whether the consumer has the whole message (e.g. saw `[DONE]`) if it stops early: then the connection is kept. */
  isComplete: () => boolean = () => false,
): AsyncGenerator<SseMessage[]> {
  const parser = new SseParser();
  let ended = false;
  try {
    try {
      for await (const bytes of body.chunks) {
        const messages = parser.push(bytes);
        if (messages.length > 0) yield messages;
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new UpstreamStreamError(
        'upstream_disconnected',
        `The upstream connection broke mid-stream: ${describe(error)}`,
      );
    }
    ended = true;
    const rest = parser.end();
    if (rest.length > 0) yield rest;
  } finally {
    // Stopped early (the consumer has the whole message, or failed): release the socket, for reuse only when the
    // message was complete. After a normal end there is nothing to do.
    if (!ended) body.release(isComplete() && !signal.aborted);
  }
}

export function parseJsonObject<T>(data: string, what: string): T {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as T;
  } catch {
    // fall through
  }
  const text = data.slice(0, 200);
  throw new UpstreamStreamError(
    'upstream_invalid_chunk',
    `The upstream sent ${what} that is not a JSON object: ${text}`,
    { text },
  );
}

/** A whole (non-streamed) answer, which must be a JSON object: a completion, a Message or an error. */
export async function readJsonBody<T>(body: UpstreamBody, model: string): Promise<T> {
  const text = await body.text();
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as T;
  } catch {
    // fall through
  }
  const quoted = text.slice(0, 200);
  throw new BridgeError({
    status: 502,
    code: 'upstream_invalid_response',
    type: 'upstream_error',
    message: `The upstream answered for ${model} with a body that is not a JSON object: ${quoted}`,
    upstream: { text: quoted },
  });
}

async function readBounded(body: RequestBody, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const part of body as AsyncIterable<Buffer>) {
      parts.push(part);
      size += part.byteLength;
      if (size >= limit) break;
    }
  } catch {
    // A body cut short still tells us something.
  } finally {
    body.destroy();
  }
  return Buffer.concat(parts).toString('utf8').slice(0, limit);
}

function describe(error: unknown): string {
  const code = (error as { code?: string })?.code;
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return cause ?? code ?? (error instanceof Error ? error.message : String(error));
}
