/**
 * Fault injection: each upstream fault against the real bridge, asserting what the client sees, how many upstream
 * calls were made, and that no concurrency slot, timer or in-flight upstream request is left behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cutAfter,
  garbageAfter,
  hangBeforeHeaders,
  rateLimited,
  serverError,
  stallAfter,
  stream,
  textReply,
} from '../mock-upstream/index.ts';
import { postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';
import { activeTimers, waitFor } from '../support/wait.ts';

// Timeouts a loaded CI machine never hits by chance; the tests that exercise a timeout set a short one and make
// the fault it must catch last far longer (minutes), so only the timeout can end it.
const FAST = {
  FALLBACK_MODEL_MAP_JSON: '{}',
  CIRCUIT_BREAKER_ERRORS: '1000',
  UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS: '30',
  UPSTREAM_IDLE_TIMEOUT_SECONDS: '30',
  // The stream starts at the upstream's answer, not at a heartbeat: an upstream error stays an HTTP status.
  SSE_UPSTREAM_HEARTBEAT_SECONDS: '30',
};
const SHORT_TIMEOUT = '4';
const LONG_FAULT_MS = 600_000;

let current: TestBridge | undefined;
let timersBefore = 0;

async function bridge(env: Record<string, string> = {}) {
  timersBefore = activeTimers();
  current = await startTestBridge({ env: { ...FAST, ...env } });
  return current;
}

afterEach(async () => {
  const t = current;
  current = undefined;
  if (!t) return;
  // Nothing may be left running once every request has ended.
  await waitFor(() => t.upstream.stats().inFlight === 0, undefined, 'upstream requests to end');
  expect(t.bridge.deps.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  await t.close();
  await waitFor(() => activeTimers() <= timersBefore, undefined, 'timers to be cleared');
});

const ask = (t: TestBridge, model = 'ocg-deepseek-v4-flash') =>
  postResponses(t.baseUrl, { model, input: 'hi', stream: true });
const chatCalls = (t: TestBridge) =>
  t.upstream.requests.filter((request) => request.path.endsWith('/chat/completions'));

describe('retries before any output', () => {
  it('honours Retry-After on a 429 and then succeeds', async () => {
    const t = await bridge();
    t.upstream.enqueue(rateLimited(1), textReply('after the rate limit'));
    const started = Date.now();
    const { status, events } = await ask(t);
    expect(status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(2);
  });

  it('retries 5xx up to UPSTREAM_RETRIES times', async () => {
    const t = await bridge({ UPSTREAM_RETRIES: '2' });
    t.upstream.enqueue(serverError(502), serverError(503), textReply('third time lucky'));
    const { events } = await ask(t);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(3);
  });

  it('gives up after UPSTREAM_RETRIES and reports the last error', async () => {
    const t = await bridge({ UPSTREAM_RETRIES: '1', SSE_UPSTREAM_HEARTBEAT_SECONDS: '5' });
    t.upstream.enqueue(serverError(500), serverError(500), textReply('never used'));
    const { status, json } = await ask(t);
    expect(status).toBe(502);
    expect(json.error.code).toBe('upstream_error');
    expect(chatCalls(t)).toHaveLength(2);
  });

  it('retries a connection reset before headers', async () => {
    const t = await bridge();
    t.upstream.enqueue(hangBeforeHeaders(10), textReply('after the reset'));
    const { events } = await ask(t);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(2);
  });

  it('retries a stall before the first byte once UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS passes', async () => {
    const t = await bridge({ UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS: SHORT_TIMEOUT });
    t.upstream.enqueue(hangBeforeHeaders(LONG_FAULT_MS, textReply('too late')), textReply('on time'));
    const { events } = await ask(t);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(events.at(-1)?.response.output.at(-1).content[0].text).toBe('on time');
    expect(chatCalls(t)).toHaveLength(2);
  });

  it('retries a stream cut before any output item was sent', async () => {
    const t = await bridge();
    t.upstream.enqueue(cutAfter(1, stream({ text: 'lost' })), textReply('recovered'));
    const { events } = await ask(t);
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)?.response.output.at(-1).content[0].text).toBe('recovered');
    expect(chatCalls(t)).toHaveLength(2);
  });

  it('retries a malformed chunk that arrives before any output', async () => {
    const t = await bridge();
    t.upstream.enqueue(garbageAfter(1, '{not json', stream({ text: 'x' })), textReply('clean'));
    const { events } = await ask(t);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(2);
  });
});

describe('failures after output has started are never retried', () => {
  it('ends a stream reset mid-answer with response.failed after one upstream call', async () => {
    const t = await bridge();
    t.upstream.enqueue(
      cutAfter(4, stream({ text: 'partial answer here', chunkSize: 2 })),
      textReply('must not be used'),
    );
    const { events } = await ask(t);
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { error: { code: 'server_error' } },
    });
    expect(chatCalls(t)).toHaveLength(1);
  });

  it('ends a malformed chunk mid-answer with response.failed', async () => {
    const t = await bridge();
    t.upstream.enqueue(garbageAfter(4, 'oops', stream({ text: 'partial answer here', chunkSize: 2 })));
    const { events } = await ask(t);
    expect(events.at(-1)?.type).toBe('response.failed');
    expect(chatCalls(t)).toHaveLength(1);
  });

  it('ends a stream truncated without [DONE] or finish_reason with response.failed', async () => {
    const t = await bridge();
    const truncated = [
      {
        id: 'c',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { role: 'assistant', content: 'half an ans' } }],
      },
    ];
    t.upstream.enqueue({ kind: 'chunks', chunks: truncated, done: false });
    const { events } = await ask(t);
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed' });
    expect(events.at(-1)?.response.error.message).toContain('ended before the model finished');
  });

  it('ends a mid-answer stall as incomplete, saying why, when DEGRADED_COMPLETION_ON_TIMEOUT=1', async () => {
    const t = await bridge({
      DEGRADED_COMPLETION_ON_TIMEOUT: '1',
      UPSTREAM_IDLE_TIMEOUT_SECONDS: SHORT_TIMEOUT,
    });
    t.upstream.enqueue(stallAfter(4, LONG_FAULT_MS, stream({ text: 'partial answer here', chunkSize: 2 })));
    const { events } = await ask(t);
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'upstream_idle_timeout' } },
    });
    const message = events.at(-1)?.response.output.at(-1);
    expect(message).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(chatCalls(t)).toHaveLength(1);
  });

  it('ends a mid-answer stall as failed when DEGRADED_COMPLETION_ON_TIMEOUT=0', async () => {
    const t = await bridge({
      DEGRADED_COMPLETION_ON_TIMEOUT: '0',
      UPSTREAM_IDLE_TIMEOUT_SECONDS: SHORT_TIMEOUT,
    });
    t.upstream.enqueue(stallAfter(4, LONG_FAULT_MS, stream({ text: 'partial answer here', chunkSize: 2 })));
    const { events } = await ask(t);
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { error: { code: 'server_error' } },
    });
    expect(events.at(-1)?.response.error.message).toContain('UPSTREAM_IDLE_TIMEOUT_SECONDS');
  });

  it('keeps a slow trickle alive: every chunk, reasoning included, counts as activity', async () => {
    // Six chunks 1.5 s apart: the answer takes three times the idle timeout, and only the gaps must stay under it.
    const t = await bridge({ UPSTREAM_IDLE_TIMEOUT_SECONDS: SHORT_TIMEOUT });
    t.upstream.enqueue(stream({ reasoning: 'thinking', text: 'done', chunkSize: 2, delayMs: 1_500 }));
    const { events } = await ask(t);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(1);
  });
});

describe('fallback chain', () => {
  it('falls back to the next model on a long rate limit, reports the serving model, and uses its rules', async () => {
    const t = await bridge({ FALLBACK_MODEL_MAP_JSON: '{"deepseek-v4-pro": "kimi-k2.6"}' });
    t.upstream.enqueue(rateLimited(3600), textReply('Kimi answers instead'));
    const { events } = await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-pro',
      input: [
        { role: 'developer', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      temperature: 0.3,
      stream: true,
    });
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { model: 'ocg-kimi-k2.6' } });
    const [first, second] = chatCalls(t);
    expect(first?.body.model).toBe('deepseek-v4-pro');
    expect(second?.body.model).toBe('kimi-k2.6');
    expect(second?.body).not.toHaveProperty('temperature');
    expect(t.logs().some((line) => String(line.msg).includes('fallback model kimi-k2.6'))).toBe(true);
  });

  it('falls back at once when the usage limit is reached', async () => {
    const t = await bridge({ FALLBACK_MODEL_MAP_JSON: '{"deepseek-v4-pro": ["deepseek-v4-flash"]}' });
    t.upstream.enqueue({
      kind: 'error',
      status: 429,
      body: { type: 'error', error: { type: 'GoUsageLimitError', message: 'Resets in 3hr' } },
    });
    const { events } = await ask(t, 'ocg-deepseek-v4-pro');
    expect(events.at(-1)?.response.model).toBe('ocg-deepseek-v4-flash');
    expect(chatCalls(t)).toHaveLength(2);
  });
});

interface HealthCircuit {
  state: string;
  consecutive_failures: number;
  last_failure: string | null;
  cooldown_seconds: number;
  retry_in_seconds: number | null;
}

async function circuitOf(
  t: TestBridge,
  upstreamModel = 'deepseek-v4-flash',
): Promise<HealthCircuit | undefined> {
  const health = (await (await fetch(`${t.bridge.url}/health`)).json()) as {
    models: Array<{ upstream_model: string; circuit: HealthCircuit }>;
  };
  return health.models.find((model) => model.upstream_model === upstreamModel)?.circuit;
}

describe('rate limits never open a breaker', () => {
  it('waits out two 429s with Retry-After in one request, and the breaker stays closed', async () => {
    const t = await bridge({ CIRCUIT_BREAKER_ERRORS: '2', UPSTREAM_RETRIES: '2' });
    t.upstream.enqueue(rateLimited(1), rateLimited(1), textReply('third call answers'));
    const first = await ask(t);
    expect(first.events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(3);
    expect(await circuitOf(t)).toMatchObject({ state: 'closed', consecutive_failures: 0 });

    t.upstream.enqueue(textReply('the next request is served'));
    const next = await ask(t);
    expect(next.status).toBe(200);
    expect(next.events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(4);
  });

  it('answers rate limits that outlast the retries with the upstream Retry-After, and serves the next request', async () => {
    const t = await bridge({
      CIRCUIT_BREAKER_ERRORS: '2',
      UPSTREAM_RETRIES: '1',
      SSE_UPSTREAM_HEARTBEAT_SECONDS: '5',
    });
    t.upstream.enqueue(rateLimited(1), rateLimited(1));
    const limited = await ask(t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.json.error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(limited.json.error.message).toContain('try again in 1s');
    expect(await circuitOf(t)).toMatchObject({ state: 'closed' });

    t.upstream.enqueue(textReply('back to normal'));
    const next = await ask(t);
    expect(next.events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(3);
  });

  it('keeps answering a spent usage quota as insufficient_quota, never as an open breaker', async () => {
    const t = await bridge({
      CIRCUIT_BREAKER_ERRORS: '2',
      UPSTREAM_RETRIES: '0',
      SSE_UPSTREAM_HEARTBEAT_SECONDS: '5',
    });
    const spent = {
      kind: 'error' as const,
      status: 429,
      body: { type: 'error', error: { type: 'GoUsageLimitError', message: 'Resets in 3hr' } },
    };
    t.upstream.enqueue(spent, spent, spent);
    for (let request = 0; request < 3; request++) {
      const { status, json } = await ask(t);
      expect(status).toBe(429);
      expect(json.error.code).toBe('insufficient_quota');
    }
    expect(chatCalls(t)).toHaveLength(3);
    expect(await circuitOf(t)).toMatchObject({ state: 'closed' });
  });
});

describe('circuit breaker', () => {
  it('tells a refused client the wait that /health states, and says which failure opened it', async () => {
    const t = await bridge({
      CIRCUIT_BREAKER_ERRORS: '2',
      CIRCUIT_BREAKER_COOLDOWN: '300',
      UPSTREAM_RETRIES: '1',
      SSE_UPSTREAM_HEARTBEAT_SECONDS: '5',
    });
    t.upstream.enqueue(serverError(500), serverError(500));
    expect((await ask(t)).status).toBe(502);
    const circuit = await circuitOf(t);
    expect(circuit).toMatchObject({ state: 'open', last_failure: 'upstream_error', cooldown_seconds: 300 });

    const refused = await ask(t);
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('circuit_open');
    const wait = Number(refused.headers.get('retry-after'));
    // The cooldown less the few seconds that passed since it opened; never a made-up constant.
    expect(wait).toBeGreaterThan(240);
    expect(wait).toBeLessThanOrEqual(300);
    expect(refused.json.error.message).toContain(`try again in ${wait}s`);
    expect(Math.abs((circuit?.retry_in_seconds ?? 0) - wait)).toBeLessThanOrEqual(2);
    expect(chatCalls(t)).toHaveLength(2);
  });

  it('opens after CIRCUIT_BREAKER_ERRORS failures, skips the model, then probes and closes', async () => {
    const t = await bridge({
      CIRCUIT_BREAKER_ERRORS: '2',
      // Long enough that a loaded machine still sees the breaker open between the failures and the next request.
      CIRCUIT_BREAKER_COOLDOWN: '3',
      UPSTREAM_RETRIES: '0',
      // The errors must come before the stream starts, to be HTTP statuses, even on a loaded machine.
      SSE_UPSTREAM_HEARTBEAT_SECONDS: '5',
    });
    const health = async () =>
      (
        (await (await fetch(`${t.bridge.url}/health`)).json()) as {
          models: Array<{ upstream_model: string; circuit: { state: string } }>;
        }
      ).models.find((model) => model.upstream_model === 'deepseek-v4-flash')?.circuit.state;
    t.upstream.enqueue(serverError(500), serverError(500));
    expect((await ask(t)).status).toBe(502);
    expect(await health()).toBe('closed');
    expect((await ask(t)).status).toBe(502);
    expect(await health()).toBe('open');

    const skipped = await ask(t);
    expect(skipped.status).toBe(503);
    expect(skipped.json.error.code).toBe('circuit_open');
    // What is left of the 3 s cooldown, in whole seconds rounded up (how much is left depends on the machine's pace).
    const retryAfter = Number(skipped.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(chatCalls(t)).toHaveLength(2);

    let state = await health();
    await waitFor(
      async () => {
        state = await health();
        return state !== 'open';
      },
      undefined,
      'the cooldown to end',
    );
    expect(state).toBe('half_open');
    t.upstream.enqueue(textReply('probe succeeded'));
    const probe = await ask(t);
    expect(probe.events.at(-1)?.type).toBe('response.completed');
    expect(await health()).toBe('closed');
    expect(chatCalls(t)).toHaveLength(3);
  });
});

describe('concurrency caps', () => {
  it('never exceeds the global and per-model caps across 50 concurrent streams, and every one finishes', async () => {
    const t = await bridge({
      MAX_GLOBAL_UPSTREAM_CONCURRENCY: '3',
      MODEL_CONCURRENCY_JSON: '{"deepseek-v4-flash": 2, "kimi-k2.6": 1}',
      UPSTREAM_QUEUE_MAX: '100',
    });
    t.upstream.script(() => stream({ text: 'streamed answer', chunkSize: 4, delayMs: 5 }));
    const models = ['ocg-deepseek-v4-flash', 'ocg-kimi-k2.6', 'ocg-glm-5.1'];
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => ask(t, models[index % 3])));
    expect(results.every((result) => result.events.at(-1)?.type === 'response.completed')).toBe(true);
    const upstream = t.upstream.stats();
    expect(upstream.maxInFlight).toBeLessThanOrEqual(3);
    expect(upstream.maxInFlightByModel['deepseek-v4-flash']).toBeLessThanOrEqual(2);
    expect(upstream.maxInFlightByModel['kimi-k2.6']).toBe(1);
    expect(t.bridge.deps.limiter.stats().maxActiveObserved).toBe(3);
  });

  it('answers 429 with Retry-After when the queue is full', async () => {
    const t = await bridge({
      MAX_GLOBAL_UPSTREAM_CONCURRENCY: '1',
      UPSTREAM_QUEUE_MAX: '1',
      SSE_UPSTREAM_HEARTBEAT_SECONDS: '5',
    });
    // Each answer holds the one slot for about 7 s: the three requests meet there even on a loaded machine.
    t.upstream.script(() => stream({ text: 'slow', chunkSize: 1, delayMs: 1_500 }));
    const results = await Promise.all([ask(t), ask(t), ask(t)]);
    const rejected = results.filter((result) => result.status === 429);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.headers.get('retry-after')).toBeTruthy();
    expect(rejected[0]?.json.error.message).toContain('concurrency limit');
  });

  it('frees a queued request when its client disconnects, without calling the upstream for it', async () => {
    const t = await bridge({ MAX_GLOBAL_UPSTREAM_CONCURRENCY: '1' });
    t.upstream.script(() => stream({ text: 'slow', chunkSize: 1, delayMs: 1_500 }));
    const first = ask(t);
    const controller = new AbortController();
    const second = fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.bridge.apiKey}` },
      body: JSON.stringify({ model: 'ocg-deepseek-v4-flash', input: 'queued', stream: true }),
      signal: controller.signal,
    }).catch(() => undefined);
    await waitFor(() => t.bridge.deps.limiter.stats().queued === 1, undefined, 'the second request to queue');
    controller.abort();
    await second;
    await waitFor(() => t.bridge.deps.limiter.stats().queued === 0, undefined, 'the queue to empty');
    await first;
    expect(chatCalls(t)).toHaveLength(1);
  });
});
