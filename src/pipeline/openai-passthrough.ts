/**
 * GPT_MODEL_STRATEGY=openai: GPT requests go to the OpenAI Responses API untouched — the body exactly as received,
 * the reply streamed back byte for byte. Needed because Codex subagents share the parent's provider
 * (docs/codex-client.md#agent-roles), so the bridge may sit in front of GPT traffic too. Each request gets one log
 * line and its metrics, like an OSS request; the bridge only watches the bytes go by (for the terminal event and its
 * usage), it never changes them.
 */

import { BRIDGE_KEY_HEADER } from '../bridge-key-header.ts';
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { BridgeMetrics } from '../observability/metrics.ts';
import { SseParser } from '../upstream/sse-parser.ts';

/** Hop-by-hop and per-connection headers and the bridge's own key are never forwarded; authorization is chosen. */
const DROP_REQUEST_HEADERS = new Set([
  BRIDGE_KEY_HEADER,
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'authorization',
  'accept-encoding',
  'origin',
  'referer',
  'cookie',
]);
const DROP_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
  'set-cookie',
]);

/** Whose OpenAI credential a GPT request travels with (never the bridge key). */
export type GptCredential =
  | { kind: 'forwarded_chatgpt' | 'forwarded_api_key'; authorization: string }
  | { kind: 'bridge_openai_api_key'; authorization: string }
  | { kind: 'missing'; reason: 'not_signed_in' | 'bridge_key_only' };

/**
 * The user's own Codex sign-in when Codex sends one — a provider with `requires_openai_auth` puts it in
 * Authorization and the bridge key in x-opencode-bridge-key (with the header absent, Authorization *is* the bridge
 * key) — as Codex itself would use it; else the bridge's OPENAI_API_KEY; else nothing, and why.
 */
export function gptCredential(gpt: Config['gpt'], headers: Headers): GptCredential {
  const authorization = headers.get('authorization')?.trim();
  const bridgeKeyInHeader = headers.has(BRIDGE_KEY_HEADER);
  if (authorization && bridgeKeyInHeader) {
    // Codex sends `chatgpt-account-id` with a ChatGPT sign-in, never with an API key.
    const kind = headers.has('chatgpt-account-id') ? 'forwarded_chatgpt' : 'forwarded_api_key';
    return { kind, authorization };
  }
  if (gpt.openaiApiKey) return { kind: 'bridge_openai_api_key', authorization: `Bearer ${gpt.openaiApiKey}` };
  return { kind: 'missing', reason: bridgeKeyInHeader ? 'not_signed_in' : 'bridge_key_only' };
}

const RESTART_WITH_KEY =
  'set OPENAI_API_KEY for the bridge and restart it (`codex-oss stop`, then ' +
  '`OPENAI_API_KEY=<key> codex-oss start --detach --mode openai`)';

/**
 * HTTP 400 on purpose: Codex retries a 401, 403, 404, 422 or 5xx (three times, "Reconnecting… 3/3", then
 * "unexpected status"), but shows a 400's body at once (observed with Codex 0.169 and 0.171: docs/codex-auth.md).
 */
export function missingCredentialError(
  model: string,
  reason: 'not_signed_in' | 'bridge_key_only',
): BridgeError {
  const why =
    reason === 'not_signed_in'
      ? 'Codex is not signed in, and the bridge has no OPENAI_API_KEY. Fix: run `codex login` (your ChatGPT ' +
        'account; `codex login --with-api-key` for an API key) — the codex-oss profile forwards that sign-in — ' +
        `or ${RESTART_WITH_KEY}.`
      : 'the bridge has no OPENAI_API_KEY, and the client sends only the bridge key, so there is no sign-in to ' +
        `forward. Fix: ${RESTART_WITH_KEY}, or run \`codex login\` and then \`codex-oss install\` (the codex-oss ` +
        'profile then forwards your Codex sign-in).';
  return new BridgeError({
    status: 400,
    code: 'openai_credentials_missing',
    message: `No OpenAI credential for this GPT request (${model}): ${why}`,
  });
}

export interface PassThroughDeps {
  config: Pick<Config, 'gpt'>;
  logger: Logger;
  metrics: BridgeMetrics;
}

export interface PassThroughRequest {
  requestId: string;
  /** The model the client asked for (the body's `model`). */
  model: string;
  subagent: boolean;
}

type Outcome =
  | 'completed'
  | 'failed'
  | 'incomplete'
  | 'ended_without_terminal_event'
  | 'http_error'
  | 'client_disconnected'
  | 'stream_error'
  | 'credentials_missing'
  | 'unreachable';

interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number };
  input_tokens_details?: { cached_tokens?: number };
}

const TERMINAL_EVENT = /"type"\s*:\s*"response\.(completed|failed|incomplete)"/;

/** What the bridge learns from the bytes it passes on: the terminal event's kind and usage, and their size. */
class StreamWatch {
  readonly #parser = new SseParser();
  bytes = 0;
  terminal: 'completed' | 'failed' | 'incomplete' | undefined;
  usage: Usage | undefined;

  see(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    for (const message of this.#parser.push(chunk)) this.#read(message.data);
  }

  end(): void {
    for (const message of this.#parser.end()) this.#read(message.data);
  }

  #read(data: string): void {
    const match = TERMINAL_EVENT.exec(data);
    if (!match) return;
    this.terminal = match[1] as StreamWatch['terminal'];
    try {
      this.usage = (JSON.parse(data) as { response?: { usage?: Usage | null } }).response?.usage ?? undefined;
    } catch {
      // not JSON: the kind is still known
    }
  }
}

/** The upstream body, passed on chunk by chunk, unchanged; `onEnd` runs once however it ends. */
function watched(
  body: ReadableStream<Uint8Array>,
  watch: StreamWatch,
  onFirstChunk: () => void,
  onEnd: (how: 'ended' | 'client_disconnected' | 'stream_error') => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let first = true;
  let ended = false;
  const end = (how: 'ended' | 'client_disconnected' | 'stream_error') => {
    if (ended) return;
    ended = true;
    onEnd(how);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          watch.end();
          controller.close();
          end('ended');
          return;
        }
        if (first) {
          first = false;
          onFirstChunk();
        }
        watch.see(value);
        controller.enqueue(value);
      } catch (error) {
        end('stream_error');
        controller.error(error);
      }
    },
    cancel(reason) {
      end('client_disconnected');
      return reader.cancel(reason);
    },
  });
}

function targetOf(credential: Exclude<GptCredential, { kind: 'missing' }>): 'chatgpt' | 'openai' {
  return credential.kind === 'forwarded_chatgpt' ? 'chatgpt' : 'openai';
}

export async function passThroughToOpenAI(
  deps: PassThroughDeps,
  incoming: Request,
  rawBody: string,
  request: PassThroughRequest,
): Promise<Response> {
  const { gpt } = deps.config;
  const started = Date.now();
  const credential = gptCredential(gpt, incoming.headers);
  const base = {
    requestId: request.requestId,
    model: request.model,
    subagent: request.subagent || undefined,
  };

  if (credential.kind === 'missing') {
    const error = missingCredentialError(request.model, credential.reason);
    deps.metrics.passthroughRequests.inc({
      model: request.model,
      target: 'none',
      status: '400',
      outcome: 'credentials_missing',
    });
    deps.logger.warn(
      {
        ...base,
        credential: 'none',
        status: 400,
        outcome: 'credentials_missing',
        durationMs: Date.now() - started,
        error: { code: error.code, reason: credential.reason },
      },
      'gpt pass-through refused: no OpenAI credential',
    );
    throw error;
  }

  const target = targetOf(credential);
  const baseUrl = target === 'chatgpt' ? gpt.chatgptBaseUrl : gpt.openaiBaseUrl;
  const finish = (status: number, outcome: Outcome, extra: Record<string, unknown> = {}) => {
    const durationMs = Date.now() - started;
    deps.metrics.passthroughRequests.inc({ model: request.model, target, status: String(status), outcome });
    deps.metrics.passthroughDuration.observe({ model: request.model, target }, durationMs / 1000);
    const line = { ...base, target, credential: credential.kind, status, outcome, durationMs, ...extra };
    if (outcome === 'completed') deps.logger.info(line, 'gpt pass-through');
    else deps.logger.warn(line, `gpt pass-through ${outcome.replaceAll('_', ' ')}`);
  };

  const headers = new Headers();
  incoming.headers.forEach((value, name) => {
    if (!DROP_REQUEST_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  });
  headers.set('authorization', credential.authorization);
  headers.set('accept-encoding', 'identity');
  let upstream: Response;
  try {
    upstream = await fetch(`${baseUrl}/responses`, {
      method: 'POST',
      headers,
      body: rawBody,
      signal: incoming.signal,
    });
  } catch (error) {
    if (incoming.signal.aborted) {
      finish(499, 'client_disconnected');
      throw error;
    }
    finish(502, 'unreachable');
    throw new BridgeError({
      status: 502,
      code: 'upstream_unreachable',
      type: 'upstream_error',
      message: `Could not reach OpenAI at ${baseUrl}: ${(error as Error).message}`,
    });
  }
  const headersAt = Date.now();
  const responseHeaders = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROP_RESPONSE_HEADERS.has(name.toLowerCase())) responseHeaders.set(name, value);
  });
  const upstreamRequestId = upstream.headers.get('x-request-id') ?? undefined;
  if (!upstream.body) {
    finish(upstream.status, upstream.ok ? 'ended_without_terminal_event' : 'http_error', {
      upstreamRequestId,
    });
    return new Response(null, { status: upstream.status, headers: responseHeaders });
  }
  const watch = new StreamWatch();
  let firstByteMs: number | undefined;
  const body = watched(
    upstream.body,
    watch,
    () => {
      firstByteMs = Date.now() - started;
    },
    (how) => {
      const outcome: Outcome = !upstream.ok
        ? 'http_error'
        : how !== 'ended'
          ? how
          : (watch.terminal ?? 'ended_without_terminal_event');
      if (watch.usage) recordTokens(deps.metrics, request.model, watch.usage);
      finish(upstream.status, outcome, {
        headersMs: headersAt - started,
        firstByteMs,
        bytes: watch.bytes,
        usage: watch.usage,
        upstreamRequestId,
      });
    },
  );
  return new Response(body, { status: upstream.status, headers: responseHeaders });
}

function recordTokens(metrics: BridgeMetrics, model: string, usage: Usage): void {
  const counts: Array<[string, number | undefined]> = [
    ['input', usage.input_tokens],
    ['cached', usage.input_tokens_details?.cached_tokens],
    ['output', usage.output_tokens],
    ['reasoning', usage.output_tokens_details?.reasoning_tokens],
  ];
  for (const [kind, count] of counts) {
    if (typeof count === 'number' && count >= 0) metrics.tokens.inc({ model, kind }, count);
  }
}
