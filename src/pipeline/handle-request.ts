/**
 * The pipeline's entry point: one POST /v1/responses, from its parsed body to what answers it. Routes the model
 * (GPT passed through, or an open model), puts the stored conversation first (previous_response_id), plans the
 * guardrails and the subagent task mode, and returns either a finished answer or the run that streams one. The
 * HTTP layer (src/server) only reads the body before and writes the answer after.
 */
import { asBridgeError, invalidRequest } from '../errors.ts';
import { isSubagentRequest, planGuardrails } from '../guardrails/plan.ts';
import { planMode } from '../modes/plan-mode.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import { parseInputItems } from '../responses/input-items.ts';
import { parseResponsesRequest, type ResponsesRequest } from '../responses/request.ts';
import { BridgeTurnRun } from './bridge-turn-run.ts';
import type { ClientRequest } from './client-request.ts';
import type { BridgeDeps } from './deps.ts';
import { passThroughToOpenAI } from './openai-passthrough.ts';
import { OssRun } from './oss-run.ts';
import type { ResponseRun } from './response-run.ts';
import { routeModel } from './route-model.ts';
import { endOfError, redactingEnds, routeDecision, runStart } from './run-events.ts';
import { conversationSessionId } from './session.ts';
import { fullInput } from './stored-conversation.ts';

export interface ResponsesCall {
  /** The client's request: its headers, and its signal (aborted when the client goes away). */
  incoming: ClientRequest;
  /** The body as received (already read within the size limit). */
  rawBody: string;
  requestId: string;
}

export type ResponsesOutcome =
  /** Answered already: a GPT model passed through. */
  | { kind: 'answered'; response: Promise<Response> }
  /** An open model's run or a turn the bridge answers itself, for the responder to stream (or collect). */
  | { kind: 'run'; run: ResponseRun; stream: boolean };

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

export function handleResponsesCall(deps: BridgeDeps, call: ResponsesCall): ResponsesOutcome {
  const header = (name: string) => call.incoming.headers.get(name) ?? undefined;
  let request: ResponsesRequest | undefined;
  let watch: RunWatch | undefined;
  try {
    request = parseResponsesRequest(parseJsonBody(call.rawBody));
    // What the observers (the dashboard) see of this request, from here to its end (the first end reported wins).
    watch = deps.observer.onStart(runStart(request, call.requestId, header));
    return planResponse(deps, call, request, watch);
  } catch (error) {
    // Refused before a run, a bridge turn or the pass-through took it (bad JSON or input, unknown model, invalid
    // handoff): those write their own log line; this one gets it here.
    watch?.onEnd(endOfError(error));
    const refusal = asBridgeError(error);
    deps.logger.warn(
      {
        requestId: call.requestId,
        model: request?.model,
        status: refusal.status,
        error: { code: refusal.code },
      },
      'request refused',
    );
    throw error;
  }
}

function planResponse(
  deps: BridgeDeps,
  call: ResponsesCall,
  request: ResponsesRequest,
  watch: RunWatch,
): ResponsesOutcome {
  const { incoming, rawBody, requestId } = call;
  const header = (name: string) => incoming.headers.get(name) ?? undefined;
  const subagent = isSubagentRequest(header);
  const route = routeModel(request.model, deps.catalog, deps.config.gpt, subagent);
  const routed = routeDecision(request.model, route);
  if (routed) watch.onDecision(routed);
  if (route.kind === 'openai') {
    const response = passThroughToOpenAI(deps, incoming, rawBody, { requestId, request, subagent, watch });
    return { kind: 'answered', response };
  }
  const rawInput = fullInput(deps.store, request);
  if (rawInput.length === 0)
    throw invalidRequest("Invalid value for 'input': it must not be empty.", 'input');
  const items = parseInputItems(rawInput);
  const sessionId = conversationSessionId(header, request.prompt_cache_key, rawInput);
  const hasTools = (request.tools?.length ?? 0) > 0 || items.some((item) => item.type === 'additional_tools');
  const guardrails = planGuardrails(items, hasTools, subagent, deps.config.guardrails);
  // Subagent task modes (src/modes): a turn the bridge answers itself, or the model's turn as the mode shapes it.
  const mode = planMode({ request, items, guardrails, subagent, config: deps.config.guardrails });
  if (mode.kind === 'bridge_turn')
    return {
      kind: 'run',
      run: new BridgeTurnRun(deps, mode, { request, requestId, model: route.model, watch }),
      stream: request.stream === true,
    };
  const turn = mode.kind === 'model' ? mode : { guardrails, request, items };
  const ran: { run?: OssRun } = {};
  // The values its log line redacts upstream words against (src/pipeline/oss-run.ts): the dashboard does the same.
  const runWatch = redactingEnds(watch, () => ran.run?.error, [rawInput, turn.request]);
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
    watch: runWatch,
  });
  ran.run = run;
  run.abortWhen(incoming.signal);
  return { kind: 'run', run, stream: request.stream === true };
}
