/**
 * One Responses request served by open models. The full input is translated for the serving model; upstream calls
 * are retried and fall back along the chain only while no output has been sent (attempt-loop.ts); after that any
 * failure ends the stream with its reason. Guarded requests go segment by segment (guarded-turn.ts). `open()` fails
 * with a BridgeError before any output (the server answers with an HTTP error); `events()` always ends with exactly
 * one terminal event, whatever the upstream does; `complete()` reports the run once (run-report.ts).
 */
import { asBridgeError, BridgeError, toResponseFailure } from '../errors.ts';
import type { GuardrailPlan } from '../guardrails/plan.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import { fallbackChain } from '../models/fallbacks.ts';
import type { ModeInfo } from '../modes/plan-mode.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import { echoOf, newResponseId } from '../responses/echo.ts';
import type { InputItem } from '../responses/input-items.ts';
import { metadataValue, type ResponseEvent } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import { SEALED_UNDER_ANOTHER_KEY } from '../translate/messages.ts';
import type { TranslationNote } from '../translate/notes.ts';
import { ChatToResponsesTranslator } from '../translate/stream.ts';
import { UpstreamStreamError } from '../upstream/chat-client.ts';
import { AttemptLoop } from './attempt-loop.ts';
import type { BridgeDeps } from './deps.ts';
import { GuardedTurn } from './guarded-turn.ts';
import { reportRun } from './run-report.ts';
import type { UpstreamAttempt } from './upstream-attempt.ts';

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

const TIMEOUT_CODES = new Set(['upstream_idle_timeout', 'upstream_timeout', 'request_deadline_exceeded']);

export class OssRun {
  readonly translator: ChatToResponsesTranslator;
  readonly startedAt = Date.now();
  readonly #deps: BridgeDeps;
  readonly #params: OssRunParams;
  readonly #abort = new AbortController();
  readonly #attempts: AttemptLoop;
  readonly #turn: GuardedTurn;
  #attempt: UpstreamAttempt | undefined;
  #streaming: UpstreamAttempt | undefined;
  #firstChunkAt: number | undefined;
  #error: BridgeError | undefined;
  #unlinkClient: (() => void) | undefined;

  constructor(deps: BridgeDeps, params: OssRunParams) {
    this.#deps = deps;
    this.#params = params;
    const { guardrails, watch } = params;
    // A spent tool budget hands the no-tools final turn to CONTINUATION_MODEL (then its fallbacks).
    const chain =
      guardrails.finalizerChain ??
      fallbackChain(params.model.upstreamModel, deps.config.resilience.fallbacks);
    this.#turn = new GuardedTurn({
      guardrails,
      request: params.request,
      exactOutput: params.mode?.exactOutput,
      stripTools: deps.config.stripTools,
      watch,
    });
    for (const text of params.mode?.info.decisions ?? []) watch.onDecision({ source: 'mode', text });
    if (guardrails.finalizerChain) this.#turn.decide(`finalizer: ${chain.join(' -> ')}`);
    this.#attempts = new AttemptLoop(deps, {
      request: params.request,
      items: params.items,
      model: params.model,
      chain,
      guardrails: guardrails.request,
      sessionId: params.sessionId,
      watch,
      signal: this.#abort.signal,
      startedAt: this.startedAt,
      deadlineAt: this.startedAt + deps.config.resilience.timeouts.requestDeadlineSeconds * 1000,
    });
    // Translating up front surfaces invalid input as a 400 before anything is sent anywhere.
    const primary = this.#attempts.primary;
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
      holdToolCalls: guardrails.active,
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
          if (this.#streaming !== attempt) this.#startStreaming(attempt);
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
        this.#attempts.settle(attempt, 'success');
        if (!this.#turn.active) {
          yield this.translator.finish();
          return;
        }
        const { events, reask } = this.#turn.afterSegment(this.translator, this.#attempts.items);
        if (events.length > 0) yield events;
        if (!reask) return;
        this.#attempts.restart(reask);
        this.#attempt = await this.#openNext(undefined);
      } catch (thrown) {
        if (this.#abort.signal.aborted) {
          this.#attempts.settle(attempt, 'abandoned');
          return;
        }
        const error = attempt.failure(thrown);
        this.#attempts.settle(attempt, 'failure', error);
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
        : (this.#attempt?.failure(error) ?? asBridgeError(error));
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

  /** Reports the run once it has ended: metrics, saved state, its log line, the end for its watcher. */
  complete(clientDisconnected: boolean): void {
    this.#unlinkClient?.();
    const { model, request, rawInput, requestId, sessionId, guardrails } = this.#params;
    reportRun(this.#deps, {
      requestId,
      responseId: this.translator.options.responseId,
      sessionId,
      request,
      rawInput,
      model,
      served: this.#attempt?.model ?? model,
      aliasedFrom: this.#params.aliasedFrom,
      response: this.translator.response,
      disconnected: clientDisconnected || this.aborted,
      error: this.#error,
      billedUsage: this.translator.billedUsage,
      replayRecords: this.translator.replayRecords(),
      attempts: this.#attempts.history,
      notes: this.#attempts.notes,
      anomalies: [...this.#attempts.anomalies, ...this.translator.anomalies],
      guardrails: guardrails.active
        ? { toolTurns: guardrails.toolTurns, decisions: this.#turn.decisions }
        : undefined,
      mode: this.#params.mode?.info,
      startedAt: this.startedAt,
      firstChunkAt: this.#firstChunkAt,
      queuedMs: this.#attempt?.waitedMs,
      watch: this.#params.watch,
    });
  }

  /** The next accepted call, with the translator set to its model: a fresh start, or a re-ask's continuation. */
  async #openNext(lastError: BridgeError | undefined): Promise<UpstreamAttempt> {
    const attempt = await this.#attempts.next(lastError);
    const { model, translation } = attempt;
    const serving = {
      model: model.requested,
      upstreamModel: model.upstreamModel,
      thinkTags: model.profile.thinkTags,
      names: translation.names,
    };
    // A guardrail re-ask continues a response that already has output; anything else starts it afresh.
    if (this.translator.hasOutput) this.translator.continueSegment(serving);
    else this.translator.resetBeforeOutput(serving);
    this.#showReasoningLoss(model, translation.notes);
    return attempt;
  }

  /** Each upstream call (a re-ask too) goes queued → waiting → streaming for the watcher. */
  #startStreaming(attempt: UpstreamAttempt): void {
    this.#streaming = attempt;
    this.#params.watch.onState({ phase: 'streaming', model: attempt.model.upstreamModel, at: Date.now() });
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

  /**
   * Earlier reasoning the serving model gets back, but that could not be opened (translate/messages.ts): the model
   * continues without it, so the response says so (`metadata.opencode_bridge_reasoning_lost`) and the log warns.
   */
  #showReasoningLoss(model: ResolvedModel, notes: readonly TranslationNote[]): void {
    const lost = notes.filter((note) => note.kind === 'reasoning_lost');
    if (lost.length === 0) return;
    const otherKey = lost.some((note) => note.detail.includes(SEALED_UNDER_ANOTHER_KEY));
    const text =
      `${lost.length} earlier turn(s) sent to ${model.upstreamModel} without their reasoning, which could not be opened` +
      (otherKey
        ? ": it was sealed under another key (the bridge's state directory was replaced or lost)"
        : ': it was not sealed by this bridge');
    this.translator.addMetadata({ opencode_bridge_reasoning_lost: metadataValue(text) });
  }
}
