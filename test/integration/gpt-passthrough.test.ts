/**
 * GPT_MODEL_STRATEGY=openai: GPT requests are passed to the OpenAI Responses API untouched. A loopback stand-in
 * for OpenAI records what it receives and answers with fixed SSE bytes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_KEY, postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';

const OPENAI_KEY = 'sk-openai-test-key-1234';
// Odd spacing and key order on purpose: the bridge must not re-serialise the body.
const RAW_BODY =
  '{"model":"gpt-5.5",  "stream":true,"input":[{"role":"user","content":"héllo"}],"store":false}';
const SSE_BYTES =
  'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_gpt"}}\n\n' +
  ': a comment OpenAI might send\n\n' +
  'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_gpt","usage":null}}\n\n';

let openai: Server;
let received: { headers: IncomingHttpHeaders; body: string; path: string } | undefined;
let t: TestBridge;

beforeAll(async () => {
  openai = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received = { headers: req.headers, body, path: req.url ?? '' };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'openai-req-1' });
      res.end(SSE_BYTES);
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
    const response = await fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${BRIDGE_KEY}`,
        'session-id': 'thread-1',
        'x-openai-subagent': 'collab_spawn',
      },
      body: RAW_BODY,
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

  it('never writes the OpenAI or bridge key into the logs', () => {
    expect(t.rawLogs()).not.toContain(OPENAI_KEY);
    expect(t.rawLogs()).not.toContain(BRIDGE_KEY);
  });
});

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

  it('says how to get credentials when there is neither OPENAI_API_KEY nor a forwarded sign-in', async () => {
    const response = await send({ authorization: `Bearer ${BRIDGE_KEY}` });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('openai_key_missing');
    expect(body.error.message).toContain('--auth codex');
  });
});
