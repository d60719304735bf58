/**
 * The Chat Completions wire: one POST to `{baseUrl}/chat/completions`, the upstream's chunks as an async iterable.
 * HTTP errors become BridgeErrors before any chunk is read; a stream that breaks or carries garbage throws
 * UpstreamStreamError from the iterator. Aborting the signal cancels the request and its socket.
 */
import type { BridgeError } from '../errors.ts';
import type { ChatChunk, ChatRequest } from './chat-types.ts';
import { chatChunkProblem, wronglyTyped } from './chunk-check.ts';
import {
  parseJsonObject,
  postToUpstream,
  readJsonBody,
  sseMessageBatches,
  UpstreamStreamError,
} from './http.ts';
import { upstreamHttpError } from './upstream-errors.ts';

export { UpstreamStreamError } from './http.ts';

export interface UpstreamClientOptions {
  baseUrl: string;
  apiKey: string | undefined;
  userAgent: string;
}

export interface UpstreamCallOptions {
  /** Stable conversation id; OpenCode Go rejects requests without `x-opencode-session`. */
  sessionId: string;
  signal: AbortSignal;
  /** Model id for error messages. */
  model: string;
}

export interface OpenedChatStream {
  /**
   * Chat-shaped chunks, whatever the wire (other wires are normalised to this shape by their adapter), in batches:
   * all the chunks one socket read brought, so they become one write to the client.
   */
  batches: AsyncIterable<ChatChunk[]>;
  /** True when the upstream signalled the normal end of the message (`[DONE]`, `message_stop`). */
  readonly sawDone: boolean;
}

export function upstreamHeaders(
  client: UpstreamClientOptions,
  call: UpstreamCallOptions,
  stream: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'user-agent': client.userAgent,
    'x-opencode-session': call.sessionId,
  };
  if (client.apiKey) headers.authorization = `Bearer ${client.apiKey}`;
  return headers;
}

export async function openChatCompletion(
  client: UpstreamClientOptions,
  body: ChatRequest,
  call: UpstreamCallOptions,
): Promise<OpenedChatStream> {
  const response = await postToUpstream({
    url: `${client.baseUrl}/chat/completions`,
    baseUrl: client.baseUrl,
    headers: upstreamHeaders(client, call, body.stream),
    body,
    signal: call.signal,
    model: call.model,
  });
  if (response.isJson) {
    // A non-streaming completion (UPSTREAM_STREAM=0, or an upstream that ignores `stream`): one chunk.
    const completion = await readJsonBody<ChatChunk>(response, call.model);
    const batches = (async function* () {
      if (completion.error) throw errorInBody(completion.error, call.model);
      const problem = chatChunkProblem(completion);
      if (problem) throw wronglyTyped('a completion', problem);
      yield [completion];
    })();
    return { batches, sawDone: true };
  }
  const state = { sawDone: false };
  async function* batches(): AsyncGenerator<ChatChunk[]> {
    for await (const messages of sseMessageBatches(response, call.signal, () => state.sawDone)) {
      const chunks: ChatChunk[] = [];
      let broken: unknown;
      for (const message of messages) {
        if (message.data === '[DONE]') {
          state.sawDone = true;
          break;
        }
        try {
          const chunk = parseJsonObject<ChatChunk>(message.data, 'a chunk');
          if (chunk.error) throw errorInBody(chunk.error, call.model);
          const problem = chatChunkProblem(chunk);
          if (problem) throw wronglyTyped('a chunk', problem);
          chunks.push(chunk);
        } catch (error) {
          broken = error;
          break;
        }
      }
      // What arrived before a bad chunk is still passed on; then the stream fails.
      if (chunks.length > 0) yield chunks;
      if (broken) throw broken;
      if (state.sawDone) return;
    }
  }
  return {
    batches: batches(),
    get sawDone() {
      return state.sawDone;
    },
  };
}

/** An error object inside a 200 body or stream (some upstreams do that for quota and overload errors). */
function errorInBody(error: unknown, model: string): BridgeError | UpstreamStreamError {
  const described = JSON.stringify({ error });
  // It came inside an HTTP 200; the status only matters to the mapping for the two codes kept here.
  const mapped = upstreamHttpError(200, described, null, model);
  if (mapped.code === 'insufficient_quota' || mapped.code === 'context_length_exceeded') return mapped;
  const message = (error as { message?: string })?.message ?? described;
  return new UpstreamStreamError('upstream_error', `The upstream reported an error mid-stream: ${message}`, {
    text: message,
  });
}
