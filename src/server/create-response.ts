/**
 * POST /v1/responses (and /responses), served on Node's request and response objects rather than through Hono:
 * every request of a Codex session comes here, and skipping the web Request, Headers and middleware chain Hono
 * builds for each one takes 0.05–0.17 ms off its time to the first delta, about 1 ms in a burst of 20
 * (bench/RESULTS.md, "2026-12-02, evening"). The same checks as every route, in the same order: the request id,
 * the Host and Origin guard, the bridge key, the body limit; then the body goes to the pipeline and its outcome is
 * written back (an SSE stream by src/server/respond.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BridgeError } from '../errors.ts';
import type { ClientRequest } from '../pipeline/client-request.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { handleResponsesCall } from '../pipeline/handle-request.ts';
import { onClientGone } from './client-socket.ts';
import { errorReply, reportedError } from './error-reply.ts';
import { nodeHeaderOf, nodeRequestHeaders } from './node-headers.ts';
import { readBodyWithin } from './request-body.ts';
import { requestIdFor } from './request-id.ts';
import { collectRun, streamRun } from './respond.ts';
import { bridgeKeyCheck, type HeaderOf, hostCheck } from './security.ts';
import { sendJson, sendWebResponse } from './web-response.ts';

export type CreateResponseRoute = (req: IncomingMessage, res: ServerResponse, route: string) => void;

function tooLarge(maxBytes: number): BridgeError {
  return new BridgeError({
    status: 413,
    code: 'request_too_large',
    message: `The request body exceeds the bridge's limit of ${maxBytes} bytes (PROXY_MAX_BODY_BYTES).`,
  });
}

/** The body's declared length, when it declares one (a chunked body does not). */
function declaredLength(req: IncomingMessage): number | undefined {
  const declared = req.headers['content-length'];
  if (declared === undefined || req.headers['transfer-encoding'] !== undefined) return undefined;
  const bytes = Number(declared);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A signal aborted when the client goes away before its answer has been sent. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  onClientGone(res, () => controller.abort());
  return controller.signal;
}

function sendError(
  res: ServerResponse,
  error: BridgeError,
  requestId: string,
  extra?: Record<string, string>,
) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, headers, body } = errorReply(error, requestId, extra);
  res.writeHead(status, headers);
  res.end(body);
}

export function createResponseRoute(deps: BridgeDeps, apiKey: string): CreateResponseRoute {
  const { config, logger, metrics } = deps;
  const checkHost = hostCheck(config.server.host);
  const checkKey = bridgeKeyCheck(apiKey);
  const maxBytes = config.server.maxBodyBytes;
  const heartbeatMs = config.heartbeatSeconds * 1000;

  /** The body within the limit; a client that leaves mid-upload is logged as what it is (no one reads the answer). */
  const readBody = async (req: IncomingMessage, requestId: string) => {
    try {
      return await readBodyWithin(req, declaredLength(req), maxBytes);
    } catch (error) {
      if (error instanceof BridgeError && error.code === 'client_disconnected')
        logger.info({ requestId, status: 'client_disconnected' }, 'client left during upload');
      throw error;
    }
  };

  /** Answers the request; resolves once its status is known (a stream or a passed-through body goes on after). */
  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    header: HeaderOf,
    requestId: string,
  ): Promise<void> => {
    try {
      checkHost(header);
      checkKey(header);
      const body = await readBody(req, requestId);
      if (body.kind === 'too_large') {
        sendError(res, tooLarge(maxBytes), requestId, body.drained ? {} : { connection: 'close' });
        return;
      }
      const incoming: ClientRequest = { headers: nodeRequestHeaders(req), signal: clientGone(res) };
      const outcome = handleResponsesCall(deps, { incoming, rawBody: body.text, requestId });
      if (outcome.kind === 'answered') void sendWebResponse(res, await outcome.response);
      else if (outcome.stream) await streamRun(outcome.run, { heartbeatMs, requestId, outgoing: res });
      else {
        const response = await collectRun(outcome.run, heartbeatMs);
        if (response) sendJson(res, 200, response);
        else {
          res.statusCode = 499; // the client left: no one reads an answer
          res.end();
        }
      }
    } catch (error) {
      sendError(res, reportedError(logger, requestId, error), requestId);
    }
  };

  return (req, res, route) => {
    const header = nodeHeaderOf(req);
    const requestId = requestIdFor(header('x-request-id'));
    res.setHeader('x-request-id', requestId);
    void answer(req, res, header, requestId).finally(() => {
      metrics.httpRequests.inc({ route, method: 'POST', status: String(res.statusCode) });
    });
  };
}
