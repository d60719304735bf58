/**
 * POST /v1/responses and GET /v1/responses/{id}: the body read within its limit, handed to the pipeline, and its
 * outcome written back (src/server/respond.ts streams a run).
 */
import type { ServerResponse } from 'node:http';
import { BridgeError } from '../errors.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { handleResponsesCall } from '../pipeline/handle-request.ts';
import { readRequestBody } from './request-body.ts';
import { respondWithRun } from './respond.ts';

export async function handleCreateResponse(
  deps: BridgeDeps,
  incoming: Request,
  requestId: string,
  outgoing?: ServerResponse,
): Promise<Response> {
  const rawBody = await readRequestBody(incoming);
  const outcome = handleResponsesCall(deps, { incoming, rawBody, requestId });
  if (outcome.kind === 'answered') return outcome.response;
  return respondWithRun(outcome.run, outcome.stream, {
    heartbeatMs: deps.config.heartbeatSeconds * 1000,
    requestId,
    outgoing,
  });
}

export function handleGetResponse(deps: BridgeDeps, id: string): Response {
  const stored = deps.store.getResponse(id);
  if (!stored) {
    throw new BridgeError({
      status: 404,
      code: 'response_not_found',
      param: 'id',
      message: `No response with id '${id}' is stored (only responses created with store=true are kept).`,
    });
  }
  return Response.json(stored);
}
