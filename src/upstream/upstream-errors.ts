/**
 * Upstream error replies → BridgeErrors that mean the same thing to Codex. OpenCode Go mixes OpenAI-shaped
 * (`{error: {message, type, code}}`) and Anthropic-shaped (`{type: "error", error: {type, message}}`) bodies;
 * both are parsed (docs/providers.md#gateway-errors).
 */
import { BridgeError, type UpstreamReply } from '../errors.ts';

export interface UpstreamErrorInfo {
  message: string;
  type: string | undefined;
  code: string | undefined;
}

const MAX_MESSAGE = 2000;
const DEFAULT_RATE_LIMIT_RETRY_SECONDS = 5;

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Gateways (nginx, Cloudflare) answer with an HTML page: its title, or else its text, says what happened. */
function readableText(body: string): string {
  const text = body.trim();
  if (!/^<(!doctype|html|head|body)\b/i.test(text)) return text;
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.trim();
  const readable =
    title ||
    text
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]*>/g, ' ');
  return readable.replace(/\s+/g, ' ').trim();
}

export function parseUpstreamErrorBody(body: string): UpstreamErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {
      message: readableText(body).slice(0, MAX_MESSAGE) || 'no error message',
      type: undefined,
      code: undefined,
    };
  }
  const root = (json ?? {}) as Record<string, unknown>;
  const inner =
    typeof root.error === 'object' && root.error !== null
      ? (root.error as Record<string, unknown>)
      : undefined;
  const message =
    asString(inner?.message) ??
    asString(root.message) ??
    asString(root.error) ??
    body.trim().slice(0, MAX_MESSAGE);
  return {
    message: message.slice(0, MAX_MESSAGE),
    type: asString(inner?.type) ?? (root.type !== 'error' ? asString(root.type) : undefined),
    code: asString(inner?.code) ?? asString(root.code),
  };
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

// DeepSeek/OpenAI: "This model's maximum context length is …"; OpenAI Responses: "Your input exceeds the context
// window …"; Kimi: "Your request exceeded model token limit: 262144 (requested: 269030)" (MoonshotAI/kimi-cli#2011).
const CONTEXT_OVERFLOW =
  /context.{0,20}(length|window)|maximum context|too many tokens|prompt is too long|input is too long|exceeds? the (model's )?(maximum|context)|exceeded model token limit|context_length_exceeded/i;

export function isContextOverflow(info: UpstreamErrorInfo): boolean {
  return info.code === 'context_length_exceeded' || CONTEXT_OVERFLOW.test(info.message);
}

function isUsageLimit(info: UpstreamErrorInfo): boolean {
  return (
    info.type === 'GoUsageLimitError' ||
    info.type === 'FreeUsageLimitError' ||
    info.code === 'insufficient_quota' ||
    info.type === 'insufficient_quota'
  );
}

export function upstreamHttpError(
  status: number,
  body: string,
  retryAfterHeader: string | null,
  model: string,
): BridgeError {
  const info = parseUpstreamErrorBody(body);
  const retryAfterSeconds = parseRetryAfter(retryAfterHeader);
  // The upstream's words travel apart from ours: they may quote the request (see UpstreamReply).
  const upstream: UpstreamReply = { status, type: info.type, code: info.code, text: info.message };
  if (isUsageLimit(info)) {
    return new BridgeError({
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
      message: `OpenCode Go usage limit reached for ${model}: ${info.message}`,
      retryAfterSeconds: retryAfterSeconds ?? 3600,
      upstream,
    });
  }
  if (isContextOverflow(info)) {
    return new BridgeError({
      status: 400,
      code: 'context_length_exceeded',
      message: `The conversation is too long for ${model}: ${info.message}`,
      upstream,
    });
  }
  if (status === 429) {
    const seconds = retryAfterSeconds ?? DEFAULT_RATE_LIMIT_RETRY_SECONDS;
    const text = info.message.replace(/[.\s]+$/, '');
    return new BridgeError({
      status: 429,
      code: 'rate_limit_exceeded',
      message: `Upstream rate limit for ${model}: ${text}. Please try again in ${seconds}s.`,
      retryAfterSeconds: seconds,
      upstream: { ...upstream, text },
    });
  }
  if (info.type === 'ModelError') {
    return new BridgeError({
      status: 400,
      code: 'model_not_found',
      message: `The upstream does not serve ${model}: ${info.message}`,
      param: 'model',
      upstream,
    });
  }
  if (status === 401 || status === 403) {
    return new BridgeError({
      status: 502,
      code: 'upstream_authentication_failed',
      type: 'upstream_error',
      message: `The upstream rejected the bridge's credentials (HTTP ${status}): ${info.message}. Check OPENCODE_GO_API_KEY.`,
      upstream,
    });
  }
  if (status >= 400 && status < 500) {
    return new BridgeError({
      status: status === 404 || status === 405 ? 502 : 400,
      code: status === 404 || status === 405 ? 'upstream_not_found' : 'upstream_invalid_request',
      type: status === 404 || status === 405 ? 'upstream_error' : 'invalid_request_error',
      message:
        status === 404 || status === 405
          ? `The upstream has no such endpoint (HTTP ${status}): ${info.message}. Check OPENCODE_GO_BASE_URL.`
          : `The upstream rejected the request for ${model} (HTTP ${status}): ${info.message}`,
      upstream,
    });
  }
  return new BridgeError({
    status: status === 529 || status === 503 ? 503 : 502,
    code: 'upstream_error',
    type: 'upstream_error',
    message: `The upstream failed for ${model} (HTTP ${status}): ${info.message}`,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    upstream,
  });
}

/** A URL safe to show: any user:password@ part is dropped. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Network-level failure reaching the upstream (DNS, refused, reset, TLS), or a request fetch refused to send. */
export function upstreamConnectError(error: unknown, baseUrl: string): BridgeError {
  const code = (error as { code?: string })?.code;
  const local = code
    ? code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_ARG_TYPE'
    : !(error as { cause?: unknown })?.cause;
  if (local) {
    // The request was refused before any network activity (e.g. an invalid header value): a bridge bug, not an
    // upstream fault.
    return new BridgeError({
      status: 500,
      code: 'server_error',
      message: `The bridge could not build the upstream request: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new BridgeError({
    status: 502,
    code: 'upstream_unreachable',
    type: 'upstream_error',
    message: `Could not reach the upstream at ${withoutCredentials(baseUrl)}: ${detail}`,
  });
}
