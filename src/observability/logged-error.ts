/**
 * A request's error as its log line shows it: the bridge's words whole, the upstream's words (which may quote the
 * request) redacted unless PROXY_LOG_BODIES=1, and the upstream's status, type and code beside them. The client's
 * error keeps the upstream's words whole: it is about the client's own request.
 */
import type { BridgeError } from '../errors.ts';
import { REDACTED, redactUpstreamText, requestTexts } from './redact-upstream-text.ts';

export interface LoggedError {
  code: string;
  message: string;
  upstream?: { status?: number; type?: string; code?: string };
}

export interface LoggedErrorOptions {
  logBodies: boolean;
  /** The request's values (input, instructions, tools…) whose text must not reach the log. */
  request: readonly unknown[];
}

/** Upstream `type`/`code` are protocol words; a long one is not, and is cut. */
const MAX_FIELD_CHARS = 64;

export function loggedError(error: BridgeError, options: LoggedErrorOptions): LoggedError {
  const { upstream } = error;
  if (!upstream) return { code: error.code, message: error.message };
  const fields = {
    status: upstream.status,
    type: upstream.type?.slice(0, MAX_FIELD_CHARS),
    code: upstream.code?.slice(0, MAX_FIELD_CHARS),
  };
  if (options.logBodies) return { code: error.code, message: error.message, upstream: fields };
  return {
    code: error.code,
    message: redactUpstreamWords(error.message, upstream.text, options.request),
    upstream: fields,
  };
}

/**
 * `message` as a log line shows it without PROXY_LOG_BODIES=1: the upstream's words in it (`upstreamText`)
 * redacted, the bridge's own words whole. Also what the dashboard shows and keeps of an error (src/dashboard/).
 */
export function redactUpstreamWords(
  message: string,
  upstreamText: string,
  request: readonly unknown[],
): string {
  if (upstreamText.length === 0) return message;
  return message.split(upstreamText).join(redacted(upstreamText, request));
}

/** The upstream's text as the log shows it; all of it hidden should the redaction itself fail. */
function redacted(text: string, request: readonly unknown[]): string {
  try {
    return redactUpstreamText(text, requestTexts(request));
  } catch {
    return REDACTED;
  }
}
