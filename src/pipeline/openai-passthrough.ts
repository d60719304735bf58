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
import type { RunWatch } from '../observe/run-observer.ts';
import type { ResponseUsage } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type { ClientRequest, RequestHeaders } from './client-request.ts';
import {
  type BodyEnd,
  clientLeft,
  endOfHttpError,
  endOfStream,
  PassThroughScan,
} from './passthrough-watch.ts';
import { endOfError } from './run-events.ts';

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
  // A client's `Expect: 100-continue` was for the bridge, which has read the body already (fetch refuses it).
  'expect',
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
export function gptCredential(gpt: Config['gpt'], headers: RequestHeaders): GptCredential {
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
  /** The client's request, parsed (its body is forwarded as received, not re-serialised). */
  request: ResponsesRequest;
  subagent: boolean;
  /** Where this request's life is reported (the dashboard); it ends exactly once, however the request ends. */
  watch: RunWatch;
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

function targetOf(credential: Exclude<GptCredential, { kind: 'missing' }>): 'chatgpt' | 'openai' {
  return credential.kind === 'forwarded_chatgpt' ? 'chatgpt' : 'openai';
}

/**
 * Forwards one GPT request and returns OpenAI's reply to stream back. Refused or failed before OpenAI answered, it
 * throws (the HTTP layer answers with the error) after ending the run's watch.
 */
export async function passThroughToOpenAI(
  deps: PassThroughDeps,
  incoming: ClientRequest,
  rawBody: string,
  call: PassThroughRequest,
): Promise<Response> {
  try {
    return await forward(deps, incoming, rawBody, call);
  } catch (error) {
    // No credential, OpenAI unreachable, or the client gone before OpenAI's headers.
    call.watch.onEnd(incoming.signal.aborted ? clientLeft() : endOfError(error, [call.request]));
    throw error;
  }
}

async function forward(
  deps: PassThroughDeps,
  incoming: ClientRequest,
  rawBody: string,
  call: PassThroughRequest,
): Promise<Response> {
  const { gpt } = deps.config;
  const { request, watch } = call;
  const { model } = request;
  const started = Date.now();
  watch.onState({ phase: 'waiting_upstream', model, at: started });
  const credential = gptCredential(gpt, incoming.headers);
  const base = { requestId: call.requestId, model, subagent: call.subagent || undefined };

  if (credential.kind === 'missing') {
    const error = missingCredentialError(model, credential.reason);
    deps.metrics.passthroughRequests.inc({
      model,
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
  /** The request's one log line and its metrics. */
  const finish = (status: number, outcome: Outcome, extra: Record<string, unknown> = {}) => {
    const durationMs = Date.now() - started;
    deps.metrics.passthroughRequests.inc({ model, target, status: String(status), outcome });
    deps.metrics.passthroughDuration.observe({ model, target }, durationMs / 1000);
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
      // The client's choice, not a bridge failure (and no one is left to read the answer).
      throw new BridgeError({
        status: 499,
        code: 'client_disconnected',
        message: 'The client closed the connection before OpenAI answered.',
      });
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
  // An HTTP error ends the run at once; its body still goes to the client as OpenAI wrote it.
  if (!upstream.ok || !upstream.body) watch.onEnd(endOfHttpError(upstream.status, model));
  else watch.onState({ phase: 'streaming', model, at: headersAt });
  if (!upstream.body) {
    finish(upstream.status, upstream.ok ? 'ended_without_terminal_event' : 'http_error', {
      upstreamRequestId,
    });
    return new Response(null, { status: upstream.status, headers: responseHeaders });
  }
  const scan = new PassThroughScan();
  let firstByteMs: number | undefined;
  const body = passedOn(upstream.body, scan, {
    onFirstChunk: () => {
      firstByteMs = Date.now() - started;
    },
    onEnd: (how, streamError) => {
      const outcome: Outcome = !upstream.ok
        ? 'http_error'
        : how !== 'ended'
          ? how
          : (scan.terminal ?? 'ended_without_terminal_event');
      const { usage } = scan;
      if (usage) recordTokens(deps.metrics, model, usage);
      finish(upstream.status, outcome, {
        headersMs: headersAt - started,
        firstByteMs,
        bytes: scan.bytes,
        usage,
        upstreamRequestId,
      });
      if (upstream.ok) watch.onEnd(endOfStream(scan, how, model, [request], streamError));
    },
  });
  return new Response(body, { status: upstream.status, headers: responseHeaders });
}

/** The upstream body, passed on chunk by chunk, unchanged and scanned; `onEnd` runs once however it ends. */
function passedOn(
  body: ReadableStream<Uint8Array>,
  scan: PassThroughScan,
  on: { onFirstChunk: () => void; onEnd: (how: BodyEnd, streamError?: unknown) => void },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let first = true;
  let ended = false;
  const end = (how: BodyEnd, streamError?: unknown) => {
    if (ended) return;
    ended = true;
    on.onEnd(how, streamError);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          scan.end();
          controller.close();
          end('ended');
          return;
        }
        if (first) {
          first = false;
          on.onFirstChunk();
        }
        scan.push(value);
        controller.enqueue(value);
      } catch (error) {
        end('stream_error', error);
        controller.error(error);
      }
    },
    cancel(reason) {
      end('client_disconnected');
      return reader.cancel(reason);
    },
  });
}

function recordTokens(metrics: BridgeMetrics, model: string, usage: Partial<ResponseUsage>): void {
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
