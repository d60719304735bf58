/**
 * GPT_MODEL_STRATEGY=openai: GPT requests are passed to the OpenAI Responses API untouched. A loopback stand-in
 * for OpenAI records what it receives and answers with fixed SSE bytes.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BRIDGE_KEY,
  postResponses,
  sendResponses,
  startTestBridge,
  type TestBridge,
} from '../support/bridge-harness.ts';
import { waitFor } from '../support/wait.ts';

const OPENAI_KEY = 'sk-openai-test-key-1234';
// Odd spacing and key order on purpose: the bridge must not re-serialise the body.
const RAW_BODY =
  '{"model":"gpt-5.5",  "stream":true,"input":[{"role":"user","content":"héllo"}],"store":false}';
const SSE_BYTES =
  'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_gpt"}}\n\n' +
  ': a comment OpenAI might send\n\n' +
  'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_gpt","usage":null}}\n\n';

/** A terminal event with usage, as OpenAI ends a real stream. */
const COMPLETED_WITH_USAGE =
  'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_gpt","status":"completed",' +
  '"usage":{"input_tokens":120,"input_tokens_details":{"cached_tokens":100},"output_tokens":7,' +
  '"output_tokens_details":{"reasoning_tokens":3},"total_tokens":127}}}\n\n';
const REJECTED =
  '{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}';

let openai: Server;
let received: { headers: IncomingHttpHeaders; body: string; path: string } | undefined;
/** What the OpenAI stand-in answers next (then back to SSE_BYTES). */
let nextReply:
  | { status: number; contentType: string; body: string; holdOpen?: boolean; delayMs?: number }
  | undefined;
/** Set when the stand-in's answer closed before it ended (its client, the bridge, went away). */
let replyCutOff = false;
let t: TestBridge;

beforeAll(async () => {
  openai = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      received = { headers: req.headers, body, path: req.url ?? '' };
      const reply = nextReply ?? { status: 200, contentType: 'text/event-stream', body: SSE_BYTES };
      nextReply = undefined;
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': reply.contentType, 'x-request-id': 'openai-req-1' });
      if (!reply.holdOpen) {
        res.end(reply.body);
        return;
      }
      res.write(reply.body);
      res.once('close', () => {
        if (!res.writableEnded) replyCutOff = true;
      });
    });
  });
  await new Promise<void>((resolve) => openai.listen(0, '127.0.0.1', resolve));
  const port = (openai.address() as AddressInfo).port;
  t = await startTestBridge({
    env: {
      GPT_MODEL_STRATEGY: 'openai',
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    },
  });
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => openai.close(resolve));
});

describe('GPT pass-through', () => {
  it('forwards the body byte for byte with the OpenAI key and Codex headers, and streams the reply back unchanged', async () => {
    const response = await sendResponses(t.baseUrl, RAW_BODY, {
      'session-id': 'thread-1',
      'x-openai-subagent': 'collab_spawn',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(SSE_BYTES);
    expect(received?.path).toBe('/v1/responses');
    expect(received?.body).toBe(RAW_BODY);
    expect(received?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(received?.headers['session-id']).toBe('thread-1');
    expect(received?.headers['x-openai-subagent']).toBe('collab_spawn');
    expect(t.upstream.requests).toEqual([]);
  });

  it('still translates OSS models on the same bridge', async () => {
    const { status, events } = await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-flash',
      input: 'hi',
      stream: true,
    });
    expect(status).toBe(200);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(t.upstream.requests).toHaveLength(1);
  });

  it('logs one line per GPT request — model, status, outcome, timings — and counts it in /metrics', async () => {
    const before = passThroughLines(t).length;
    nextReply = { status: 200, contentType: 'text/event-stream', body: COMPLETED_WITH_USAGE };
    const response = await sendGpt(t, {
      authorization: `Bearer ${BRIDGE_KEY}`,
      'x-request-id': 'req-gpt-log',
    });
    expect(await response.text()).toBe(COMPLETED_WITH_USAGE);
    await waitFor(() => passThroughLines(t).length > before);
    const line = passThroughLines(t).find((entry) => entry.requestId === 'req-gpt-log');
    expect(line).toMatchObject({
      msg: 'gpt pass-through',
      model: 'gpt-5.5',
      target: 'openai',
      credential: 'bridge_openai_api_key',
      status: 200,
      outcome: 'completed',
      bytes: Buffer.byteLength(COMPLETED_WITH_USAGE),
      usage: { input_tokens: 120, output_tokens: 7 },
      upstreamRequestId: 'openai-req-1',
    });
    expect(line?.durationMs).toEqual(expect.any(Number));
    expect(line?.firstByteMs).toEqual(expect.any(Number));
    const metrics = await metricsText(t);
    expect(metrics).toMatch(
      /opencode_bridge_passthrough_requests_total\{model="gpt-5.5",target="openai",status="200",outcome="completed"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /opencode_bridge_passthrough_duration_seconds_count\{model="gpt-5.5",target="openai"\} [1-9]/,
    );
    expect(metrics).toMatch(/opencode_bridge_tokens_total\{model="gpt-5.5",kind="output"\} 7/);
  });

  it('logs an error OpenAI answers, and passes it on as it came', async () => {
    nextReply = { status: 401, contentType: 'application/json', body: REJECTED };
    const response = await sendGpt(t, {
      authorization: `Bearer ${BRIDGE_KEY}`,
      'x-request-id': 'req-gpt-401',
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe(REJECTED);
    await waitFor(() => passThroughLines(t).some((entry) => entry.requestId === 'req-gpt-401'));
    expect(passThroughLines(t).find((entry) => entry.requestId === 'req-gpt-401')).toMatchObject({
      status: 401,
      outcome: 'http_error',
      level: 40,
    });
    expect(await metricsText(t)).toMatch(
      /opencode_bridge_http_requests_total\{route="\/v1\/responses",method="POST",status="401"\} 1/,
    );
  });

  it('passes on whatever OpenAI streams as it comes, not only an event stream', async () => {
    nextReply = { status: 200, contentType: 'application/x-ndjson', body: '{"part":1}\n', holdOpen: true };
    const leaving = new AbortController();
    const response = await sendResponses(t.baseUrl, RAW_BODY, {}, leaving.signal);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const first = await (response.body as ReadableStream<Uint8Array>).getReader().read();
    expect(new TextDecoder().decode(first.value)).toBe('{"part":1}\n');
    leaving.abort();
  });

  it('ends the OpenAI call when the client leaves mid-stream, and logs the disconnect', async () => {
    nextReply = {
      status: 200,
      contentType: 'text/event-stream',
      body: SSE_BYTES.split(': a comment')[0] as string,
      holdOpen: true,
    };
    replyCutOff = false;
    const leaving = new AbortController();
    const response = await sendResponses(
      t.baseUrl,
      RAW_BODY,
      { 'x-request-id': 'req-gpt-left' },
      leaving.signal,
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('response.created');
    leaving.abort();
    await waitFor(() => replyCutOff, 60_000, 'the bridge to end its call to OpenAI');
    await waitFor(() => passThroughLines(t).some((entry) => entry.requestId === 'req-gpt-left'));
    expect(passThroughLines(t).find((entry) => entry.requestId === 'req-gpt-left')).toMatchObject({
      status: 200,
      outcome: 'client_disconnected',
    });
  });

  it('counts a client that leaves before OpenAI answers as a disconnect (499), not as a bridge error', async () => {
    nextReply = { status: 200, contentType: 'text/event-stream', body: SSE_BYTES, delayMs: 2000 };
    const before = received;
    const leaving = new AbortController();
    const sent = sendResponses(t.baseUrl, RAW_BODY, { 'x-request-id': 'req-gpt-gone-early' }, leaving.signal);
    await waitFor(() => received !== before, 60_000, 'OpenAI to have the request');
    leaving.abort();
    await expect(sent).rejects.toThrow();
    await waitFor(() => passThroughLines(t).some((entry) => entry.requestId === 'req-gpt-gone-early'));
    expect(passThroughLines(t).find((entry) => entry.requestId === 'req-gpt-gone-early')).toMatchObject({
      status: 499,
      outcome: 'client_disconnected',
    });
    await waitFor(async () => /http_requests_total\{[^}]*status="499"\} 1/.test(await metricsText(t)));
    expect(t.logs().filter((line) => line.msg === 'unhandled error')).toEqual([]);
  });

  it('forwards a request sent with Expect: 100-continue (the bridge answers the expectation itself)', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${t.baseUrl}/responses`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${BRIDGE_KEY}`,
            expect: '100-continue',
            'content-length': Buffer.byteLength(RAW_BODY),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (part) => {
            text += part;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('continue', () => req.end(RAW_BODY));
      req.on('error', reject);
    });
    expect(status).toBe(200);
    expect(body).toBe(SSE_BYTES);
    expect(received?.headers.expect).toBeUndefined();
  });

  it('prefers the sign-in Codex forwards over its own OPENAI_API_KEY, as Codex itself would', async () => {
    const response = await sendGpt(t, {
      authorization: 'Bearer sk-user-own-key',
      'x-opencode-bridge-key': BRIDGE_KEY,
    });
    expect(response.status).toBe(200);
    await response.text();
    expect(received?.headers.authorization).toBe('Bearer sk-user-own-key');
  });

  it('never writes the OpenAI or bridge key into the logs', () => {
    expect(t.rawLogs()).not.toContain(OPENAI_KEY);
    expect(t.rawLogs()).not.toContain(BRIDGE_KEY);
    expect(t.rawLogs()).not.toContain('sk-user-own-key');
  });
});

function sendGpt(bridge: TestBridge, headers: Record<string, string>): Promise<Response> {
  return fetch(`${bridge.baseUrl}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: RAW_BODY,
  });
}

function passThroughLines(bridge: TestBridge): Array<Record<string, unknown>> {
  return bridge.logs().filter((line) => String(line.msg).startsWith('gpt pass-through'));
}

async function metricsText(bridge: TestBridge): Promise<string> {
  const response = await fetch(`${bridge.bridge.url}/metrics`, {
    headers: { authorization: `Bearer ${BRIDGE_KEY}` },
  });
  return response.text();
}

describe('GPT pass-through with the user’s own Codex sign-in (no OPENAI_API_KEY on the bridge)', () => {
  let forwarding: TestBridge;
  beforeAll(async () => {
    const port = (openai.address() as AddressInfo).port;
    forwarding = await startTestBridge({
      env: {
        GPT_MODEL_STRATEGY: 'openai',
        OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
        CHATGPT_BASE_URL: `http://127.0.0.1:${port}/chatgpt`,
      },
    });
  });
  afterAll(() => forwarding.close());

  const send = (headers: Record<string, string>) =>
    fetch(`${forwarding.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: RAW_BODY,
    });

  it('forwards an API-key sign-in to OPENAI_BASE_URL and never forwards the bridge key', async () => {
    const response = await send({
      authorization: 'Bearer sk-user-own-key',
      'x-opencode-bridge-key': BRIDGE_KEY,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(SSE_BYTES);
    expect(received?.path).toBe('/v1/responses');
    expect(received?.headers.authorization).toBe('Bearer sk-user-own-key');
    expect(received?.headers['x-opencode-bridge-key']).toBeUndefined();
  });

  it('sends a ChatGPT sign-in (chatgpt-account-id) to CHATGPT_BASE_URL', async () => {
    const response = await send({
      authorization: 'Bearer chatgpt-token',
      'chatgpt-account-id': 'acc-1',
      'x-opencode-bridge-key': BRIDGE_KEY,
    });
    await response.text();
    expect(received?.path).toBe('/chatgpt/responses');
    expect(received?.headers['chatgpt-account-id']).toBe('acc-1');
  });

  it('refuses a wrong bridge key in the header', async () => {
    const response = await send({
      authorization: 'Bearer sk-user-own-key',
      'x-opencode-bridge-key': 'wrong',
    });
    expect(response.status).toBe(401);
  });

  it('answers 400 (which Codex shows at once) naming `codex login` when Codex is not signed in', async () => {
    const before = received;
    const response = await send({ 'x-opencode-bridge-key': BRIDGE_KEY, 'x-request-id': 'req-no-sign-in' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error).toMatchObject({ code: 'openai_credentials_missing', type: 'invalid_request_error' });
    expect(body.error.message).toContain('Codex is not signed in');
    expect(body.error.message).toContain('`codex login`');
    expect(body.error.message).toContain('OPENAI_API_KEY');
    expect(received).toBe(before); // nothing went to OpenAI
    expect(forwarding.logs().find((line) => line.requestId === 'req-no-sign-in')).toMatchObject({
      msg: 'gpt pass-through refused: no OpenAI credential',
      model: 'gpt-5.5',
      status: 400,
      outcome: 'credentials_missing',
    });
  });

  it('answers 400 naming OPENAI_API_KEY and `codex login` when the client sends only the bridge key', async () => {
    const response = await send({ authorization: `Bearer ${BRIDGE_KEY}` });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('openai_credentials_missing');
    expect(body.error.message).toContain('OPENAI_API_KEY=<key> codex-oss start --detach --mode openai');
    expect(body.error.message).toContain('`codex login` and then `codex-oss install`');
    const metrics = await metricsText(forwarding);
    expect(metrics).toMatch(
      /opencode_bridge_passthrough_requests_total\{model="gpt-5.5",target="none",status="400",outcome="credentials_missing"\} 2/,
    );
  });
});

describe('requests refused before any model runs', () => {
  it('get a log line too', async () => {
    const response = await fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BRIDGE_KEY}`, 'x-request-id': 'req-bad-model' },
      body: JSON.stringify({ model: 'no-such-model', input: 'hi' }),
    });
    expect(response.status).toBe(400);
    expect(t.logs().find((line) => line.requestId === 'req-bad-model')).toMatchObject({
      msg: 'request refused',
      model: 'no-such-model',
      status: 400,
      error: { code: 'model_not_found' },
    });
  });
});
