import { describe, expect, it } from 'vitest';
import { OTHER_LABEL } from '../../bounded-labels.ts';
import { BreakerRegistry, CircuitBreaker, MAX_OTHER_BREAKERS } from './circuit-breaker.ts';

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

describe('BreakerRegistry', () => {
  it('stays bounded whatever model ids clients send: later unknown ids share one breaker', () => {
    const registry = new BreakerRegistry(2, 1000, ['kimi-k2.6']);
    for (let index = 0; index < 1000; index += 1) registry.for(`made-up-${index}`).onSuccess();
    registry.for('kimi-k2.6');
    const names = Object.keys(registry.snapshot(0));
    expect(names).toHaveLength(MAX_OTHER_BREAKERS + 2);
    expect(names).toContain('kimi-k2.6');
    expect(names).toContain('made-up-0');
    expect(names).toContain(OTHER_LABEL);
    expect(names).not.toContain(`made-up-${MAX_OTHER_BREAKERS}`);
  });

  it('gives each known model and each early unknown id its own breaker', () => {
    const registry = new BreakerRegistry(1, 1000, ['kimi-k2.6']);
    for (let index = 0; index < 100; index += 1) registry.for(`made-up-${index}`);
    registry.for('kimi-k2.6').onFailure(0);
    registry.for('made-up-1').onFailure(0);
    expect(registry.for('kimi-k2.6').state(1)).toBe('open');
    expect(registry.for('made-up-1').state(1)).toBe('open');
    expect(registry.for('made-up-2').state(1)).toBe('closed');
    // Folded ids are one breaker: one failing opens it for every later newcomer.
    registry.for('made-up-98').onFailure(0);
    expect(registry.for('made-up-99').state(1)).toBe('open');
    expect(registry.snapshot(1)[OTHER_LABEL]?.state).toBe('open');
  });
});
