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
  if (options.logBodies || upstream.text.length === 0)
    return { code: error.code, message: error.message, upstream: fields };
  return {
    code: error.code,
    message: error.message.split(upstream.text).join(redacted(upstream.text, options)),
    upstream: fields,
  };
}

/** The upstream's text as the log shows it; all of it hidden should the redaction itself fail. */
function redacted(text: string, options: LoggedErrorOptions): string {
  try {
    return redactUpstreamText(text, requestTexts(options.request));
  } catch {
    return REDACTED;
  }
}
