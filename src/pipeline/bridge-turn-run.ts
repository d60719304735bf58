/**
 * A turn the bridge answers itself (no model called), as a run the responder writes like a model's: the events are
 * known at once (modes/bridge-turn.ts), so `open()` has nothing to wait for and `events()` yields them in one batch.
 * Once it ends it is stored when the request asks for it, counted in the metrics under the bridge's name, and
 * logged in one line saying what the bridge did.
 */
import { asBridgeError, type BridgeError, toResponseFailure } from '../errors.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import { bridgeTurnEvents } from '../modes/bridge-turn.ts';
import type { ModePlan } from '../modes/plan-mode.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import { echoOf, newResponseId } from '../responses/echo.ts';
import type { ResponseEvent, ResponseEventBody, ResponseObject } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type { BridgeDeps } from './deps.ts';
import type { ResponseRun } from './response-run.ts';
import { endOfResponse } from './run-events.ts';
import { ownInput } from './stored-conversation.ts';

export interface BridgeTurnContext {
  request: ResponsesRequest;
  requestId: string;
  model: ResolvedModel;
  watch: RunWatch;
}

/** created and in_progress: the events `start()` sends before the answer. */
const OPENING_EVENTS = 2;

export class BridgeTurnRun implements ResponseRun {
  readonly #deps: BridgeDeps;
  readonly #plan: Extract<ModePlan, { kind: 'bridge_turn' }>;
  readonly #context: BridgeTurnContext;
  readonly #startedAt = Date.now();
  readonly #events: readonly ResponseEvent[];
  readonly #answer: ResponseObject;
  /** Events are numbered as they go out, so a heartbeat between them keeps the sequence. */
  #sequence = 0;
  #response: ResponseObject | undefined;
  #error: BridgeError | undefined;
  #aborted = false;

  constructor(
    deps: BridgeDeps,
    plan: Extract<ModePlan, { kind: 'bridge_turn' }>,
    context: BridgeTurnContext,
  ) {
    this.#deps = deps;
    this.#plan = plan;
    this.#context = context;
    const { events, response } = bridgeTurnEvents(plan.turn, {
      responseId: newResponseId(),
      createdAt: Math.floor(this.#startedAt / 1000),
      echo: echoOf(context.request),
    });
    this.#events = events;
    this.#answer = response;
    for (const text of plan.info.decisions) context.watch.onDecision({ source: 'mode', text });
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  start(): ResponseEvent[] {
    return this.#numbered(this.#events.slice(0, OPENING_EVENTS));
  }

  heartbeat(): ResponseEvent {
    // Slim, as a model run's: the echoed tools and instructions went out once with response.created.
    const response = {
      ...this.#answer,
      status: 'in_progress' as const,
      output: [],
      tools: [],
      instructions: null,
    };
    return this.#number({ type: 'response.in_progress', response });
  }

  async *events(): AsyncGenerator<ResponseEvent[]> {
    if (this.finished || this.#aborted) return;
    const answer = this.#numbered(this.#events.slice(OPENING_EVENTS));
    this.#response = this.#answer;
    yield answer;
  }

  failWith(error: unknown): ResponseEvent[] {
    if (this.finished) return [];
    this.#error = asBridgeError(error);
    const failure = toResponseFailure(this.#error);
    const response: ResponseObject = {
      ...this.#answer,
      status: 'failed',
      output: [],
      error: { code: failure.code, message: failure.message },
    };
    this.#response = response;
    return [this.#number({ type: 'response.failed', response })];
  }

  abort(): void {
    this.#aborted = true;
  }

  complete(clientDisconnected: boolean): void {
    const { request, requestId, model, watch } = this.#context;
    const { turn, info } = this.#plan;
    const response = this.#response;
    const disconnected = clientDisconnected || (this.#aborted && !response);
    try {
      if (response?.status === 'completed' && request.store === true)
        this.#deps.store.saveResponse({ response, input: ownInput(request) });
    } catch (error) {
      this.#deps.logger.error({ requestId, err: error }, 'failed to save state');
    }
    const outcome = response?.status ?? (disconnected ? 'client_disconnected' : 'error');
    this.#deps.metrics.responses.inc({ model: model.requested, served_model: turn.model, outcome });
    if (outcome === 'client_disconnected')
      this.#deps.metrics.clientDisconnects.inc({ model: model.requested });
    // Only a turn cut off (the bridge stopping) or left by its client ends otherwise: worth a warning, as for a model.
    this.#deps.logger[outcome === 'completed' ? 'info' : 'warn'](
      {
        requestId,
        responseId: this.#answer.id,
        model: model.requested,
        servedModel: turn.model,
        status: outcome,
        durationMs: Date.now() - this.#startedAt,
        mode: info,
        calls: turn.calls.length > 0 ? turn.calls.map((call) => call.callId) : undefined,
        error: this.#error ? { code: this.#error.code } : undefined,
      },
      'bridge turn (no model called)',
    );
    watch.onEnd(endOfResponse(response, turn.model, this.#error, disconnected, null));
  }

  get finished(): boolean {
    return this.#response !== undefined;
  }

  get response(): ResponseObject | undefined {
    return this.#response;
  }

  get error(): BridgeError | undefined {
    return this.#error;
  }

  get shutdown(): AbortSignal | undefined {
    return this.#deps.shutdown;
  }

  get metrics(): BridgeDeps['metrics'] {
    return this.#deps.metrics;
  }

  #numbered(events: readonly ResponseEventBody[]): ResponseEvent[] {
    return events.map((event) => this.#number(event));
  }

  #number(event: ResponseEventBody): ResponseEvent {
    return { ...event, sequence_number: this.#sequence++ } as ResponseEvent;
  }
}
