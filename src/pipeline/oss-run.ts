/**
 * One Responses request served by open models. The full input is translated for the serving model; upstream calls
 * are retried and fall back along the chain only while no output has been sent; after that any failure ends the
 * stream with its reason. `open()` fails with a BridgeError before any output (the server answers with an HTTP
 * error); `events()` always ends with exactly one terminal event, whatever the upstream does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BridgeError, toResponseFailure } from '../errors.ts';
import type { GuardrailPlan } from '../guardrails/plan.ts';
import { decideSegment } from '../guardrails/segment.ts';
import { uniqueId } from '../ids.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import { fallbackChain } from '../models/fallbacks.ts';
import { exactOutputCheck } from '../modes/exact-output.ts';
import type { ModeInfo } from '../modes/plan-mode.ts';
import { loggedError } from '../observability/logged-error.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import type { InputItem } from '../responses/input-items.ts';
import { metadataValue, type ResponseEvent, type ResponseObject } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import { type HistoryLookup, SEALED_UNDER_ANOTHER_KEY } from '../translate/messages.ts';
import { collectTools } from '../translate/request.ts';
import { ChatToResponsesTranslator, type ResponseEcho } from '../translate/stream.ts';
import { UpstreamStreamError } from '../upstream/chat-client.ts';
import { initialPlan, nextStep, type PlanState } from '../upstream/resilience/attempt-plan.ts';
import type { BridgeDeps } from './deps.ts';
import { endOfResponse } from './run-events.ts';
import { ownInput } from './stored-conversation.ts';
import { UpstreamAttempt } from './upstream-attempt.ts';
import { recordUsage } from './usage-accounting.ts';
import { ADAPTERS, type UpstreamTranslation } from './wire-adapters.ts';

export interface OssRunParams {
  /** Guardrails for this request (subagents by default); INACTIVE_PLAN when none apply. */
  guardrails: GuardrailPlan;
  request: ResponsesRequest;
  /** The raw input items, previous_response_id history included. */
  rawInput: unknown[];
  items: InputItem[];
  model: ResolvedModel;
  sessionId: string;
  requestId: string;
  /** The model the client asked for, when another one serves it (GPT_MODEL_STRATEGY=oss, subagent alias). */
  aliasedFrom?: string;
  /** The subagent task mode of this turn (src/modes), for the log line and its answer checks. */
  mode?: { info: ModeInfo; exactOutput: string | undefined };
  /** Where this request's life is reported (the dashboard). */
  watch: RunWatch;
}

export function newResponseId(): string {
  return uniqueId('resp');
}

/** The request fields a Response echoes (also used for the turns the bridge answers itself, src/modes). */
export function echoOf(request: ResponsesRequest): ResponseEcho {
  return {
    instructions: request.instructions ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    previous_response_id: request.previous_response_id ?? null,
    store: request.store ?? false,
  };
}

export function historyLookup(deps: BridgeDeps, scope: string): HistoryLookup {
  return {
    openReasoning: (blob) => deps.carrier.open(blob),
    reasoningByItemId: (id) => deps.store.reasoningByItemId(scope, id),
    reasoningByCallId: (id) => deps.store.reasoningByCallId(scope, id),
    callByCallId: (id) => deps.store.callByCallId(scope, id),
  };
}

interface AttemptRecord {
  model: string;
  reason: string;
  ms: number;
  outcome?: string;
  error?: string;
}

const TIMEOUT_CODES = new Set(['upstream_idle_timeout', 'upstream_timeout', 'request_deadline_exceeded']);

export class OssRun {
  readonly translator: ChatToResponsesTranslator;
  readonly startedAt = Date.now();
  readonly #deps: BridgeDeps;
  readonly #params: OssRunParams;
  readonly #abort = new AbortController();
  readonly #deadlineAt: number;
  readonly #translations = new Map<string, { model: ResolvedModel; translation: UpstreamTranslation }>();
  readonly #history: AttemptRecord[] = [];
  #plan: PlanState;
  #chain: string[];
  /** The input as translated: the request's, plus what a guardrail re-ask appended. */
  #items: InputItem[];
  #reasked = false;
  readonly #guardrailLog: string[] = [];
  /** What upstreams sent that broke the protocol (a chunk that is not JSON, a field of the wrong type). */
  readonly #upstreamAnomalies: string[] = [];
  #attempt: UpstreamAttempt | undefined;
  #streaming: UpstreamAttempt | undefined;
  #firstChunkAt: number | undefined;
  #error: BridgeError | undefined;
  #unlinkClient: (() => void) | undefined;

  constructor(deps: BridgeDeps, params: OssRunParams) {
    this.#deps = deps;
    this.#params = params;
    this.#deadlineAt = this.startedAt + deps.config.resilience.timeouts.requestDeadlineSeconds * 1000;
    this.#items = params.items;
    // A spent tool budget hands the no-tools final turn to CONTINUATION_MODEL (then its fallbacks).
    this.#chain =
      params.guardrails.finalizerChain ??
      fallbackChain(params.model.upstreamModel, deps.config.resilience.fallbacks);
    for (const text of params.mode?.info.decisions ?? []) params.watch.onDecision({ source: 'mode', text });
    if (params.guardrails.finalizerChain) this.#decide(`finalizer: ${this.#chain.join(' -> ')}`);
    this.#plan = initialPlan(this.#chain);
    // Translating up front surfaces invalid input as a 400 before anything is sent anywhere.
    const primary = this.#translationFor(this.#chain[0] as string);
    this.translator = new ChatToResponsesTranslator({
      responseId: newResponseId(),
      model: primary.model.requested,
      upstreamModel: primary.model.upstreamModel,
      createdAt: Math.floor(this.startedAt / 1000),
      names: primary.translation.names,
      carrier: deps.carrier,
      thinkTags: primary.model.profile.thinkTags,
      exposeEmptyReasoningItem: deps.config.exposeEmptyReasoningItem,
      echo: echoOf(params.request),
      holdToolCalls: params.guardrails.active,
    });
  }

  /** Sends the request upstream (retrying and falling back as needed); resolves once an upstream accepted it. */
  async open(): Promise<void> {
    try {
      this.#attempt = await this.#openNext(undefined);
    } catch (error) {
      if (error instanceof BridgeError) this.#error ??= error;
      throw error;
    }
  }

  /** Translated events, batch by batch; the last batch holds the terminal event. */
  async *events(): AsyncGenerator<ResponseEvent[]> {
    for (;;) {
      const attempt = this.#attempt;
      if (!attempt) throw new Error('OssRun.events() called before open()');
      try {
        for await (const batch of attempt.batches()) {
          this.#firstChunkAt ??= Date.now();
          if (this.#streaming !== attempt) {
            // Each upstream call (a re-ask too) goes queued → waiting → streaming for the watcher.
            this.#streaming = attempt;
            this.#params.watch.onState({
              phase: 'streaming',
              model: attempt.model.upstreamModel,
              at: Date.now(),
            });
          }
          const events: ResponseEvent[] = [];
          for (const chunk of batch) events.push(...this.translator.push(chunk));
          if (events.length > 0) yield events;
        }
        if (!attempt.sawDone && !this.translator.sawFinishReason) {
          throw new UpstreamStreamError(
            'upstream_disconnected',
            'The upstream stream ended before the model finished its answer.',
          );
        }
        this.#settle(attempt, 'success');
        if (!this.#params.guardrails.active) {
          yield this.translator.finish();
          return;
        }
        const { events, next } = this.#afterSegment();
        if (events.length > 0) yield events;
        if (!next) return;
        this.#attempt = await this.#openNext(undefined);
      } catch (thrown) {
        if (this.#abort.signal.aborted) {
          this.#settle(attempt, 'abandoned');
          return;
        }
        const error = attempt.failure(thrown);
        this.#settle(attempt, 'failure', error);
        if (this.translator.hasOutput) {
          yield this.#endAfterOutput(error);
          return;
        }
        try {
          this.#attempt = await this.#openNext(error);
        } catch (final) {
          if (this.#abort.signal.aborted) return;
          yield this.failWith(final);
          return;
        }
      }
    }
  }

  /** Ends the response as failed (e.g. when open() fails after the SSE stream has already started). */
  failWith(error: unknown): ResponseEvent[] {
    this.#error =
      error instanceof UpstreamStreamError
        ? error.toBridgeError()
        : (this.#attempt?.failure(error) ?? toBridge(error));
    const failure = toResponseFailure(this.#error);
    return this.translator.fail(failure.code, failure.message);
  }

  /**
   * The client's request signal aborts the run, until the run completes. The listener must go then: undici's
   * request finalizer keeps that signal (and so anything its listeners reach) alive, and a listener left on it
   * kept every finished run in memory for good.
   */
  abortWhen(clientSignal: AbortSignal): void {
    const onClientAbort = () => this.abort();
    clientSignal.addEventListener('abort', onClientAbort, { once: true });
    this.#unlinkClient = () => clientSignal.removeEventListener('abort', onClientAbort);
  }

  /** Client went away: cancel the upstream call and any wait at once. */
  abort(): void {
    this.#abort.abort(new Error('client disconnected'));
    this.#attempt?.finish('abandoned');
  }

  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Aborted when the bridge stops for good (see BridgeDeps.shutdown). */
  get shutdown(): AbortSignal | undefined {
    return this.#deps.shutdown;
  }

  get metrics(): BridgeDeps['metrics'] {
    return this.#deps.metrics;
  }

  /** Why the request failed, when it did. */
  get error(): BridgeError | undefined {
    return this.#error;
  }

  #translationFor(upstreamModel: string): { model: ResolvedModel; translation: UpstreamTranslation } {
    let entry = this.#translations.get(upstreamModel);
    if (!entry) {
      const { model: primary, request } = this.#params;
      const model =
        upstreamModel === primary.upstreamModel
          ? primary
          : (this.#deps.catalog.resolve(`ocg-${upstreamModel}`) ?? primary);
      const translation = ADAPTERS[model.wire].translate(request, this.#items, {
        model,
        guardrails: this.#params.guardrails.request,
        lookup: historyLookup(this.#deps, this.#params.sessionId),
        stream: this.#deps.config.upstream.stream,
        stripTools: this.#deps.config.stripTools,
      });
      entry = { model, translation };
      this.#translations.set(upstreamModel, entry);
    }
    return entry;
  }

  /** Plans and makes upstream calls until one is accepted; throws the last error when the plan gives up. */
  async #openNext(lastError: BridgeError | undefined): Promise<UpstreamAttempt> {
    const { resilience } = this.#deps.config;
    let error = lastError;
    for (;;) {
      const [step, state] = nextStep(this.#plan, error, {
        retries: resilience.retries,
        backoff: { baseMs: 250, maxMs: 8_000, maxRetryAfterMs: resilience.retryAfterMaxSeconds * 1000 },
        breakerPasses: (model) => this.#deps.breakers.for(model).tryPass(),
        breakerRetryAt: (model) => this.#deps.breakers.for(model).snapshot().retryAt,
        now: Date.now(),
        deadlineAt: this.#deadlineAt,
      });
      this.#plan = state;
      if (step.kind === 'give_up') throw step.error;
      if (step.delayMs > 0) {
        try {
          await sleep(step.delayMs, undefined, { signal: this.#abort.signal, ref: false });
        } catch (aborted) {
          // The plan may have claimed a half-open probe for this model: hand it back.
          this.#deps.breakers.for(step.model).onAbandon();
          throw aborted;
        }
      }
      const { model, translation } = this.#translationFor(step.model);
      const attempt = new UpstreamAttempt(
        this.#deps,
        model,
        translation,
        this.#params.sessionId,
        this.#abort.signal,
        this.#deadlineAt,
        this.#params.watch,
      );
      if (step.reason !== 'first') {
        const after = error ? ` (after ${error.code})` : '';
        this.#params.watch.onDecision({
          source: 'attempt',
          text: `${step.reason}: ${model.upstreamModel}${after}`,
        });
      }
      this.#history.push({
        model: model.upstreamModel,
        reason: step.reason,
        ms: Date.now() - this.startedAt,
      });
      try {
        await attempt.open();
        const serving = {
          model: model.requested,
          upstreamModel: model.upstreamModel,
          thinkTags: model.profile.thinkTags,
          names: translation.names,
        };
        // A guardrail re-ask continues a response that already has output; anything else starts it afresh.
        if (this.translator.hasOutput) this.translator.continueSegment(serving);
        else this.translator.resetBeforeOutput(serving);
        this.#showReasoningLoss(model, translation);
        return attempt;
      } catch (thrown) {
        if (this.#abort.signal.aborted) {
          attempt.finish('abandoned');
          throw thrown;
        }
        error = attempt.failure(thrown);
        this.#settle(attempt, 'failure', error);
      }
    }
  }

  #settle(attempt: UpstreamAttempt, outcome: 'success' | 'failure' | 'abandoned', error?: BridgeError): void {
    attempt.finish(outcome, error);
    const record = this.#history.at(-1);
    if (record) {
      record.outcome = outcome;
      if (error) record.error = error.code;
    }
    if (error?.code === 'upstream_invalid_chunk')
      this.#upstreamAnomalies.push(`${attempt.model.upstreamModel}: ${error.message}`);
  }

  /**
   * After output: a timeout may end a partial answer as `incomplete` (never as completed), if there is one — message
   * text and no tool call half-way; anything else ends `failed`, which Codex retries.
   */
  #endAfterOutput(error: BridgeError): ResponseEvent[] {
    this.#error = error;
    const degraded = this.#deps.config.resilience.degradedCompletionOnTimeout;
    if (degraded && TIMEOUT_CODES.has(error.code) && this.translator.hasPartialAnswer) {
      return this.translator.incomplete(error.code);
    }
    const failure = toResponseFailure(error);
    return this.translator.fail(failure.code, failure.message);
  }

  #recordMetrics(servedModel: string, response: ResponseObject | undefined, disconnected: boolean): void {
    const { metrics } = this.#deps;
    const model = this.#params.model.requested;
    const outcome = disconnected && !response ? 'client_disconnected' : (response?.status ?? 'error');
    metrics.responses.inc({ model, served_model: servedModel, outcome });
    if (disconnected && !response) metrics.clientDisconnects.inc({ model });
    const usage = this.translator.billedUsage;
    if (usage) {
      metrics.tokens.inc({ model: servedModel, kind: 'input' }, usage.input_tokens);
      metrics.tokens.inc({ model: servedModel, kind: 'cached' }, usage.input_tokens_details.cached_tokens);
      metrics.tokens.inc({ model: servedModel, kind: 'output' }, usage.output_tokens);
      metrics.tokens.inc(
        { model: servedModel, kind: 'reasoning' },
        usage.output_tokens_details.reasoning_tokens,
      );
    }
    this.#history.forEach((attempt, index) => {
      const previous = this.#history[index - 1];
      if (!previous) return;
      if (attempt.reason === 'retry')
        metrics.retries.inc({ model: attempt.model, error: previous.error ?? 'unknown' });
      if (attempt.reason === 'fallback') metrics.fallbacks.inc({ from: previous.model, to: attempt.model });
    });
  }

  /**
   * A guarded upstream call ended: pass its tool calls on (minus duplicates and calls over the cap), or re-ask the
   * model once with a note, or end the response incomplete with the reason.
   */
  #afterSegment(): { events: ResponseEvent[]; next: boolean } {
    const segment = this.translator.segmentEnd();
    // Cut short: any call may be truncated, so none runs; the response ends incomplete or failed as the upstream said.
    if (segment.cutShort) {
      const { finishReason, withheldCalls } = segment.cutShort;
      this.#decide(
        `turn cut short by the upstream (finish_reason ${finishReason}): ${withheldCalls} tool call(s) not forwarded`,
      );
      this.#showGuardrailDecisions();
      return { events: [...segment.events, ...this.translator.finish()], next: false };
    }
    const exact = this.#params.mode?.exactOutput;
    const decision = decideSegment(segment, this.#params.guardrails.response, this.#reasked, {
      answerCheck: exact === undefined ? undefined : exactOutputCheck(exact),
      noTools: this.#offersNoTools(),
    });
    switch (decision.kind) {
      case 'finish': {
        for (const dropped of decision.dropped)
          this.#decide(`not forwarded: ${dropped}`, 'not forwarded: a duplicate or over-cap tool call');
        const released = this.translator.releaseCalls(decision.release);
        this.#showGuardrailDecisions();
        return { events: [...segment.events, ...released, ...this.translator.finish()], next: false };
      }
      case 'reask':
        this.#reasked = true;
        this.#decide(decision.why);
        this.#items = [...this.#items, ...decision.append];
        this.#translations.clear();
        this.#plan = initialPlan(this.#chain);
        return { events: segment.events, next: true };
      case 'incomplete':
        this.#decide(decision.why);
        this.#showGuardrailDecisions();
        return { events: [...segment.events, ...this.translator.incomplete(decision.reason)], next: false };
    }
  }

  /** A guardrail decision: in the log line, the response metadata, and (live) for the run's watcher. */
  #decide(text: string, withoutContent?: string): void {
    this.#guardrailLog.push(text);
    this.#params.watch.onDecision({ source: 'guardrail', text, withoutContent });
  }

  #offersNoTools(): boolean {
    return (
      this.#params.guardrails.request.withdrawTools ||
      this.#deps.config.stripTools ||
      collectTools(this.#params.request, this.#items).length === 0
    );
  }

  /**
   * Earlier reasoning the serving model gets back, but that could not be opened (translate/messages.ts): the model
   * continues without it, so the response says so (`metadata.opencode_bridge_reasoning_lost`) and the log warns.
   */
  #showReasoningLoss(model: ResolvedModel, translation: UpstreamTranslation): void {
    const lost = translation.notes.filter((note) => note.kind === 'reasoning_lost');
    if (lost.length === 0) return;
    const otherKey = lost.some((note) => note.detail.includes(SEALED_UNDER_ANOTHER_KEY));
    const text =
      `${lost.length} earlier turn(s) sent to ${model.upstreamModel} without their reasoning, which could not be opened` +
      (otherKey
        ? ": it was sealed under another key (the bridge's state directory was replaced or lost)"
        : ': it was not sealed by this bridge');
    this.translator.addMetadata({ opencode_bridge_reasoning_lost: metadataValue(text) });
  }

  /** What the guardrails decided, in the terminal response's metadata as well as in the log line. */
  #showGuardrailDecisions(): void {
    if (this.#guardrailLog.length > 0)
      this.translator.addMetadata({
        opencode_bridge_guardrails: metadataValue(this.#guardrailLog.join(' | ')),
      });
  }

  /** Persists what later turns may need and writes the one log line for this request. */
  complete(clientDisconnected: boolean): void {
    this.#unlinkClient?.();
    const { store, logger } = this.#deps;
    const { model, request, rawInput, requestId } = this.#params;
    const response = this.translator.response;
    const served = this.#attempt?.model ?? model;
    this.#recordMetrics(served.upstreamModel, response, clientDisconnected || this.aborted);
    try {
      store.saveReplay(this.#params.sessionId, this.translator.replayRecords(), served.upstreamModel);
      if (response && request.store === true) store.saveResponse({ response, input: ownInput(request) });
      recordUsage(this.#deps, this.#history, this.translator.billedUsage, served.upstreamModel);
    } catch (error) {
      logger.error({ requestId, err: error }, 'failed to save state');
    }
    const notes = [...this.#translations.values()].flatMap((entry) => entry.translation.notes);
    const anomalies = [...this.#upstreamAnomalies, ...this.translator.anomalies];
    const line = {
      requestId,
      responseId: this.translator.options.responseId,
      model: model.requested,
      aliasedFrom: this.#params.aliasedFrom,
      servedModel: served.upstreamModel,
      status:
        (clientDisconnected || this.aborted) && !response
          ? 'client_disconnected'
          : (response?.status ?? 'error'),
      durationMs: Date.now() - this.startedAt,
      queuedMs: this.#attempt?.waitedMs || undefined,
      firstChunkMs: this.#firstChunkAt ? this.#firstChunkAt - this.startedAt : undefined,
      usage: response?.usage ?? undefined,
      attempts:
        this.#history.length > 1 || this.#history[0]?.outcome === 'failure' ? this.#history : undefined,
      error: this.#error
        ? loggedError(this.#error, { logBodies: this.#deps.config.logBodies, request: [rawInput, request] })
        : undefined,
      notes: notes.length > 0 ? notes : undefined,
      anomalies: anomalies.length > 0 ? anomalies : undefined,
      guardrails: this.#params.guardrails.active
        ? { toolTurns: this.#params.guardrails.toolTurns, decisions: this.#guardrailLog }
        : undefined,
      mode: this.#params.mode?.info,
      ...(this.#deps.config.logBodies ? { input: rawInput, output: response?.output } : {}),
    };
    this.#params.watch.onEnd(
      endOfResponse(
        response,
        served.upstreamModel,
        this.#error,
        clientDisconnected || this.aborted,
        this.translator.billedUsage,
      ),
    );
    const unreadable = notes.some((note) => note.kind === 'reasoning_unreadable');
    const lost = notes.some((note) => note.kind === 'reasoning_lost');
    if (served.upstreamModel !== model.upstreamModel)
      logger.warn(line, `served by fallback model ${served.upstreamModel}`);
    else if (this.#error || response?.status === 'failed') logger.warn(line, 'response failed');
    else if (lost) logger.warn(line, 'response: earlier reasoning could not be opened and was not replayed');
    else if (unreadable || anomalies.length > 0) logger.warn(line, 'response (with warnings)');
    else logger.info(line, 'response');
  }
}

function toBridge(error: unknown): BridgeError {
  return error instanceof BridgeError
    ? error
    : new BridgeError({
        status: 500,
        code: 'server_error',
        message: `Internal bridge error: ${(error as Error)?.message ?? String(error)}`,
      });
}
