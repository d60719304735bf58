/**
 * A circuit breaker per upstream model. After `threshold` consecutive failures it opens and requests skip the
 * model (straight to a fallback). After `cooldownMs` one probe request is let through (half-open): success closes
 * the breaker, failure opens it again for another cooldown. Only real failures count (see isModelFailure); the
 * caller decides which those are.
 */
import { BoundedLabels } from '../../bounded-labels.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** When an open breaker lets a probe through (ms since epoch). */
  retryAt: number | undefined;
  /** What the last counted failure was (an error code), while failures are counting. */
  lastFailure: string | undefined;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  #failures = 0;
  #openedAt: number | undefined;
  #probeInFlight = false;
  #lastFailure: string | undefined;

  constructor(threshold: number, cooldownMs: number) {
    this.#threshold = threshold;
    this.#cooldownMs = cooldownMs;
  }

  state(now = Date.now()): BreakerState {
    if (this.#openedAt === undefined) return 'closed';
    return now - this.#openedAt >= this.#cooldownMs ? 'half_open' : 'open';
  }

  /** Whether a request may use the model now; in half-open state only one probe at a time. */
  tryPass(now = Date.now()): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.#probeInFlight) return false;
    this.#probeInFlight = true;
    return true;
  }

  onSuccess(): void {
    this.#failures = 0;
    this.#lastFailure = undefined;
    this.#openedAt = undefined;
    this.#probeInFlight = false;
  }

  onFailure(now = Date.now(), reason?: string): void {
    this.#failures += 1;
    this.#lastFailure = reason;
    const probeFailed = this.#probeInFlight;
    this.#probeInFlight = false;
    if (probeFailed || this.#failures >= this.#threshold) this.#openedAt = now;
  }

  /** A request that passed but ended without a verdict (client gone): let the next probe through. */
  onAbandon(): void {
    this.#probeInFlight = false;
  }

  snapshot(now = Date.now()): BreakerSnapshot {
    return {
      state: this.state(now),
      consecutiveFailures: this.#failures,
      retryAt: this.#openedAt === undefined ? undefined : this.#openedAt + this.#cooldownMs,
      lastFailure: this.#lastFailure,
    };
  }
}

/** Model ids beyond the known ones that get a breaker of their own; later newcomers share one. */
export const MAX_OTHER_BREAKERS = 32;

/**
 * One breaker per model, bounded as metric labels are (src/bounded-labels.ts): any `ocg-<name>` is a model id, so
 * without a bound a client cycling through ids would grow the registry (and /metrics, and the dashboard) without
 * end. The known models (`knownModels`, the catalog's) always keep their own breaker; the first MAX_OTHER_BREAKERS
 * other ids get theirs; every later one shares the breaker named `(other)`.
 */
export class BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #models: BoundedLabels;
  readonly #threshold: number;
  readonly #cooldownMs: number;

  constructor(threshold: number, cooldownMs: number, knownModels: readonly string[] = []) {
    this.#threshold = threshold;
    this.#cooldownMs = cooldownMs;
    this.#models = new BoundedLabels(knownModels, MAX_OTHER_BREAKERS);
  }

  for(model: string): CircuitBreaker {
    const name = this.#models.label(model);
    let breaker = this.#breakers.get(name);
    if (!breaker) {
      breaker = new CircuitBreaker(this.#threshold, this.#cooldownMs);
      this.#breakers.set(name, breaker);
    }
    return breaker;
  }

  snapshot(now = Date.now()): Record<string, BreakerSnapshot> {
    return Object.fromEntries([...this.#breakers].map(([model, breaker]) => [model, breaker.snapshot(now)]));
  }
}
