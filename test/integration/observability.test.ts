/**
 * Metrics and logs: GET /metrics in Prometheus format behind the API key, one log line per request with the
 * request id, models, status, timings, tokens and attempt history, and no keys or prompt content in the logs.
 */
import { describe, expect, it } from 'vitest';
import { MAX_OTHER_MODEL_LABELS } from '../../src/observability/metrics.ts';
import { USAGE_OTHER_MODELS_MAX } from '../../src/state/store.ts';
import { rateLimited, textReply } from '../mock-upstream/index.ts';
import {
  BRIDGE_KEY,
  postResponses,
  type TestBridge,
  UPSTREAM_KEY,
  useTestBridges,
} from '../support/bridge-harness.ts';

const bridge = useTestBridges();

async function metrics(t: TestBridge): Promise<string> {
  const response = await fetch(`${t.bridge.url}/metrics`, {
    headers: { authorization: `Bearer ${BRIDGE_KEY}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('needs the API key', async () => {
    const t = await bridge();
    expect((await fetch(`${t.bridge.url}/metrics`)).status).toBe(401);
  });

  it('counts requests, responses, tokens, retries and fallbacks', async () => {
    const t = await bridge({
      FALLBACK_MODEL_MAP_JSON: '{"deepseek-v4-pro": "kimi-k2.6"}',
      UPSTREAM_RETRIES: '1',
    });
    t.upstream.enqueue(
      rateLimited(0),
      rateLimited(3600),
      textReply('served by kimi', {
        usage: {
          prompt_tokens: 100,
          completion_tokens: 20,
          total_tokens: 120,
          prompt_tokens_details: { cached_tokens: 40 },
          completion_tokens_details: { reasoning_tokens: 5 },
        },
      }),
    );
    const { events } = await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-pro',
      input: 'hi',
      stream: true,
    });
    expect(events.at(-1)?.type).toBe('response.completed');
    const text = await metrics(t);
    expect(
      value(
        text,
        'opencode_bridge_responses_total{model="ocg-deepseek-v4-pro",served_model="kimi-k2.6",outcome="completed"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'opencode_bridge_upstream_retries_total{model="deepseek-v4-pro",error="rate_limit_exceeded"}',
      ),
    ).toBe(1);
    expect(
      value(text, 'opencode_bridge_upstream_fallbacks_total{from="deepseek-v4-pro",to="kimi-k2.6"}'),
    ).toBe(1);
    expect(value(text, 'opencode_bridge_tokens_total{model="kimi-k2.6",kind="input"}')).toBe(100);
    expect(value(text, 'opencode_bridge_tokens_total{model="kimi-k2.6",kind="cached"}')).toBe(40);
    expect(value(text, 'opencode_bridge_tokens_total{model="kimi-k2.6",kind="reasoning"}')).toBe(5);
    expect(value(text, 'opencode_bridge_active_streams')).toBe(0);
    expect(value(text, 'opencode_bridge_upstream_queue_depth')).toBe(0);
    expect(text).toContain('opencode_bridge_upstream_first_chunk_seconds_bucket');
    expect(text).toMatch(
      /opencode_bridge_http_requests_total\{route="[^"]*responses",method="POST",status="200"\} 1/,
    );
  });

  it('keeps /metrics and /health bounded when clients send many different model ids', async () => {
    const t = await bridge();
    const ids = MAX_OTHER_MODEL_LABELS + 8;
    // A few at a time: sequential requests would be slow on a loaded machine, all at once would meet the queue cap.
    for (let first = 0; first < ids; first += 4) {
      const batch = Array.from({ length: Math.min(4, ids - first) }, (_, offset) =>
        postResponses(t.baseUrl, { model: `ocg-made-up-${first + offset}`, input: 'hi' }),
      );
      for (const { status } of await Promise.all(batch)) expect(status).toBeGreaterThanOrEqual(400); // not served upstream
    }
    const text = await metrics(t);
    const madeUp = new Set(text.match(/made-up-\d+/g));
    expect(madeUp.size).toBeLessThanOrEqual(MAX_OTHER_MODEL_LABELS);
    expect(text).toContain('model="(other)"');
    const health = (await (await fetch(`${t.bridge.url}/health`)).json()) as {
      usage: Array<{ model: string }>;
    };
    const usageModels = health.usage.map((entry) => entry.model);
    expect(usageModels.filter((model) => model.startsWith('made-up-')).length).toBeLessThanOrEqual(
      USAGE_OTHER_MODELS_MAX,
    );
    expect(usageModels).toContain('(other)');
  }, 120_000);

  it('shows an open circuit breaker', async () => {
    const t = await bridge({
      CIRCUIT_BREAKER_ERRORS: '1',
      UPSTREAM_RETRIES: '0',
      FALLBACK_MODEL_MAP_JSON: '{}',
    });
    t.upstream.enqueue({ kind: 'error', status: 500, body: { error: { message: 'boom' } } });
    await postResponses(t.baseUrl, { model: 'ocg-glm-5.1', input: 'hi', stream: true });
    expect(value(await metrics(t), 'opencode_bridge_circuit_breaker_state{model="glm-5.1"}')).toBe(2);
  });
});

describe('x-request-id', () => {
  it('comes back on every kind of answer: a stream, a JSON body, a refusal and an unknown URL', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('streamed'));
    t.upstream.enqueue(textReply('collected'));
    const post = (body: object, id: string, key = BRIDGE_KEY) =>
      fetch(`${t.baseUrl}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': id },
        body: JSON.stringify(body),
      });
    const answers = {
      stream: await post({ model: 'ocg-deepseek-v4-flash', input: 'hi', stream: true }, 'id-stream'),
      json: await post({ model: 'ocg-deepseek-v4-flash', input: 'hi' }, 'id-json'),
      refused: await post({ model: 'ocg-deepseek-v4-flash', input: 'hi' }, 'id-refused', 'sk-wrong'),
      models: await fetch(`${t.baseUrl}/models`, {
        headers: { authorization: `Bearer ${BRIDGE_KEY}`, 'x-request-id': 'id-models' },
      }),
      unknown: await fetch(`${t.bridge.url}/nowhere`, { headers: { 'x-request-id': 'id-unknown' } }),
    };
    const seen = Object.fromEntries(
      await Promise.all(
        Object.entries(answers).map(async ([kind, response]) => {
          await response.text();
          return [kind, [response.status, response.headers.get('x-request-id')]];
        }),
      ),
    );
    expect(seen).toEqual({
      stream: [200, 'id-stream'],
      json: [200, 'id-json'],
      refused: [401, 'id-refused'],
      models: [200, 'id-models'],
      unknown: [404, 'id-unknown'],
    });
  });
});

describe('request logs', () => {
  it('writes one line per request with the request id, models, status, timings and tokens', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('logged answer'));
    const response = await fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${BRIDGE_KEY}`,
        'x-request-id': 'my-request-42',
      },
      body: JSON.stringify({ model: 'ocg-deepseek-v4-flash', input: 'secret prompt text', stream: true }),
    });
    expect(response.headers.get('x-request-id')).toBe('my-request-42');
    await response.text();
    const lines = t.logs().filter((line) => line.requestId === 'my-request-42');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      model: 'ocg-deepseek-v4-flash',
      servedModel: 'deepseek-v4-flash',
      status: 'completed',
      durationMs: expect.any(Number),
      firstChunkMs: expect.any(Number),
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
    expect(t.rawLogs()).not.toContain('secret prompt text');
    expect(t.rawLogs()).not.toContain('logged answer');
    expect(t.rawLogs()).not.toContain(UPSTREAM_KEY);
    expect(t.rawLogs()).not.toContain(BRIDGE_KEY);
  });

  it('logs prompts and answers only with PROXY_LOG_BODIES=1', async () => {
    const t = await bridge({ PROXY_LOG_BODIES: '1' });
    t.upstream.enqueue(textReply('logged answer'));
    await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-flash',
      input: 'secret prompt text',
      stream: true,
    });
    expect(t.rawLogs()).toContain('secret prompt text');
    expect(t.rawLogs()).toContain('logged answer');
    expect(t.rawLogs()).not.toContain(UPSTREAM_KEY);
  });

  it('keeps request text that upstream errors quote out of the log, while the client gets the whole message', async () => {
    const t = await bridge({ UPSTREAM_RETRIES: '0', FALLBACK_MODEL_MAP_JSON: '{}' });
    const prompt = 'my confidential merger notes for the board';
    const replies = [
      // quoted, as OpenAI-style validators do
      { message: `Invalid 'messages[1].content': '${prompt}' was rejected`, type: 'invalid_request_error' },
      // not quoted at all
      { message: `content moderation flagged: ${prompt}`, type: 'content_filter' },
      // a Pydantic dump of the offending message
      { message: `[{'loc': ('body', 'messages', 1), 'input': {'role': 'user', 'content': '${prompt}'}}]` },
    ];
    for (const [index, error] of replies.entries()) {
      t.upstream.enqueue({ kind: 'error', status: 400, body: { error } });
      const { status, json } = await postResponses(
        t.baseUrl,
        { model: 'ocg-kimi-k2.6', input: prompt, stream: true },
        { 'x-request-id': `echo-${index}` },
      );
      expect(status).toBe(400);
      expect(json.error.message).toContain(prompt);
    }
    // an error object inside a 200 stream, quoting the prompt
    t.upstream.enqueue({ kind: 'chunks', chunks: [{ error: { message: `refused: ${prompt}` } }] });
    const midStream = await postResponses(
      t.baseUrl,
      { model: 'ocg-kimi-k2.6', input: prompt, stream: true },
      { 'x-request-id': 'echo-3' },
    );
    expect(midStream.events.at(-1)?.type).toBe('response.failed');
    expect(midStream.events.at(-1)?.response.error.message).toContain(prompt);

    expect(t.rawLogs()).not.toContain('merger notes');
    const logged = t.logs().filter((line) => String(line.requestId).startsWith('echo-'));
    expect(logged).toHaveLength(4);
    expect(logged[0]?.error).toMatchObject({
      code: 'upstream_invalid_request',
      message: expect.stringContaining("Invalid 'messages[1].content': '[redacted]' was rejected"),
      upstream: { status: 400, type: 'invalid_request_error' },
    });
    expect(logged[1]?.error).toMatchObject({ upstream: { status: 400, type: 'content_filter' } });
  });

  it('logs the upstream error message whole with PROXY_LOG_BODIES=1', async () => {
    const t = await bridge({ UPSTREAM_RETRIES: '0', FALLBACK_MODEL_MAP_JSON: '{}', PROXY_LOG_BODIES: '1' });
    const prompt = 'my confidential merger notes for the board';
    t.upstream.enqueue({ kind: 'error', status: 400, body: { error: { message: `bad input: ${prompt}` } } });
    await postResponses(t.baseUrl, { model: 'ocg-kimi-k2.6', input: prompt, stream: true });
    const line = t.logs().find((entry) => entry.msg === 'response failed');
    expect(line?.error).toMatchObject({ message: expect.stringContaining(`bad input: ${prompt}`) });
  });
});
