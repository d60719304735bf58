/**
 * GET /v1/responses/{id}: a stored response (POST /v1/responses is src/server/create-response.ts).
 */
import { BridgeError } from '../errors.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';

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
