// What the mock answers to one chat completion request. A Reply is data; server.ts decides how it
// reaches the wire (SSE when the request streams, one chat.completion JSON otherwise).

import {
  contextLengthBody,
  goGatewayErrorBody,
  internalServerErrorBody,
  providerRateLimitBody,
  unsupportedModelMessage,
} from './provider-errors.ts';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ToolCallSpec {
  id?: string;
  name: string;
  arguments: string;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [field: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [field: string]: unknown };
  [field: string]: unknown;
}

export interface StreamReply {
  kind: 'stream';
  reasoning?: string;
  text?: string;
  toolCalls?: ToolCallSpec[];
  /** Defaults to 'tool_calls' when toolCalls are present, else 'stop'. */
  finishReason?: FinishReason;
  /** Overrides the estimated usage; null sends no usage chunk even when the request asked for one. */
  usage?: CompletionUsage | null;
  /** Characters per content / reasoning / arguments piece. Default 8. */
  chunkSize?: number;
  /** Pause between chunks. */
  delayMs?: number;
  /** Reasoning as `<think>…</think>` inside delta.content (MiniMax style) instead of reasoning_content. */
  thinkTags?: boolean;
  /** 'kimi' → ids `functions.<name>:<n>` counted across the conversation; 'openai' → `call_<random>`. */
  idStyle?: 'openai' | 'kimi';
  /** Whole tool call (id, name and all arguments) in a single fragment, as GLM does without tool_stream. */
  argumentsInOneChunk?: boolean;
  /** Repeat the call id on every argument fragment, as some upstreams do. */
  repeatIdOnEveryChunk?: boolean;
}

export interface ChunksReply {
  kind: 'chunks';
  /** Sent verbatim, one `data:` line each (e.g. parsed from a recorded `.chunks.jsonl`). */
  chunks: object[];
  /** Send `data: [DONE]` after the chunks. Default true. */
  done?: boolean;
  delayMs?: number;
}

export interface ErrorReply {
  kind: 'error';
  status: number;
  /** Serialised as JSON unless it is a string, which is sent verbatim. */
  body: unknown;
  headers?: Record<string, string>;
}

/** Faults wrap a body reply and count `data:` lines of the wrapped reply; they nest. */
export interface CutFault {
  kind: 'cut';
  afterChunks: number;
  reply?: BodyReply;
}

export interface StallFault {
  kind: 'stall';
  afterChunks: number;
  ms: number;
  reply?: BodyReply;
}

export interface GarbageFault {
  kind: 'garbage';
  afterChunks: number;
  text: string;
  reply?: BodyReply;
}

export interface HangBeforeHeaders {
  kind: 'hang-before-headers';
  ms: number;
  /** Sent once the hang is over; without it the socket is destroyed instead. */
  reply?: Reply;
}

export type BodyReply = StreamReply | ChunksReply | CutFault | StallFault | GarbageFault;
export type Reply = BodyReply | ErrorReply | HangBeforeHeaders;

export type StreamOptions = Omit<StreamReply, 'kind'>;

export function stream(options: StreamOptions = {}): StreamReply {
  return { kind: 'stream', ...options };
}

export function textReply(text: string, options: StreamOptions = {}): StreamReply {
  return stream({ ...options, text });
}

export function toolCallReply(toolCalls: ToolCallSpec[], options: StreamOptions = {}): StreamReply {
  return stream({ ...options, toolCalls });
}

export function chunks(list: object[], options: Omit<ChunksReply, 'kind' | 'chunks'> = {}): ChunksReply {
  return { kind: 'chunks', chunks: list, ...options };
}

export function parseChunksJsonl(text: string): object[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as object);
}

export function errorReply(status: number, body: unknown, headers?: Record<string, string>): ErrorReply {
  return headers ? { kind: 'error', status, body, headers } : { kind: 'error', status, body };
}

function retryAfterHeader(seconds: number | undefined): Record<string, string> | undefined {
  return seconds === undefined ? undefined : { 'retry-after': String(seconds) };
}

/** Transient provider 429 through OpenCode Go (opencode#34898). */
export function rateLimited(retryAfterSeconds?: number): ErrorReply {
  return errorReply(429, providerRateLimitBody(), retryAfterHeader(retryAfterSeconds));
}

/** Go plan quota exhausted: not transient, the message says when it resets. */
export function goUsageLimit(
  message = '5-hour usage limit reached. Resets in 4hr 59min',
  retryAfterSeconds?: number,
): ErrorReply {
  return errorReply(
    429,
    goGatewayErrorBody('GoUsageLimitError', message),
    retryAfterHeader(retryAfterSeconds),
  );
}

export function contextOverflow(maxTokens = 1_000_000, requestedTokens = maxTokens + 1_234): ErrorReply {
  return errorReply(400, contextLengthBody(maxTokens, requestedTokens));
}

export function serverError(status = 500): ErrorReply {
  return errorReply(status, internalServerErrorBody());
}

export function modelError(model: string, message = unsupportedModelMessage(model)): ErrorReply {
  return errorReply(401, goGatewayErrorBody('ModelError', message));
}

export function cutAfter(afterChunks: number, reply?: BodyReply): CutFault {
  return { kind: 'cut', afterChunks, reply };
}

export function stallAfter(afterChunks: number, ms: number, reply?: BodyReply): StallFault {
  return { kind: 'stall', afterChunks, ms, reply };
}

export function garbageAfter(afterChunks: number, text: string, reply?: BodyReply): GarbageFault {
  return { kind: 'garbage', afterChunks, text, reply };
}

export function hangBeforeHeaders(ms: number, reply?: Reply): HangBeforeHeaders {
  return { kind: 'hang-before-headers', ms, reply };
}

/** What a fault streams when it wraps nothing: enough short chunks to cut or stall in between. */
export const DEFAULT_FAULT_REPLY: StreamReply = stream({
  text: 'The quick brown fox jumps over the lazy dog.',
  chunkSize: 4,
});
