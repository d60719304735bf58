import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../errors.ts';
import { ConcurrencyLimiter, type LimiterSettings } from './limiter.ts';

const settings = (overrides: Partial<LimiterSettings> = {}): LimiterSettings => ({
  globalCap: 2,
  modelCaps: { pro: 1 },
  maxQueueLength: 10,
  maxWaitMs: 10_000,
  ...overrides,
});
const never = () => new AbortController().signal;

describe('ConcurrencyLimiter', () => {
  it('grants at once while under both caps', async () => {
    const limiter = new ConcurrencyLimiter(settings());
    await limiter.acquire('flash', never());
    await limiter.acquire('flash', never());
    expect(limiter.stats().active).toBe(2);
  });

  it('queues over the per-model cap and serves the waiter when a slot is released', async () => {
    const limiter = new ConcurrencyLimiter(settings());
    const first = await limiter.acquire('pro', never());
    let granted = false;
    const second = limiter.acquire('pro', never()).then((slot) => {
      granted = true;
      return slot;
    });
    await Promise.resolve();
    expect(granted).toBe(false);
    expect(limiter.stats().queued).toBe(1);
    first.release();
    (await second).release();
    expect(granted).toBe(true);
    expect(limiter.stats()).toMatchObject({ active: 0, queued: 0, maxActiveByModelObserved: { pro: 1 } });
  });

  it('does not let a blocked model hold up a different model queued behind it', async () => {
    const limiter = new ConcurrencyLimiter(settings({ globalCap: 3 }));
    await limiter.acquire('pro', never());
    const blocked = limiter.acquire('pro', never());
    const other = await limiter.acquire('flash', never());
    expect(other).toBeDefined();
    expect(limiter.stats().queued).toBe(1);
    void blocked;
  });

  it('serves waiters first come, first served', async () => {
    const limiter = new ConcurrencyLimiter(settings({ globalCap: 1, modelCaps: {} }));
    const holder = await limiter.acquire('a', never());
    const order: string[] = [];
    const waiters = ['a', 'b', 'c'].map((model) =>
      limiter.acquire(model, never()).then((slot) => {
        order.push(model);
        slot.release();
      }),
    );
    holder.release();
    await Promise.all(waiters);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('rejects with a 429 and Retry-After when the queue is full', async () => {
    const limiter = new ConcurrencyLimiter(settings({ globalCap: 1, maxQueueLength: 1 }));
    await limiter.acquire('a', never());
    void limiter.acquire('a', never());
    const error = await limiter.acquire('a', never()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: expect.any(Number) });
  });

  it('rejects a waiter that waited longer than the queue timeout', async () => {
    const limiter = new ConcurrencyLimiter(settings({ globalCap: 1, maxWaitMs: 20 }));
    await limiter.acquire('a', never());
    const error = await limiter.acquire('a', never()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, code: 'bridge_busy' });
    expect(limiter.stats().queued).toBe(0);
  });

  it('removes an aborted waiter from the queue', async () => {
    const limiter = new ConcurrencyLimiter(settings({ globalCap: 1 }));
    await limiter.acquire('a', never());
    const controller = new AbortController();
    const waiting = limiter.acquire('a', controller.signal);
    controller.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
    expect(limiter.stats().queued).toBe(0);
  });

  it('releases a slot only once even if release is called twice', async () => {
    const limiter = new ConcurrencyLimiter(settings());
    const slot = await limiter.acquire('flash', never());
    await limiter.acquire('flash', never());
    slot.release();
    slot.release();
    expect(limiter.stats().active).toBe(1);
  });
});
