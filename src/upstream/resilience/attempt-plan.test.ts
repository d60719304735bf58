import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../errors.ts';
import { fallbackChain } from '../../models/fallbacks.ts';
import { initialPlan, nextStep, type PlanContext, type PlanState } from './attempt-plan.ts';

const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({
  retries: 2,
  backoff: { baseMs: 100, maxMs: 1000, maxRetryAfterMs: 30_000 },
  breakerPasses: () => true,
  breakerRetryAt: () => undefined,
  now: 0,
  deadlineAt: 60_000,
  random: () => 0.5,
  ...overrides,
});
const error = (code: string, status = 502, retryAfterSeconds?: number) =>
  new BridgeError({
    status,
    code,
    message: code,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });

function steps(state: PlanState, errors: Array<BridgeError | undefined>, ctx = context()) {
  const out = [];
  let current = state;
  for (const err of errors) {
    const [step, next] = nextStep(current, err, ctx);
    out.push(step);
    current = next;
  }
  return out;
}

describe('attempt plan', () => {
  it('retries a transient error on the same model, then falls back down the chain, then gives up', () => {
    const state = initialPlan(['pro', 'kimi']);
    const transient = error('upstream_error');
    const plan = steps(state, [undefined, transient, transient, transient, transient, transient, transient]);
    expect(plan.map((step) => (step.kind === 'call' ? `${step.reason}:${step.model}` : 'give_up'))).toEqual([
      'first:pro',
      'retry:pro',
      'retry:pro',
      'fallback:kimi',
      'retry:kimi',
      'retry:kimi',
      'give_up',
    ]);
  });

  it('backs off exponentially with jitter', () => {
    const plan = steps(initialPlan(['pro']), [undefined, error('upstream_error'), error('upstream_error')]);
    expect(plan.map((step) => (step.kind === 'call' ? step.delayMs : -1))).toEqual([0, 50, 100]);
  });

  it('waits as long as Retry-After asks when that is under the cap', () => {
    const [step] = nextStep(
      { chain: ['pro'], index: 0, callsOnModel: 1 },
      error('rate_limit_exceeded', 429, 7),
      context(),
    );
    expect(step).toMatchObject({ kind: 'call', model: 'pro', delayMs: 7000 });
  });

  it('falls back at once when Retry-After is longer than the cap', () => {
    const [step] = nextStep(
      { chain: ['pro', 'kimi'], index: 0, callsOnModel: 1 },
      error('rate_limit_exceeded', 429, 3600),
      context(),
    );
    expect(step).toMatchObject({ kind: 'call', model: 'kimi', reason: 'fallback' });
  });

  it('falls back without retrying when the usage limit is reached', () => {
    const [step] = nextStep(
      { chain: ['pro', 'kimi'], index: 0, callsOnModel: 1 },
      error('insufficient_quota', 429),
      context(),
    );
    expect(step).toMatchObject({ kind: 'call', model: 'kimi', reason: 'fallback' });
  });

  it('gives up at once on an invalid request', () => {
    const invalid = error('upstream_invalid_request', 400);
    const [step] = nextStep({ chain: ['pro', 'kimi'], index: 0, callsOnModel: 1 }, invalid, context());
    expect(step).toEqual({ kind: 'give_up', error: invalid });
  });

  it('skips a model whose breaker is open', () => {
    const [step] = nextStep(
      initialPlan(['pro', 'kimi']),
      undefined,
      context({ breakerPasses: (model) => model !== 'pro' }),
    );
    expect(step).toMatchObject({ kind: 'call', model: 'kimi', reason: 'fallback' });
  });

  it('gives up with circuit_open when every breaker is open', () => {
    const [step] = nextStep(initialPlan(['pro', 'kimi']), undefined, context({ breakerPasses: () => false }));
    expect(step).toMatchObject({ kind: 'give_up', error: { code: 'circuit_open', status: 503 } });
  });

  it('tells the client to come back when the first breaker of the chain lets a probe through', () => {
    const reopen: Record<string, number> = { pro: 300_000, kimi: 42_500 };
    const [step] = nextStep(
      initialPlan(['pro', 'kimi']),
      undefined,
      context({ now: 1_000, breakerPasses: () => false, breakerRetryAt: (model) => reopen[model] }),
    );
    expect(step).toMatchObject({ kind: 'give_up', error: { code: 'circuit_open', retryAfterSeconds: 42 } });
    expect(step.kind === 'give_up' && step.error.message).toContain('try again in 42s');
  });

  it('asks for a short wait when a breaker is half-open with its probe still running', () => {
    const [step] = nextStep(
      initialPlan(['pro']),
      undefined,
      context({ now: 5_000, breakerPasses: () => false, breakerRetryAt: () => 4_000 }),
    );
    expect(step).toMatchObject({ kind: 'give_up', error: { retryAfterSeconds: 1 } });
  });

  it('waits out every rate limit it is allowed to retry, then gives up with the rate limit itself', () => {
    const limited = error('rate_limit_exceeded', 429, 1);
    const plan = steps(initialPlan(['flash']), [undefined, limited, limited, limited]);
    expect(
      plan.map((step) => (step.kind === 'call' ? `${step.reason}:${step.delayMs}` : step.error.code)),
    ).toEqual(['first:0', 'retry:1000', 'retry:1000', 'rate_limit_exceeded']);
  });

  it('does not plan a retry that would end after the request deadline', () => {
    const late = context({ now: 59_990, deadlineAt: 60_000 });
    const [step] = nextStep({ chain: ['pro'], index: 0, callsOnModel: 1 }, error('upstream_error'), late);
    expect(step.kind).toBe('give_up');
  });
});

describe('fallbackChain', () => {
  it('follows links transitively without repeats', () => {
    expect(fallbackChain('a', { a: ['b'], b: ['c', 'a'] })).toEqual(['a', 'b', 'c']);
  });
  it('is just the model when it has no fallbacks', () => {
    expect(fallbackChain('x', { a: ['b'] })).toEqual(['x']);
  });
});
