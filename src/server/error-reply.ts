/**
 * An error as the client reads it: OpenAI's error JSON with the error's status, the request's id and, for a limit,
 * Retry-After (which Codex honours). The Node route of POST /v1/responses writes it as it is; the Hono routes wrap
 * it in a web Response.
 */

import { asBridgeError, BridgeError, toOpenAIErrorBody } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function errorReply(
  error: BridgeError,
  requestId: string | undefined,
  extraHeaders: Record<string, string> = {},
): ErrorReply {
  const body = JSON.stringify(toOpenAIErrorBody(error));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...extraHeaders,
  };
  if (requestId) headers['x-request-id'] = requestId;
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return { status: error.status, headers, body };
}

export function errorResponse(
  error: BridgeError,
  requestId: string | undefined,
  extraHeaders: Record<string, string> = {},
): Response {
  const { status, headers, body } = errorReply(error, requestId, extraHeaders);
  return new Response(body, { status, headers });
}

/**
 * Whatever a route threw, as the BridgeError its client gets. A failure that is not one of ours is a bug and
 * logged as one.
 */
export function reportedError(logger: Logger, requestId: string | undefined, error: unknown): BridgeError {
  const bridgeError = asBridgeError(error);
  if (bridgeError.status >= 500 && !(error instanceof BridgeError)) {
    logger.error({ requestId, err: error }, 'unhandled error');
  }
  return bridgeError;
}
