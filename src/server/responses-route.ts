/**
 * POST /v1/responses and GET /v1/responses/{id}.
 */
import type { ServerResponse } from 'node:http';
import type { BridgeDeps } from '../bridge/deps.ts';
import { passThroughToOpenAI } from '../bridge/openai-passthrough.ts';
import { OssRun } from '../bridge/oss-run.ts';
import { routeModel } from '../bridge/route-model.ts';
import { conversationSessionId } from '../bridge/session.ts';
import { asBridgeError, BridgeError, invalidRequest } from '../errors.ts';
import { isSubagentRequest, planGuardrails } from '../guardrails/plan.ts';
import { planMode } from '../modes/plan-mode.ts';
import { serveBridgeTurn } from '../modes/serve-bridge-turn.ts';
import { parseInputItems } from '../responses/input-items.ts';
import { parseResponsesRequest, type ResponsesRequest } from '../responses/request.ts';
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

/** With previous_response_id, the stored conversation is prepended, so the upstream still sees everything. */
function fullInput(deps: BridgeDeps, request: ResponsesRequest): unknown[] {
  const own = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input;
  if (!request.previous_response_id) return own;
  const previous = deps.store.getResponse(request.previous_response_id);
  if (!previous) {
    throw invalidRequest(
      `Previous response with id '${request.previous_response_id}' not found. Only responses created with store=true are kept.`,
      'previous_response_id',
      'previous_response_not_found',
    );
  }
  return [...previous.input, ...previous.response.output, ...own];
}

/** How far a request got: once a run, a bridge turn or the pass-through has it, that part writes its log line. */
interface Progress {
  model?: string;
  handedOver?: boolean;
}

export async function handleCreateResponse(
  deps: BridgeDeps,
  incoming: Request,
  requestId: string,
  outgoing?: ServerResponse,
): Promise<Response> {
  const progress: Progress = {};
  try {
    return await createResponse(deps, incoming, requestId, outgoing, progress);
  } catch (error) {
    // Refused before anything took it (bad JSON or input, unknown model, GPT refused, invalid handoff): one line too.
    if (!progress.handedOver) {
      const refusal = asBridgeError(error);
      deps.logger.warn(
        { requestId, model: progress.model, status: refusal.status, error: { code: refusal.code } },
        'request refused',
      );
    }
    throw error;
  }
}

async function createResponse(
  deps: BridgeDeps,
  incoming: Request,
  requestId: string,
  outgoing: ServerResponse | undefined,
  progress: Progress,
): Promise<Response> {
  const rawBody = await incoming.text();
  const request = parseResponsesRequest(parseJsonBody(rawBody));
  progress.model = request.model;
  const subagentRequest = isSubagentRequest((name) => incoming.headers.get(name) ?? undefined);
  const route = routeModel(request.model, deps.catalog, deps.config.gpt, subagentRequest);
  if (route.kind === 'openai') {
    progress.handedOver = true;
    return passThroughToOpenAI(deps, incoming, rawBody, {
      requestId,
      model: request.model,
      subagent: subagentRequest,
    });
  }
  const rawInput = fullInput(deps, request);
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
  progress.handedOver = true;
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
  incoming.signal.addEventListener('abort', () => run.abort(), { once: true });
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
  return Response.json(stored.response);
}
