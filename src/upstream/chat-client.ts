/**
 * The Chat Completions client: one POST to `{baseUrl}/chat/completions`, returning the upstream's chunks as an
 * async iterable. HTTP errors become BridgeErrors before any chunk is read; a stream that breaks or carries
 * garbage throws UpstreamStreamError from the iterator. Aborting the signal cancels the request and its socket.
 */
import { BridgeError } from '../errors.ts';
import type { ChatChunk, ChatRequest } from './chat-types.ts';
import { SseParser } from './sse-parser.ts';
import { upstreamConnectError, upstreamHttpError } from './upstream-errors.ts';

export interface ChatClientOptions {
  baseUrl: string;
  apiKey: string | undefined;
  userAgent: string;
}

export interface ChatCallOptions {
  /** Stable conversation id; OpenCode Go rejects requests without `x-opencode-session`. */
  sessionId: string;
  signal: AbortSignal;
  /** Model id for error messages. */
  model: string;
}

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

export interface OpenedChatStream {
  chunks: AsyncIterable<ChatChunk>;
  /** True when the upstream ended with `data: [DONE]` (known after iteration). */
  readonly sawDone: boolean;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

export async function openChatCompletion(
  client: ChatClientOptions,
  body: ChatRequest,
  call: ChatCallOptions,
): Promise<OpenedChatStream> {
  const url = `${client.baseUrl}/chat/completions`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: body.stream ? 'text/event-stream' : 'application/json',
    'user-agent': client.userAgent,
    'x-opencode-session': call.sessionId,
  };
  if (client.apiKey) headers.authorization = `Bearer ${client.apiKey}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: call.signal });
  } catch (error) {
    if (call.signal.aborted) throw call.signal.reason;
    throw upstreamConnectError(error, client.baseUrl);
  }
  if (!response.ok) {
    const text = await readBounded(response, MAX_ERROR_BODY_BYTES);
    throw upstreamHttpError(response.status, text, response.headers.get('retry-after'), call.model);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!response.body)
    throw new BridgeError({ status: 502, code: 'upstream_error', message: 'The upstream sent no body.' });
  if (contentType.includes('application/json')) {
    // A non-streaming completion (UPSTREAM_STREAM=0, or an upstream that ignores `stream`): one chunk.
    const completion = await readJson(response, call.model);
    const chunks = (async function* () {
      if (completion.error) throw upstreamErrorInBody(completion.error, call.model);
      yield completion;
    })();
    return { chunks, sawDone: true };
  }
  return sseChunks(response.body, call.model, call.signal);
}

function upstreamErrorInBody(error: unknown, model: string): BridgeError | UpstreamStreamError {
  const described = JSON.stringify({ error });
  const mapped = upstreamHttpError(400, described, null, model);
  if (mapped.code === 'insufficient_quota' || mapped.code === 'context_length_exceeded') return mapped;
  const message = (error as { message?: string })?.message ?? described;
  return new UpstreamStreamError('upstream_error', `The upstream reported an error mid-stream: ${message}`);
}

function sseChunks(body: ReadableStream<Uint8Array>, model: string, signal: AbortSignal): OpenedChatStream {
  const state = { sawDone: false };
  async function* iterate(): AsyncGenerator<ChatChunk> {
    const parser = new SseParser();
    const reader = body.getReader();
    try {
      for (;;) {
        let read: Awaited<ReturnType<typeof reader.read>>;
        try {
          read = await reader.read();
        } catch (error) {
          // An abort (client gone, or one of our timeouts) carries its own reason.
          if (signal.aborted) throw signal.reason;
          throw new UpstreamStreamError(
            'upstream_disconnected',
            `The upstream connection broke mid-stream: ${describe(error)}`,
          );
        }
        const messages = read.done ? parser.end() : parser.push(read.value);
        for (const message of messages) {
          if (message.data === '[DONE]') {
            state.sawDone = true;
            return;
          }
          const chunk = parseChunk(message.data);
          if (chunk.error) throw upstreamErrorInBody(chunk.error, model);
          yield chunk;
        }
        if (read.done) return;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }
  return {
    chunks: iterate(),
    get sawDone() {
      return state.sawDone;
    },
  };
}

function parseChunk(data: string): ChatChunk {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as ChatChunk;
  } catch {
    // fall through
  }
  throw new UpstreamStreamError(
    'upstream_invalid_chunk',
    `The upstream sent a chunk that is not a JSON object: ${data.slice(0, 200)}`,
  );
}

async function readJson(response: Response, model: string): Promise<ChatChunk> {
  const text = await response.text();
  try {
    return JSON.parse(text) as ChatChunk;
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
