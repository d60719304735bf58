/**
 * The request path's side of the run observer (src/observe/run-observer.ts): the typed events it reports, built
 * from what it already has. Kept apart so the request path holds only a handful of one-line calls.
 */
import { asBridgeError, type BridgeError } from '../errors.ts';
import { redactUpstreamWords } from '../observability/logged-error.ts';
import { codexOrigin } from '../observe/codex-origin.ts';
import type { RunDecision, RunEnd, RunStart, RunTokens, RunWatch } from '../observe/run-observer.ts';
import type { ResponseObject, ResponseUsage } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type { ModelRoute } from './route-model.ts';

export function runStart(
  request: ResponsesRequest,
  requestId: string,
  header: (name: string) => string | undefined,
): RunStart {
  return {
    requestId,
    startedAt: Date.now(),
    modelAsked: request.model,
    effort: request.reasoning?.effort ?? undefined,
    origin: codexOrigin(header),
  };
}

/** A route worth telling: a pass-through or a GPT model answered by an open one (not the plain ocg-x → x). */
export function routeDecision(asked: string, route: ModelRoute): RunDecision | undefined {
  if (route.kind === 'openai') return { source: 'route', text: `${asked}: passed through to OpenAI` };
  if (!route.aliasedFrom) return undefined;
  return {
    source: 'route',
    text: `${route.aliasedFrom} answered by ${route.model.upstreamModel} (GPT model aliased)`,
  };
}

/**
 * An error's message for observers: whole, and with the upstream's words (`upstreamText`) redacted as its log line
 * has them when it carries some. `request` is what those words must not quote (the request's values).
 */
export function errorMessage(
  message: string,
  upstreamText: string | undefined,
  request: readonly unknown[],
): Pick<RunEnd, 'message' | 'messageWithoutContent'> {
  if (!upstreamText || !message.includes(upstreamText)) return { message };
  return { message, messageWithoutContent: redactUpstreamWords(message, upstreamText, request) };
}

/** A request that failed before (or instead of) a response: its HTTP error. */
export function endOfError(error: unknown, request: readonly unknown[] = []): RunEnd {
  const bridgeError = asBridgeError(error);
  return {
    outcome: 'failed',
    at: Date.now(),
    servedModel: undefined,
    reason: bridgeError.code,
    ...errorMessage(bridgeError.message, bridgeError.upstream?.text, request),
    tokens: undefined,
    toolCalls: 0,
  };
}

/**
 * The watch an open model's run reports to. The run builds its end from its error without the request at hand
 * (endOfResponse); this adds the message without the upstream's words, which needs both: `errorOf` is the run's
 * error once it ended, `request` the values its log line redacts against.
 */
export function redactingEnds(
  watch: RunWatch,
  errorOf: () => BridgeError | undefined,
  request: readonly unknown[],
): RunWatch {
  return {
    onState: (state) => watch.onState(state),
    onDecision: (decision) => watch.onDecision(decision),
    onEnd: (end) =>
      watch.onEnd(
        end.message === undefined
          ? end
          : { ...end, ...errorMessage(end.message, errorOf()?.upstream?.text, request) },
      ),
  };
}

export function tokensOf(usage: ResponseUsage | null | undefined): RunTokens | undefined {
  if (!usage) return undefined;
  return {
    input: usage.input_tokens,
    cached: usage.input_tokens_details?.cached_tokens ?? 0,
    output: usage.output_tokens,
    reasoning: usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

const TOOL_CALL_TYPES = new Set(['function_call', 'custom_tool_call']);

export function toolCallsIn(response: ResponseObject | undefined): number {
  return (response?.output ?? []).filter((item) => TOOL_CALL_TYPES.has(item.type)).length;
}

/** How a response ended, as the observer sees it; `error` is why a failed one failed. */
export function endOfResponse(
  response: ResponseObject | undefined,
  servedModel: string,
  error: { code: string; message: string } | undefined,
  disconnected: boolean,
  billed: ResponseUsage | null,
): RunEnd {
  const at = Date.now();
  if (!response) {
    return {
      outcome: disconnected ? 'client_disconnected' : 'failed',
      at,
      servedModel,
      reason: error?.code ?? (disconnected ? 'client_disconnected' : 'server_error'),
      message: error?.message,
      tokens: tokensOf(billed),
      toolCalls: 0,
    };
  }
  const failure = response.status === 'failed' ? (response.error ?? error) : undefined;
  return {
    outcome: response.status === 'in_progress' ? 'client_disconnected' : response.status,
    at,
    servedModel,
    reason: response.incomplete_details?.reason ?? failure?.code ?? undefined,
    message: failure?.message ?? undefined,
    tokens: tokensOf(billed ?? response.usage),
    toolCalls: toolCallsIn(response),
  };
}
