/**
 * Which upstream call to make next, after the last one failed before any output: the same model again (with
 * backoff, honouring Retry-After), the next model of the fallback chain, or nothing (give up with the last error).
 * Pure: the breaker check, the clock and the randomness come in as arguments.
 */
import { BridgeError } from '../../errors.ts';
import { type BackoffSettings, isRetryable, retryDelayMs, warrantsFallback } from './retry-policy.ts';

export interface PlanState {
  chain: readonly string[];
  index: number;
  /** Calls made to the current model so far. */
  callsOnModel: number;
}

export type PlanStep =
  | { kind: 'call'; model: string; delayMs: number; reason: 'first' | 'retry' | 'fallback' }
  | { kind: 'give_up'; error: BridgeError };

export interface PlanContext {
  retries: number;
  backoff: BackoffSettings;
  /** Asks the model's circuit breaker for a pass (this may claim the half-open probe). */
  breakerPasses(model: string): boolean;
  /** When the model's open breaker lets a probe through (ms since epoch); undefined when it is not open. */
  breakerRetryAt(model: string): number | undefined;
  now: number;
  deadlineAt: number;
  random?: () => number;
}

export function initialPlan(chain: readonly string[]): PlanState {
  return { chain, index: -1, callsOnModel: 0 };
}

/**
 * Every breaker of the chain refused. The wait the client is told is the time until the first of them lets a probe
 * through, so a retry after it is actually let through (a half-open breaker whose probe is still running: 1s).
 */
function circuitOpenError(chain: readonly string[], context: PlanContext): BridgeError {
  const reopensAt = Math.min(...chain.map((model) => context.breakerRetryAt(model) ?? context.now));
  const seconds = Math.max(1, Math.ceil((reopensAt - context.now) / 1000));
  return new BridgeError({
    status: 503,
    code: 'circuit_open',
    type: 'upstream_error',
    message: `Every model for this request is failing right now (${chain.join(', ')}): their circuit breakers are open after repeated upstream failures. Please try again in ${seconds}s.`,
    retryAfterSeconds: seconds,
  });
}

function firstPassingFrom(state: PlanState, start: number, context: PlanContext): number {
  for (let index = start; index < state.chain.length; index++) {
    if (context.breakerPasses(state.chain[index] as string)) return index;
  }
  return -1;
}

export function nextStep(
  state: PlanState,
  lastError: BridgeError | undefined,
  context: PlanContext,
): [PlanStep, PlanState] {
  if (!lastError) {
    const index = firstPassingFrom(state, 0, context);
    if (index === -1) return [{ kind: 'give_up', error: circuitOpenError(state.chain, context) }, state];
    return [
      {
        kind: 'call',
        model: state.chain[index] as string,
        delayMs: 0,
        reason: index === 0 ? 'first' : 'fallback',
      },
      { ...state, index, callsOnModel: 1 },
    ];
  }
  if (!isRetryable(lastError) && !warrantsFallback(lastError))
    return [{ kind: 'give_up', error: lastError }, state];

  if (isRetryable(lastError) && state.callsOnModel <= context.retries) {
    const delayMs = retryDelayMs(
      state.callsOnModel,
      lastError.retryAfterSeconds,
      context.backoff,
      context.random,
    );
    const model = state.chain[state.index] as string;
    if (delayMs !== undefined && context.now + delayMs < context.deadlineAt && context.breakerPasses(model)) {
      return [
        { kind: 'call', model, delayMs, reason: 'retry' },
        { ...state, callsOnModel: state.callsOnModel + 1 },
      ];
    }
  }
  if (warrantsFallback(lastError) && context.now < context.deadlineAt) {
    // The deadline is checked first: asking a breaker may claim its half-open probe.
    const index = firstPassingFrom(state, state.index + 1, context);
    if (index !== -1) {
      return [
        { kind: 'call', model: state.chain[index] as string, delayMs: 0, reason: 'fallback' },
        { ...state, index, callsOnModel: 1 },
      ];
    }
  }
  return [{ kind: 'give_up', error: lastError }, state];
}
