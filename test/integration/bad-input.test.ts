/**
 * Bad input gets a clear OpenAI-shaped error with the right status, and nothing reaches the upstream.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BRIDGE_KEY, postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { RawConnection } from '../support/raw-http.ts';

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge({ env: { PROXY_MAX_BODY_BYTES: String(64 * 1024) } });
});
afterAll(() => t.close());
beforeEach(() => {
  t.upstream.requests.length = 0;
});

function expectOpenAIError(json: any, code: string) {
  expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(json.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code });
}

describe('bad input', () => {
  it('rejects malformed JSON with 400 invalid_json', async () => {
    const { status, json } = await postResponses(t.baseUrl, '{"model": "ocg-deepseek-v4-pro", ');
    expect(status).toBe(400);
    expectOpenAIError(json, 'invalid_json');
  });

  it('rejects a body without model with 400 naming the parameter', async () => {
    const { status, json } = await postResponses(t.baseUrl, { input: 'hi' });
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ param: 'model', code: 'missing_required_parameter' });
  });

  it('rejects an unknown model with 400 model_not_found and says how to list models', async () => {
    const { status, json } = await postResponses(t.baseUrl, { model: 'llama-9000', input: 'hi' });
    expect(status).toBe(400);
    expect(json.error.code).toBe('model_not_found');
    expect(json.error.message).toContain('/v1/models');
  });

  it('rejects a GPT model with the default strategy and names the fix', async () => {
    const { status, json } = await postResponses(t.baseUrl, { model: 'gpt-5.5', input: 'hi' });
    expect(status).toBe(400);
    expect(json.error.message).toContain('GPT_MODEL_STRATEGY');
  });

  it('rejects an empty input list with 400', async () => {
    const { status, json } = await postResponses(t.baseUrl, { model: 'ocg-deepseek-v4-pro', input: [] });
    expect(status).toBe(400);
    expect(json.error.param).toBe('input');
  });

  it('rejects an input item with a wrong field type, naming its path', async () => {
    const { status, json } = await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-pro',
      input: [{ type: 'function_call', call_id: 42, name: 'x', arguments: '{}' }],
    });
    expect(status).toBe(400);
    expect(json.error.param).toBe('input[0].call_id');
  });

  it('rejects a wrong key with 401 and a missing one with 401', async () => {
    const wrong = await postResponses(
      t.baseUrl,
      { model: 'ocg-deepseek-v4-pro', input: 'hi' },
      { authorization: 'Bearer nope' },
    );
    expect(wrong.status).toBe(401);
    expectOpenAIError(wrong.json, 'invalid_api_key');
    expect(wrong.headers.get('content-length')).toBe(String(Buffer.byteLength(JSON.stringify(wrong.json))));
    const response = await fetch(`${t.baseUrl}/responses`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
  });

  it('rejects a foreign Host header with 403 (DNS rebinding)', async () => {
    // fetch() cannot override Host; a raw request can, as a rebinding page's browser would send it.
    const { status, body } = await rawPost(
      t.bridge.port,
      'evil.example.com',
      '{"model":"ocg-deepseek-v4-pro","input":"hi"}',
    );
    expect(status).toBe(403);
    expectOpenAIError(JSON.parse(body), 'forbidden_host');
  });

  it('reads the target of a POST to /v1/responses as the other routes do: query, absolute form, escapes', async () => {
    const port = t.bridge.port;
    for (const path of [
      '/v1/responses?client=test',
      '/responses',
      `http://127.0.0.1:${port}/v1/responses`,
      '/v1/%72esponses',
    ]) {
      const answer = await rawPost(port, '127.0.0.1', '{', path);
      expect([path, answer.status, JSON.parse(answer.body).error.code]).toEqual([path, 400, 'invalid_json']);
      expect(answer.requestId).toMatch(/^req_/);
    }
    const trailing = await rawPost(port, '127.0.0.1', '{', '/v1/responses/');
    expect(trailing.status).toBe(404);
  });

  it('refuses a second Host or bridge key that Node would drop, as a web Headers joins them', async () => {
    for (const [extra, code] of [
      ['Host: evil.example.com', 'forbidden_host'],
      ['Authorization: Bearer nope', 'invalid_api_key'],
    ] as const) {
      const connection = await RawConnection.open(t.bridge.port);
      try {
        await connection.write(
          `POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${BRIDGE_KEY}\r\n${extra}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1\r\n\r\n{',
        );
        const answer = await connection.response();
        expectOpenAIError(JSON.parse(answer.body), code);
      } finally {
        connection.close();
      }
    }
  });

  it('accepts loopback Host names with any port', async () => {
    for (const host of ['localhost:1234', '127.0.0.1', '[::1]:4000']) {
      const { status } = await rawPost(t.bridge.port, host, '{');
      expect(status).toBe(400);
    }
  });

  it('rejects a browser request from a foreign Origin with 403', async () => {
    const { status, json } = await postResponses(
      t.baseUrl,
      { model: 'ocg-deepseek-v4-pro', input: 'hi' },
      { origin: 'https://evil.example.com' },
    );
    expect(status).toBe(403);
    expectOpenAIError(json, 'forbidden_origin');
  });

  it('rejects an oversize body with 413', async () => {
    const { status, json } = await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-pro',
      input: 'x'.repeat(100 * 1024),
    });
    expect(status).toBe(413);
    expectOpenAIError(json, 'request_too_large');
  });

  it('rejects an oversize body sent without a length (chunked) with 413, and serves one within the limit', async () => {
    const chunked = (text: string) =>
      fetch(`${t.baseUrl}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(text));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
    const tooLarge = await chunked(
      JSON.stringify({ model: 'ocg-deepseek-v4-pro', input: 'x'.repeat(100 * 1024) }),
    );
    expect(tooLarge.status).toBe(413);
    expectOpenAIError(await tooLarge.json(), 'request_too_large');
    expect(t.upstream.requests).toHaveLength(0);

    const small = await chunked(JSON.stringify({ model: 'ocg-deepseek-v4-pro', input: 'hi' }));
    expect(small.status).toBe(200);
    expect(((await small.json()) as { status: string }).status).toBe('completed');
    expect(t.upstream.requests).toHaveLength(1);
  });

  it('answers an unknown route with a 404 in the OpenAI error shape', async () => {
    const response = await fetch(`${t.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BRIDGE_KEY}` },
    });
    expect(response.status).toBe(404);
    expectOpenAIError(await response.json(), 'unknown_url');
  });

  it('answers a wrong method with a 405', async () => {
    const response = await fetch(`${t.baseUrl}/responses`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${BRIDGE_KEY}` },
    });
    expect(response.status).toBe(405);
    expectOpenAIError(await response.json(), 'method_not_allowed');
  });

  it('answers a wrong method on /health with a 405', async () => {
    const response = await fetch(`${t.bridge.url}/health`, { method: 'POST' });
    expect(response.status).toBe(405);
  });

  it('sends nothing upstream for any of these', () => {
    expect(t.upstream.requests).toEqual([]);
  });
});

function rawPost(
  port: number,
  host: string,
  body: string,
  path = '/v1/responses',
): Promise<{ status: number; body: string; requestId?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { host, authorization: `Bearer ${BRIDGE_KEY}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            requestId: res.headers['x-request-id'] as string,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
