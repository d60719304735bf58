/**
 * Answers a turn the bridge makes itself (no model called): the whole event stream at once (nothing to wait for),
 * or the Response object for a non-streaming request; stored when the request asks for it, counted in the metrics
 * under the bridge's name, and one log line saying what the bridge did.
 */
import type { ResolvedModel } from '../models/catalog.ts';
import { bridgeTurnEvents } from '../modes/bridge-turn.ts';
import type { ModePlan } from '../modes/plan-mode.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import { echoOf, newResponseId } from '../responses/echo.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import { formatSseEvents, SSE_HEADERS } from '../responses/sse.ts';
import type { BridgeDeps } from './deps.ts';
import { endOfResponse } from './run-events.ts';
import { ownInput } from './stored-conversation.ts';

export interface BridgeTurnContext {
  request: ResponsesRequest;
  rawInput: unknown[];
  requestId: string;
  model: ResolvedModel;
  watch: RunWatch;
}

export function serveBridgeTurn(
  deps: BridgeDeps,
  plan: Extract<ModePlan, { kind: 'bridge_turn' }>,
  context: BridgeTurnContext,
): Response {
  const startedAt = Date.now();
  const { request, requestId } = context;
  const { events, response } = bridgeTurnEvents(plan.turn, {
    responseId: newResponseId(),
    createdAt: Math.floor(startedAt / 1000),
    echo: echoOf(request),
  });
  if (request.store === true) deps.store.saveResponse({ response, input: ownInput(request) });
  deps.metrics.responses.inc({
    model: context.model.requested,
    served_model: plan.turn.model,
    outcome: response.status,
  });
  deps.logger.info(
    {
      requestId,
      responseId: response.id,
      model: context.model.requested,
      servedModel: plan.turn.model,
      status: response.status,
      durationMs: Date.now() - startedAt,
      mode: plan.info,
      calls: plan.turn.calls.length > 0 ? plan.turn.calls.map((call) => call.callId) : undefined,
    },
    'bridge turn (no model called)',
  );
  for (const text of plan.info.decisions) context.watch.onDecision({ source: 'mode', text });
  context.watch.onEnd(endOfResponse(response, plan.turn.model, undefined, false, null));
  if (request.stream !== true) return Response.json(response);
  return new Response(formatSseEvents(events), {
    status: 200,
    headers: { ...SSE_HEADERS, 'x-request-id': requestId },
  });
}
