/**
 * What is left when a run ends, whatever way it ended: its metrics, the state a later turn may need (reasoning and
 * calls to replay, the stored response, 5-hour usage), the one log line for the request, and the end for its
 * watcher. Each is built from the run's facts; a failing save is logged, never thrown at the response.
 */
import type { BridgeError } from '../errors.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import type { ModeInfo } from '../modes/plan-mode.ts';
import { loggedError } from '../observability/logged-error.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import type { ResponseObject, ResponseUsage } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type { TranslationNote } from '../translate/notes.ts';
import type { ReplayRecord } from '../translate/stream.ts';
import type { AttemptRecord } from './attempt-loop.ts';
import type { BridgeDeps } from './deps.ts';
import { endOfResponse } from './run-events.ts';
import { ownInput } from './stored-conversation.ts';
import { recordUsage } from './usage-accounting.ts';

export interface RunFacts {
  requestId: string;
  responseId: string;
  sessionId: string;
  request: ResponsesRequest;
  /** The raw input items, previous_response_id history included. */
  rawInput: unknown[];
  /** The model the request routed to, and the one whose answer the client got. */
  model: ResolvedModel;
  served: ResolvedModel;
  aliasedFrom: string | undefined;
  response: ResponseObject | undefined;
  /** The client left (or the run was aborted) before the end. */
  disconnected: boolean;
  error: BridgeError | undefined;
  billedUsage: ResponseUsage | null;
  replayRecords: ReplayRecord[];
  attempts: readonly AttemptRecord[];
  notes: TranslationNote[];
  anomalies: string[];
  guardrails: { toolTurns: number; decisions: readonly string[] } | undefined;
  mode: ModeInfo | undefined;
  startedAt: number;
  firstChunkAt: number | undefined;
  queuedMs: number | undefined;
  watch: RunWatch;
}

export function reportRun(deps: BridgeDeps, facts: RunFacts): void {
  recordRunMetrics(deps.metrics, facts);
  saveRunState(deps, facts);
  facts.watch.onEnd(
    endOfResponse(
      facts.response,
      facts.served.upstreamModel,
      facts.error,
      facts.disconnected,
      facts.billedUsage,
    ),
  );
  const { line, level, message } = runLogLine(facts, deps.config.logBodies);
  deps.logger[level](line, message);
}

function outcomeOf(facts: RunFacts): string {
  return facts.disconnected && !facts.response ? 'client_disconnected' : (facts.response?.status ?? 'error');
}

export function recordRunMetrics(metrics: BridgeDeps['metrics'], facts: RunFacts): void {
  const model = facts.model.requested;
  const servedModel = facts.served.upstreamModel;
  metrics.responses.inc({ model, served_model: servedModel, outcome: outcomeOf(facts) });
  if (facts.disconnected && !facts.response) metrics.clientDisconnects.inc({ model });
  const usage = facts.billedUsage;
  if (usage) {
    metrics.tokens.inc({ model: servedModel, kind: 'input' }, usage.input_tokens);
    metrics.tokens.inc({ model: servedModel, kind: 'cached' }, usage.input_tokens_details.cached_tokens);
    metrics.tokens.inc({ model: servedModel, kind: 'output' }, usage.output_tokens);
    metrics.tokens.inc(
      { model: servedModel, kind: 'reasoning' },
      usage.output_tokens_details.reasoning_tokens,
    );
  }
  facts.attempts.forEach((attempt, index) => {
    const previous = facts.attempts[index - 1];
    if (!previous) return;
    if (attempt.reason === 'retry')
      metrics.retries.inc({ model: attempt.model, error: previous.error ?? 'unknown' });
    if (attempt.reason === 'fallback') metrics.fallbacks.inc({ from: previous.model, to: attempt.model });
  });
}

function saveRunState(deps: BridgeDeps, facts: RunFacts): void {
  const { store } = deps;
  const { request, response, served } = facts;
  try {
    store.saveReplay(facts.sessionId, facts.replayRecords, served.upstreamModel);
    if (response && request.store === true) store.saveResponse({ response, input: ownInput(request) });
    recordUsage(deps, facts.attempts, facts.billedUsage, served.upstreamModel);
  } catch (error) {
    deps.logger.error({ requestId: facts.requestId, err: error }, 'failed to save state');
  }
}

/** The request's one log line, its level, and the message that says at a glance how it went. */
export function runLogLine(
  facts: RunFacts,
  logBodies: boolean,
): { line: Record<string, unknown>; level: 'info' | 'warn'; message: string } {
  const { model, served, response, request, rawInput, attempts } = facts;
  const line = {
    requestId: facts.requestId,
    responseId: facts.responseId,
    model: model.requested,
    aliasedFrom: facts.aliasedFrom,
    servedModel: served.upstreamModel,
    status: outcomeOf(facts),
    durationMs: Date.now() - facts.startedAt,
    queuedMs: facts.queuedMs || undefined,
    firstChunkMs: facts.firstChunkAt ? facts.firstChunkAt - facts.startedAt : undefined,
    usage: response?.usage ?? undefined,
    attempts: attempts.length > 1 || attempts[0]?.outcome === 'failure' ? attempts : undefined,
    error: facts.error ? loggedError(facts.error, { logBodies, request: [rawInput, request] }) : undefined,
    notes: facts.notes.length > 0 ? facts.notes : undefined,
    anomalies: facts.anomalies.length > 0 ? facts.anomalies : undefined,
    guardrails: facts.guardrails,
    mode: facts.mode,
    ...(logBodies ? { input: rawInput, output: response?.output } : {}),
  };
  const unreadable = facts.notes.some((note) => note.kind === 'reasoning_unreadable');
  const lost = facts.notes.some((note) => note.kind === 'reasoning_lost');
  if (served.upstreamModel !== model.upstreamModel)
    return { line, level: 'warn', message: `served by fallback model ${served.upstreamModel}` };
  if (facts.error || response?.status === 'failed')
    return { line, level: 'warn', message: 'response failed' };
  if (lost)
    return {
      line,
      level: 'warn',
      message: 'response: earlier reasoning could not be opened and was not replayed',
    };
  if (unreadable || facts.anomalies.length > 0)
    return { line, level: 'warn', message: 'response (with warnings)' };
  return { line, level: 'info', message: 'response' };
}
