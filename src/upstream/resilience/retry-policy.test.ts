import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../errors.ts';
import { isModelFailure, isRetryable, warrantsFallback } from './retry-policy.ts';

const error = (code: string, status = 502) => new BridgeError({ status, code, message: code });

describe('retry policy', () => {
  it.each([
    'upstream_unreachable',
    'upstream_disconnected',
    'upstream_error',
    'upstream_first_byte_timeout',
    'upstream_idle_timeout',
    'upstream_timeout',
    'upstream_invalid_chunk',
  ])('counts %s against the model (its breaker)', (code) => {
    expect(isModelFailure(error(code))).toBe(true);
  });

  it('retries a rate limit and falls back from it, but never counts it against the model', () => {
    const limited = error('rate_limit_exceeded', 429);
    expect(isRetryable(limited)).toBe(true);
    expect(warrantsFallback(limited)).toBe(true);
    expect(isModelFailure(limited)).toBe(false);
  });

  it('falls back from a spent usage quota without counting it against the model', () => {
    const quota = error('insufficient_quota', 429);
    expect(warrantsFallback(quota)).toBe(true);
    expect(isModelFailure(quota)).toBe(false);
  });

  it.each([
    ['upstream_invalid_request', 400],
    ['context_length_exceeded', 400],
    ['bridge_busy', 429],
    ['request_deadline_exceeded', 504],
    ['circuit_open', 503],
  ])('does not count %s against the model', (code, status) => {
    expect(isModelFailure(error(code, status))).toBe(false);
  });
});
