/**
 * Upstream failures reach the client as something it can act on: HTTP errors before the stream starts
 * (a 429 always with Retry-After), `response.failed` with a Codex-understood code after it started, and exactly
 * one terminal event whatever the upstream does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contextOverflow,
  cutAfter,
  garbageAfter,
  goUsageLimit,
  modelError,
  rateLimited,
  serverError,
  stream,
} from '../mock-upstream/index.ts';
import { postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';

/** Retries, fallbacks and the breaker are off here, so each upstream reply maps to exactly one client outcome. */
const NO_RESILIENCE = {
  UPSTREAM_RETRIES: '0',
  FALLBACK_MODEL_MAP_JSON: '{}',
  CIRCUIT_BREAKER_ERRORS: '1000',
};

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge({ env: NO_RESILIENCE });
});
afterAll(() => t.close());

const ask = (model = 'ocg-deepseek-v4-pro') => postResponses(t.baseUrl, { model, input: 'hi', stream: true });

describe('upstream errors before any output', () => {
  it('turns a provider rate limit into 429 rate_limit_exceeded with Retry-After', async () => {
    t.upstream.enqueue(rateLimited(7));
    const { status, headers, json } = await ask();
    expect(status).toBe(429);
    expect(headers.get('retry-after')).toBe('7');
    expect(json.error.code).toBe('rate_limit_exceeded');
    expect(json.error.message).toMatch(/try again in 7s/);
  });

  it('adds a Retry-After to a 429 that came without one', async () => {
    t.upstream.enqueue(rateLimited());
    const { status, headers } = await ask();
    expect(status).toBe(429);
    expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('turns an OpenCode Go usage limit into insufficient_quota with the reset time', async () => {
    t.upstream.enqueue(goUsageLimit('5-hour usage limit reached. Resets in 2hr 3min'));
    const { status, json } = await ask();
    expect(status).toBe(429);
    expect(json.error.code).toBe('insufficient_quota');
    expect(json.error.message).toContain('Resets in 2hr 3min');
  });

  it('turns a context overflow into context_length_exceeded', async () => {
    t.upstream.enqueue(contextOverflow());
    const { status, json } = await ask();
    expect(status).toBe(400);
    expect(json.error.code).toBe('context_length_exceeded');
  });

  it('turns an upstream 500 into a 502 that names the upstream', async () => {
    t.upstream.enqueue(serverError(500));
    const { status, json } = await ask();
    expect(status).toBe(502);
    expect(json.error.code).toBe('upstream_error');
    expect(json.error.message).toContain('HTTP 500');
  });

  it('turns a model the upstream does not serve into model_not_found', async () => {
    t.upstream.enqueue(modelError('deepseek-v4-pro'));
    const { status, json } = await ask();
    expect(status).toBe(400);
    expect(json.error.code).toBe('model_not_found');
  });

  it('reports an unreachable upstream as 502 upstream_unreachable', async () => {
    const dead = await startTestBridge({
      env: { ...NO_RESILIENCE, OPENCODE_GO_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    try {
      const { status, json } = await postResponses(dead.baseUrl, {
        model: 'ocg-deepseek-v4-pro',
        input: 'hi',
        stream: true,
      });
      expect(status).toBe(502);
      expect(json.error.code).toBe('upstream_unreachable');
    } finally {
      await dead.close();
    }
  });
});

describe('upstream failures after output started', () => {
  it('ends a stream cut mid-answer with one response.failed (server_error, so Codex retries)', async () => {
    t.upstream.enqueue(cutAfter(3, stream({ text: 'a long answer that will be cut', chunkSize: 3 })));
    const { status, events } = await ask();
    expect(status).toBe(200);
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { error: { code: 'server_error' } },
    });
    expect(events.filter((event) => event.type === 'response.output_item.done')).toEqual([]);
  });

  it('answers a non-streaming request whose upstream breaks mid-answer with an HTTP error, not a 200', async () => {
    t.upstream.enqueue(cutAfter(3, stream({ text: 'a long answer that will be cut', chunkSize: 3 })));
    const { status, json } = await postResponses(t.baseUrl, { model: 'ocg-deepseek-v4-pro', input: 'hi' });
    expect(status).toBe(502);
    expect(json.error.code).toBe('upstream_disconnected');
  });

  it('ends a stream that carries garbage with one response.failed naming the problem', async () => {
    t.upstream.enqueue(garbageAfter(2, 'this is not json', stream({ text: 'hello world', chunkSize: 2 })));
    const { events } = await ask();
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)?.type).toBe('response.failed');
    expect(events.at(-1)?.response.error.message).toContain('not a JSON object');
  });

  it('reports an upstream that dies before the first chunk after the stream was committed', async () => {
    const slow = await startTestBridge({ env: { ...NO_RESILIENCE, SSE_UPSTREAM_HEARTBEAT_SECONDS: '0.05' } });
    try {
      slow.upstream.enqueue(cutAfter(0, stream({ text: 'never sent', delayMs: 200 })));
      const { events } = await postResponses(slow.baseUrl, {
        model: 'ocg-deepseek-v4-pro',
        input: 'hi',
        stream: true,
      });
      expect(eventViolations(events)).toEqual([]);
      expect(events.at(-1)?.type).toBe('response.failed');
    } finally {
      await slow.close();
    }
  });
});
