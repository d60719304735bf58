/**
 * One call to one upstream model, with everything that must be undone when it ends: its concurrency slot, its
 * timers (first byte, idle, whole call, request deadline) and its socket. `finish()` releases all of them and tells
 * the circuit breaker how it went; it is idempotent, so every exit path can call it.
 */
import { asBridgeError, BridgeError } from '../errors.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import { type OpenedChatStream, UpstreamStreamError } from '../upstream/chat-client.ts';
import type { ChatChunk } from '../upstream/chat-types.ts';
import type { Slot } from '../upstream/resilience/limiter.ts';
import { isModelFailure } from '../upstream/resilience/retry-policy.ts';
import type { BridgeDeps } from './deps.ts';
import { ADAPTERS, type UpstreamTranslation } from './wire-adapters.ts';

export type AttemptOutcome = 'success' | 'failure' | 'abandoned';

function timeoutError(code: string, what: string, seconds: number): BridgeError {
  return new BridgeError({
    status: 504,
    code,
    type: 'upstream_error',
    message: `${what} (${seconds}s).`,
  });
}

export class UpstreamAttempt {
  readonly model: ResolvedModel;
  readonly translation: UpstreamTranslation;
  readonly startedAt = Date.now();
  readonly #deps: BridgeDeps;
  readonly #sessionId: string;
  readonly #abort = new AbortController();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #unlink: () => void;
  readonly #watch: RunWatch;
  #slot: Slot | undefined;
  #opened: OpenedChatStream | undefined;
  #idle: NodeJS.Timeout | undefined;
  #firstByte: NodeJS.Timeout | undefined;
  #finished = false;
  #sawChunk = false;
  #sentAt: number | undefined;

  constructor(
    deps: BridgeDeps,
    model: ResolvedModel,
    translation: UpstreamTranslation,
    sessionId: string,
    runSignal: AbortSignal,
    deadlineAt: number,
    watch: RunWatch,
  ) {
    this.#deps = deps;
    this.#watch = watch;
    this.model = model;
    this.translation = translation;
    this.#sessionId = sessionId;
    const onRunAbort = () => this.#abort.abort(runSignal.reason);
    runSignal.addEventListener('abort', onRunAbort, { once: true });
    this.#unlink = () => runSignal.removeEventListener('abort', onRunAbort);
    const deadlineSeconds = deps.config.resilience.timeouts.requestDeadlineSeconds;
    this.#timer(Math.max(0, deadlineAt - Date.now()), () =>
      timeoutError(
        'request_deadline_exceeded',
        'The request ran past REQUEST_DEADLINE_SECONDS',
        deadlineSeconds,
      ),
    );
  }

  get waitedMs(): number {
    return this.#slot?.waitedMs ?? 0;
  }

  get sawDone(): boolean {
    return this.#opened?.sawDone ?? false;
  }

  /** Waits for a concurrency slot, then sends the request; resolves when the upstream accepted it. */
  async open(): Promise<void> {
    const { limiter, config } = this.#deps;
    const { timeouts } = config.resilience;
    this.#watch.onState({ phase: 'queued', model: this.model.upstreamModel, at: Date.now() });
    this.#slot = await limiter.acquire(this.model.upstreamModel, this.#abort.signal);
    this.#watch.onState({ phase: 'waiting_upstream', model: this.model.upstreamModel, at: Date.now() });
    this.#timer(timeouts.upstreamSeconds * 1000, () =>
      timeoutError(
        'upstream_timeout',
        'The upstream call took longer than UPSTREAM_TIMEOUT_SECONDS',
        timeouts.upstreamSeconds,
      ),
    );
    this.#firstByte = this.#timer(timeouts.firstByteSeconds * 1000, () =>
      timeoutError(
        'upstream_first_byte_timeout',
        'The upstream sent nothing within UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS',
        timeouts.firstByteSeconds,
      ),
    );
    this.#sentAt = Date.now();
    this.#opened = await ADAPTERS[this.translation.wire].open(this.#deps.upstreamClient, this.translation, {
      sessionId: this.#sessionId,
      signal: this.#abort.signal,
      model: this.model.requested,
    });
  }

  /** The upstream's chunks, a socket read at a time; any chunk (reasoning included) counts as activity. */
  async *batches(): AsyncGenerator<ChatChunk[]> {
    const opened = this.#opened;
    if (!opened) throw new Error('UpstreamAttempt.batches() before open()');
    const idleSeconds = this.#deps.config.resilience.timeouts.idleSeconds;
    const idleError = () =>
      timeoutError(
        'upstream_idle_timeout',
        'The upstream went silent for longer than UPSTREAM_IDLE_TIMEOUT_SECONDS',
        idleSeconds,
      );
    for await (const batch of opened.batches) {
      if (!this.#sawChunk) {
        this.#sawChunk = true;
        clearTimeout(this.#firstByte);
        const seconds = (Date.now() - (this.#sentAt ?? Date.now())) / 1000;
        this.#deps.metrics.upstreamFirstByte.observe({ model: this.model.upstreamModel }, seconds);
      }
      // Re-armed rather than recreated on every batch: a timer per chunk costs more than the chunk.
      if (this.#idle) this.#idle.refresh();
      else {
        this.#idle = setTimeout(() => this.#abort.abort(idleError()), idleSeconds * 1000);
        this.#idle.unref();
      }
      yield batch;
    }
  }

  /** The error an attempt failed with; a timeout's own error rather than the abort it caused. */
  failure(error: unknown): BridgeError {
    const reason = this.#abort.signal.aborted ? this.#abort.signal.reason : undefined;
    if (reason instanceof BridgeError) return reason;
    if (error instanceof UpstreamStreamError) return error.toBridgeError();
    return asBridgeError(error);
  }

  /** Cancels the upstream call (if still running) and releases everything. */
  finish(outcome: AttemptOutcome, error?: BridgeError): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const timer of this.#timers) clearTimeout(timer);
    clearTimeout(this.#idle);
    this.#unlink();
    // A completed call has nothing left to cancel; anything else may still hold a socket or a queue place.
    if (outcome !== 'success' && !this.#abort.signal.aborted)
      this.#abort.abort(new Error('upstream attempt ended'));
    this.#slot?.release();
    if (this.#sentAt !== undefined) {
      const seconds = (Date.now() - this.#sentAt) / 1000;
      this.#deps.metrics.upstreamDuration.observe({ model: this.model.upstreamModel, outcome }, seconds);
    }
    const breaker = this.#deps.breakers.for(this.model.upstreamModel);
    if (outcome === 'success') breaker.onSuccess();
    else if (outcome === 'failure' && error && isModelFailure(error))
      breaker.onFailure(Date.now(), error.code);
    else breaker.onAbandon();
  }

  #timer(ms: number, makeError: () => BridgeError): NodeJS.Timeout {
    const timer = setTimeout(() => this.#abort.abort(makeError()), ms);
    timer.unref();
    this.#timers.push(timer);
    return timer;
  }
}
