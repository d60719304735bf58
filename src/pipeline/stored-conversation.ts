/**
 * `previous_response_id`: the stored conversation comes first, so the upstream still sees everything. A stored
 * response keeps only its own turn (src/state/store.ts), so what is saved is always the request's own input.
 */
import { invalidRequest } from '../errors.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type { BridgeStore } from '../state/store.ts';

/** The items this request sent itself (a string input is one user message). */
export function ownInput(request: ResponsesRequest): unknown[] {
  return typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input;
}

/** The request's own items after the conversation its previous_response_id continues; a 400 when that is gone. */
export function fullInput(store: BridgeStore, request: ResponsesRequest): unknown[] {
  const own = ownInput(request);
  const previousId = request.previous_response_id;
  if (!previousId) return own;
  const previous = store.conversation(previousId);
  switch (previous.kind) {
    case 'found':
      return [...previous.items, ...own];
    case 'not_found':
      throw invalidRequest(
        `Previous response with id '${previousId}' not found. Only responses created with store=true are kept.`,
        'previous_response_id',
        'previous_response_not_found',
      );
    case 'broken':
      throw invalidRequest(
        `Previous response with id '${previousId}' is stored, but an earlier turn of its conversation ('${previous.missing}') ` +
          'has been pruned (PROXY_STATE_TTL_SECONDS, PROXY_STATE_MAX_ROWS, PROXY_STATE_MAX_BYTES). Send the whole conversation as input instead.',
        'previous_response_id',
        'previous_response_not_found',
      );
    default: {
      const unknown: never = previous;
      throw new Error(`unknown conversation state ${JSON.stringify(unknown)}`);
    }
  }
}
