import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

describe('CircuitBreaker', () => {
  it('stays closed below the failure threshold and resets on success', () => {
    const breaker = new CircuitBreaker(2, 1000);
    breaker.onFailure(0);
    breaker.onSuccess();
    breaker.onFailure(0);
    expect(breaker.state(0)).toBe('closed');
  });

  it('opens after the threshold of consecutive failures and refuses requests', () => {
    const breaker = new CircuitBreaker(2, 1000);
    breaker.onFailure(0);
    breaker.onFailure(10);
    expect(breaker.state(10)).toBe('open');
    expect(breaker.tryPass(500)).toBe(false);
  });

  it('lets exactly one probe through after the cooldown (half-open)', () => {
    const breaker = new CircuitBreaker(1, 1000);
    breaker.onFailure(0);
    expect(breaker.state(1000)).toBe('half_open');
    expect(breaker.tryPass(1000)).toBe(true);
    expect(breaker.tryPass(1001)).toBe(false);
  });

  it('closes when the probe succeeds', () => {
    const breaker = new CircuitBreaker(1, 1000);
    breaker.onFailure(0);
    breaker.tryPass(1000);
    breaker.onSuccess();
    expect(breaker.state(1000)).toBe('closed');
    expect(breaker.tryPass(1000)).toBe(true);
  });

  it('reopens for another cooldown when the probe fails', () => {
    const breaker = new CircuitBreaker(3, 1000);
    for (const at of [0, 1, 2]) breaker.onFailure(at);
    breaker.tryPass(1002);
    breaker.onFailure(1500);
    expect(breaker.state(1600)).toBe('open');
    expect(breaker.snapshot(1600).retryAt).toBe(2500);
  });

  it('lets a new probe through when the previous one was abandoned', () => {
    const breaker = new CircuitBreaker(1, 1000);
    breaker.onFailure(0);
    breaker.tryPass(1000);
    breaker.onAbandon();
    expect(breaker.tryPass(1001)).toBe(true);
  });

  it('remembers the failure that counted last, and forgets it on success', () => {
    const breaker = new CircuitBreaker(2, 1000);
    breaker.onFailure(0, 'upstream_error');
    breaker.onFailure(1, 'upstream_idle_timeout');
    expect(breaker.snapshot(1)).toMatchObject({
      state: 'open',
      lastFailure: 'upstream_idle_timeout',
      retryAt: 1001,
    });
    breaker.tryPass(1001);
    breaker.onSuccess();
    expect(breaker.snapshot(1001).lastFailure).toBeUndefined();
  });
});
