/**
 * Typed errors. Everything that can go wrong with a request ends up as a BridgeError, which the server edge maps
 * to the OpenAI error shape (HTTP) or to a `response.failed` event (after the SSE stream has started).
 */

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'upstream_error';

/**
 * What the upstream said, kept apart from the bridge's own words. The client gets it inside the message (it is
 * about the client's own request), but logs leave its text out unless PROXY_LOG_BODIES=1: upstream errors quote
 * the request they reject, prompt and tool content included.
 */
export interface UpstreamReply {
  /** The upstream's HTTP status, when it answered with one. */
  status?: number;
  type?: string;
  code?: string;
  /** The upstream's words exactly as they appear in the message. */
  text: string;
}

export interface BridgeErrorInit {
  status: number;
  code: string;
  message: string;
  type?: ErrorType;
  param?: string | null;
  /** Seconds the client should wait before retrying; always set on a 429 so Codex retries. */
  retryAfterSeconds?: number;
  upstream?: UpstreamReply;
}

export class BridgeError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;
  readonly upstream: UpstreamReply | undefined;

  constructor(init: BridgeErrorInit) {
    super(init.message);
    this.name = 'BridgeError';
    this.status = init.status;
    this.code = init.code;
    this.type = init.type ?? defaultTypeForStatus(init.status);
    this.param = init.param ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.upstream = init.upstream;
  }
}

function defaultTypeForStatus(status: number): ErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function invalidRequest(message: string, param: string | null = null, code = 'invalid_request_error') {
  return new BridgeError({ status: 400, code, message, param });
}

/** The body OpenAI clients (and Codex) understand: `{error: {message, type, param, code}}`. */
export function toOpenAIErrorBody(error: BridgeError) {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** Anything thrown that is not a BridgeError is a bug or an unexpected runtime failure: report it as a 500. */
export function asBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BridgeError({ status: 500, code: 'server_error', message: `Internal bridge error: ${message}` });
}

/**
 * The `response.failed` error for a stream that already started. Codex acts on the code
 * (docs/codex-client.md#error-codes): `rate_limit_exceeded` is retried after the delay parsed from "try again in
 * N s"; `insufficient_quota` and `context_length_exceeded` stop the turn with their own message; `invalid_prompt`
 * shows ours verbatim; anything else is retried as a server error.
 */
export function toResponseFailure(error: BridgeError): { code: string; message: string } {
  if (error.code === 'insufficient_quota' || error.code === 'context_length_exceeded') {
    return { code: error.code, message: error.message };
  }
  if (error.status === 429) {
    const seconds = error.retryAfterSeconds ?? 1;
    const hint = /try again in/i.test(error.message) ? '' : ` Please try again in ${seconds}s.`;
    return { code: 'rate_limit_exceeded', message: `${error.message}${hint}` };
  }
  if (error.status >= 400 && error.status < 500) return { code: 'invalid_prompt', message: error.message };
  return { code: 'server_error', message: error.message };
}
