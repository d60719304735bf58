/**
 * Upstream concurrency caps: one global cap and one per model. Requests over a cap wait in one FIFO queue; a
 * waiter is served as soon as both its model and the global cap have room (a blocked model does not hold up
 * others behind it). The queue is bounded in length and in wait time; past either bound the caller gets a 429
 * with Retry-After. Every slot is released exactly once, whatever the exit path.
 */
import { BridgeError } from '../../errors.ts';

export interface LimiterSettings {
  globalCap: number;
  /** Per-model caps by upstream model id; models not listed are bounded by the global cap only. */
  modelCaps: Readonly<Record<string, number>>;
  maxQueueLength: number;
  maxWaitMs: number;
}

export interface Slot {
  release(): void;
  /** How long the request waited in the queue. */
  readonly waitedMs: number;
}

interface Waiter {
  model: string;
  enqueuedAt: number;
  grant: (slot: Slot) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

export interface LimiterStats {
  active: number;
  activeByModel: Record<string, number>;
  queued: number;
  maxActiveObserved: number;
  maxActiveByModelObserved: Record<string, number>;
}

export class ConcurrencyLimiter {
  readonly #settings: LimiterSettings;
  readonly #queue: Waiter[] = [];
  readonly #activeByModel = new Map<string, number>();
  #active = 0;
  #maxActive = 0;
  readonly #maxByModel = new Map<string, number>();

  constructor(settings: LimiterSettings) {
    this.#settings = settings;
  }

  acquire(model: string, signal: AbortSignal): Promise<Slot> {
    if (signal.aborted) return Promise.reject(signal.reason);
    // Room now, and nobody waiting who could take it first: no queueing at all.
    if (this.#hasRoom(model) && !this.#queue.some((waiter) => this.#hasRoom(waiter.model))) {
      return Promise.resolve(this.#take(model, 0));
    }
    if (this.#queue.length >= this.#settings.maxQueueLength) {
      return Promise.reject(
        this.#busy(`the queue is full (${this.#settings.maxQueueLength} waiting)`, model),
      );
    }
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        model,
        enqueuedAt: Date.now(),
        grant: resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        },
      };
      const remove = () => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        waiter.cleanup();
      };
      const onAbort = () => {
        remove();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        remove();
        reject(this.#busy(`it waited ${Math.round(this.#settings.maxWaitMs / 1000)}s in the queue`, model));
        this.#dispatch();
      }, this.#settings.maxWaitMs);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#dispatch();
    });
  }

  stats(): LimiterStats {
    return {
      active: this.#active,
      activeByModel: Object.fromEntries(this.#activeByModel),
      queued: this.#queue.length,
      maxActiveObserved: this.#maxActive,
      maxActiveByModelObserved: Object.fromEntries(this.#maxByModel),
    };
  }

  capFor(model: string): number {
    return this.#settings.modelCaps[model] ?? this.#settings.globalCap;
  }

  #hasRoom(model: string): boolean {
    return (
      this.#active < this.#settings.globalCap && (this.#activeByModel.get(model) ?? 0) < this.capFor(model)
    );
  }

  #take(model: string, waitedMs: number): Slot {
    this.#active += 1;
    const modelActive = (this.#activeByModel.get(model) ?? 0) + 1;
    this.#activeByModel.set(model, modelActive);
    this.#maxActive = Math.max(this.#maxActive, this.#active);
    this.#maxByModel.set(model, Math.max(this.#maxByModel.get(model) ?? 0, modelActive));
    let released = false;
    return {
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        this.#active -= 1;
        const left = (this.#activeByModel.get(model) ?? 1) - 1;
        if (left === 0) this.#activeByModel.delete(model);
        else this.#activeByModel.set(model, left);
        this.#dispatch();
      },
    };
  }

  #dispatch(): void {
    for (let index = 0; index < this.#queue.length && this.#active < this.#settings.globalCap; ) {
      const waiter = this.#queue[index] as Waiter;
      if (!this.#hasRoom(waiter.model)) {
        index += 1;
        continue;
      }
      this.#queue.splice(index, 1);
      waiter.cleanup();
      waiter.grant(this.#take(waiter.model, Date.now() - waiter.enqueuedAt));
    }
  }

  #busy(why: string, model: string): BridgeError {
    const retryAfterSeconds = 5;
    // Not retried inside the bridge (that would only queue again): the client retries after Retry-After.
    return new BridgeError({
      status: 429,
      code: 'bridge_busy',
      type: 'rate_limit_error',
      message:
        `The bridge is at its upstream concurrency limit for ${model} and ${why}. ` +
        `Please try again in ${retryAfterSeconds}s (MAX_GLOBAL_UPSTREAM_CONCURRENCY / MODEL_CONCURRENCY_JSON raise the caps).`,
      retryAfterSeconds,
    });
  }
}
