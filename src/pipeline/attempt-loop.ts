/**
 * The upstream calls of one run: which model to call next (retry, fallback, breaker, deadline: the attempt plan),
 * each model's translation of the input (made once per model, anew after a re-ask), and a record of every attempt
 * for the log line and the metrics. Waits between attempts end at once when the run is aborted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BridgeError } from '../errors.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import type { InputItem } from '../responses/input-items.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type { HistoryLookup } from '../translate/messages.ts';
import type { TranslationNote } from '../translate/notes.ts';
import type { RequestGuardrails } from '../translate/request.ts';
import { initialPlan, nextStep, type PlanState } from '../upstream/resilience/attempt-plan.ts';
import type { BridgeDeps } from './deps.ts';
import { type AttemptOutcome, UpstreamAttempt } from './upstream-attempt.ts';
import { ADAPTERS, type UpstreamTranslation } from './wire-adapters.ts';

export interface AttemptRecord {
  model: string;
  reason: string;
  /** When the attempt started, from the start of the run. */
  ms: number;
  outcome?: AttemptOutcome;
  error?: string;
}

export interface AttemptLoopParams {
  request: ResponsesRequest;
  items: InputItem[];
  /** The model the request routed to; the chain's other models are resolved from the catalog. */
  model: ResolvedModel;
  /** Models to try in order: the primary and its fallbacks (or the finalizer chain of a spent tool budget). */
  chain: string[];
  guardrails: RequestGuardrails;
  sessionId: string;
  watch: RunWatch;
  /** Aborted when the client goes away: ends waits and calls at once. */
  signal: AbortSignal;
  startedAt: number;
  deadlineAt: number;
}

interface ModelTranslation {
  model: ResolvedModel;
  translation: UpstreamTranslation;
}

export function historyLookup(deps: BridgeDeps, scope: string): HistoryLookup {
  return {
    openReasoning: (blob) => deps.carrier.open(blob),
    reasoningByItemId: (id) => deps.store.reasoningByItemId(scope, id),
    reasoningByCallId: (id) => deps.store.reasoningByCallId(scope, id),
    callByCallId: (id) => deps.store.callByCallId(scope, id),
  };
}

export class AttemptLoop {
  readonly history: AttemptRecord[] = [];
  /** What upstreams sent that broke the protocol (a chunk that is not JSON, a field of the wrong type). */
  readonly anomalies: string[] = [];
  readonly #deps: BridgeDeps;
  readonly #params: AttemptLoopParams;
  readonly #translations = new Map<string, ModelTranslation>();
  #plan: PlanState;
  /** The input as translated: the request's, plus what a guardrail re-ask appended. */
  #items: InputItem[];

  constructor(deps: BridgeDeps, params: AttemptLoopParams) {
    this.#deps = deps;
    this.#params = params;
    this.#items = params.items;
    this.#plan = initialPlan(params.chain);
  }

  /** The first model of the chain and its translation (made here, so invalid input is a 400 before any call). */
  get primary(): ModelTranslation {
    return this.#translationFor(this.#params.chain[0] as string);
  }

  get items(): readonly InputItem[] {
    return this.#items;
  }

  /** What the current translations changed or dropped, for the log line. */
  get notes(): TranslationNote[] {
    return [...this.#translations.values()].flatMap((entry) => entry.translation.notes);
  }

  /** A re-ask: the input grows, every model's translation is made anew, and the plan starts over on the chain. */
  restart(append: readonly InputItem[]): void {
    this.#items = [...this.#items, ...append];
    this.#translations.clear();
    this.#plan = initialPlan(this.#params.chain);
  }

  /** Plans and makes upstream calls until one is accepted; throws the last error when the plan gives up. */
  async next(lastError: BridgeError | undefined): Promise<UpstreamAttempt> {
    const { resilience } = this.#deps.config;
    const { signal } = this.#params;
    let error = lastError;
    for (;;) {
      const [step, state] = nextStep(this.#plan, error, {
        retries: resilience.retries,
        backoff: { baseMs: 250, maxMs: 8_000, maxRetryAfterMs: resilience.retryAfterMaxSeconds * 1000 },
        breakerPasses: (model) => this.#deps.breakers.for(model).tryPass(),
        breakerRetryAt: (model) => this.#deps.breakers.for(model).snapshot().retryAt,
        now: Date.now(),
        deadlineAt: this.#params.deadlineAt,
      });
      this.#plan = state;
      if (step.kind === 'give_up') throw step.error;
      if (step.delayMs > 0) {
        try {
          await sleep(step.delayMs, undefined, { signal, ref: false });
        } catch (aborted) {
          // The plan may have claimed a half-open probe for this model: hand it back.
          this.#deps.breakers.for(step.model).onAbandon();
          throw aborted;
        }
      }
      const { model, translation } = this.#translationFor(step.model);
      const { sessionId, deadlineAt, watch } = this.#params;
      const attempt = new UpstreamAttempt(
        this.#deps,
        model,
        translation,
        sessionId,
        signal,
        deadlineAt,
        watch,
      );
      if (step.reason !== 'first') {
        const after = error ? ` (after ${error.code})` : '';
        watch.onDecision({ source: 'attempt', text: `${step.reason}: ${model.upstreamModel}${after}` });
      }
      this.history.push({
        model: model.upstreamModel,
        reason: step.reason,
        ms: Date.now() - this.#params.startedAt,
      });
      try {
        await attempt.open();
        return attempt;
      } catch (thrown) {
        if (signal.aborted) {
          attempt.finish('abandoned');
          throw thrown;
        }
        error = attempt.failure(thrown);
        this.settle(attempt, 'failure', error);
      }
    }
  }

  /** Ends an attempt (its slot, timers, breaker verdict) and records how it went. */
  settle(attempt: UpstreamAttempt, outcome: AttemptOutcome, error?: BridgeError): void {
    attempt.finish(outcome, error);
    const record = this.history.at(-1);
    if (record) {
      record.outcome = outcome;
      if (error) record.error = error.code;
    }
    if (error?.code === 'upstream_invalid_chunk')
      this.anomalies.push(`${attempt.model.upstreamModel}: ${error.message}`);
  }

  #translationFor(upstreamModel: string): ModelTranslation {
    let entry = this.#translations.get(upstreamModel);
    if (!entry) {
      const { model: primary, request, guardrails, sessionId } = this.#params;
      const model =
        upstreamModel === primary.upstreamModel
          ? primary
          : (this.#deps.catalog.resolve(`ocg-${upstreamModel}`) ?? primary);
      const translation = ADAPTERS[model.wire].translate(request, this.#items, {
        model,
        guardrails,
        lookup: historyLookup(this.#deps, sessionId),
        stream: this.#deps.config.upstream.stream,
        stripTools: this.#deps.config.stripTools,
      });
      entry = { model, translation };
      this.#translations.set(upstreamModel, entry);
    }
    return entry;
  }
}
