/**
 * POST /v1/responses and GET /v1/responses/{id}.
 */
import type { ServerResponse } from 'node:http';
import { BridgeError, invalidRequest } from '../errors.ts';
import { isSubagentRequest, planGuardrails } from '../guardrails/plan.ts';
import { planMode } from '../modes/plan-mode.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { passThroughToOpenAI } from '../pipeline/openai-passthrough.ts';
import { OssRun } from '../pipeline/oss-run.ts';
import { routeModel } from '../pipeline/route-model.ts';
import { serveBridgeTurn } from '../pipeline/serve-bridge-turn.ts';
import { conversationSessionId } from '../pipeline/session.ts';
import { fullInput } from '../pipeline/stored-conversation.ts';
import { parseInputItems } from '../responses/input-items.ts';
import { parseResponsesRequest, type ResponsesRequest } from '../responses/request.ts';
import { readRequestBody } from './request-body.ts';
import { respondWithRun } from './respond.ts';

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidRequest(
      `We could not parse the JSON body of your request: ${(error as Error).message}. The body must be a JSON object.`,
      null,
      'invalid_json',
    );
  }
}

export async function handleCreateResponse(
  deps: BridgeDeps,
  incoming: Request,
  requestId: string,
  outgoing?: ServerResponse,
): Promise<Response> {
  const rawBody = await readRequestBody(incoming);
  const request = parseResponsesRequest(parseJsonBody(rawBody));
  const route = routeModel(
    request.model,
    deps.catalog,
    deps.config.gpt,
    isSubagentRequest((name) => incoming.headers.get(name) ?? undefined),
  );
  if (route.kind === 'openai') return passThroughToOpenAI(deps.config.gpt, incoming, rawBody);
  const rawInput = fullInput(deps.store, request);
  if (rawInput.length === 0)
    throw invalidRequest("Invalid value for 'input': it must not be empty.", 'input');
  const items = parseInputItems(rawInput);
  const sessionId = conversationSessionId(
    (name) => incoming.headers.get(name) ?? undefined,
    request.prompt_cache_key,
    rawInput,
  );
  const header = (name: string) => incoming.headers.get(name) ?? undefined;
  const hasTools = (request.tools?.length ?? 0) > 0 || items.some((item) => item.type === 'additional_tools');
  const subagent = isSubagentRequest(header);
  const guardrails = planGuardrails(items, hasTools, subagent, deps.config.guardrails);
  // Subagent task modes (src/modes): a turn the bridge answers itself, or the model's turn as the mode shapes it.
  const mode = planMode({ request, items, guardrails, subagent, config: deps.config.guardrails });
  if (mode.kind === 'bridge_turn')
    return serveBridgeTurn(deps, mode, { request, rawInput, requestId, model: route.model });
  const turn = mode.kind === 'model' ? mode : { guardrails, request, items };
  const run = new OssRun(deps, {
    guardrails: turn.guardrails,
    request: turn.request,
    rawInput,
    items: turn.items,
    mode: mode.kind === 'model' ? { info: mode.info, exactOutput: mode.exactOutput } : undefined,
    model: route.model,
    aliasedFrom: route.aliasedFrom,
    sessionId,
    requestId,
  });
  run.abortWhen(incoming.signal);
  return respondWithRun(run, request.stream === true, {
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
