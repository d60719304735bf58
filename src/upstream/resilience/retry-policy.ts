/**
 * When to try an upstream call again, and how long to wait first: exponential backoff with full jitter, or the
 * upstream's Retry-After when it gave one, capped so a request never sleeps past its budget.
 */
import type { BridgeError } from '../../errors.ts';

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  /** Longest Retry-After the bridge will honour by waiting; longer ones fail (or fall back) at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 250, maxMs: 8_000, maxRetryAfterMs: 30_000 };

/** Failures worth another try at the same model: the upstream may well answer next time. */
const RETRYABLE_CODES = new Set([
  'upstream_unreachable',
  'upstream_disconnected',
  'upstream_error',
  'upstream_first_byte_timeout',
  'upstream_idle_timeout',
  'upstream_timeout',
  'upstream_invalid_chunk',
  'rate_limit_exceeded',
]);

export function isRetryable(error: BridgeError): boolean {
  return RETRYABLE_CODES.has(error.code);
}

/** Failures that mean "this model cannot serve now": worth trying the next model in the fallback chain. */
export function warrantsFallback(error: BridgeError): boolean {
  return (
    isRetryable(error) ||
    error.code === 'insufficient_quota' ||
    error.code === 'circuit_open' ||
    error.code === 'model_not_found'
  );
}

/**
 * Failures that say the model is unhealthy, which is what a circuit breaker counts. A rate limit or a spent usage
 * quota is the upstream answering (and saying when to come back), not failing: it is waited out or falls back,
 * and never opens a breaker (that would turn a one-second Retry-After into a whole cooldown of 503s).
 */
export function isModelFailure(error: BridgeError): boolean {
  return isRetryable(error) && error.code !== 'rate_limit_exceeded';
}

/** Delay before retry number `attempt` (1-based); undefined when Retry-After asks for longer than we will wait. */
export function retryDelayMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  settings: BackoffSettings = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms <= settings.maxRetryAfterMs ? ms : undefined;
  }
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
