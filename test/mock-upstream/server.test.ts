import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { errorReply, textReply } from './replies.ts';
import { type MockUpstream, startMockUpstream } from './server.ts';
import { chatBody, jsonOf, postChat, readSse, SESSION_HEADERS, streamingBody } from './test-helpers.ts';

describe('mock upstream server', () => {
  let mock: MockUpstream;

  beforeEach(async () => {
    mock = await startMockUpstream({ apiKey: 'sk-mock-key-123456' });
  });

  afterEach(async () => {
    await mock.close();
  });

  const headers = { ...SESSION_HEADERS, authorization: 'Bearer sk-mock-key-123456' };

  it('listens on 127.0.0.1 with a /v1 base URL', () => {
    expect(mock.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('lists the OpenCode Go models in the OpenAI list shape', async () => {
    const response = await fetch(`${mock.baseUrl}/models`, { headers });
    const body = await jsonOf(response);

    expect(response.status).toBe(200);
    expect(body.object).toBe('list');
    expect(body.data.map((model: { id: string }) => model.id)).toEqual([
      'deepseek-v4-pro',
      'deepseek-v4-flash',
      'kimi-k2.6',
      'kimi-k2.5',
      'glm-5.1',
      'qwen3.6-plus',
      'minimax-m2.7',
    ]);
    expect(body.data[0]).toMatchObject({ object: 'model', owned_by: 'opencode' });
  });

  it('requires the API key on the models route too', async () => {
    const response = await fetch(`${mock.baseUrl}/models`);

    expect(response.status).toBe(401);
  });

  it('answers unknown routes with a 404 JSON error', async () => {
    const response = await fetch(`${mock.baseUrl}/responses`, { method: 'POST', headers, body: '{}' });

    expect(response.status).toBe(404);
    expect(await jsonOf(response)).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/responses)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('records every request in order with lower-cased headers and the parsed body', async () => {
    await postChat(mock, chatBody({ model: 'kimi-k2.6' }), headers);
    await fetch(`${mock.baseUrl}/models`, { headers });

    expect(mock.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/chat/completions',
      'GET /v1/models',
    ]);
    expect(mock.requests[0]?.headers['x-opencode-session']).toBe('session-under-test');
    expect(mock.requests[0]?.body.model).toBe('kimi-k2.6');
  });

  it('records requests that fail validation', async () => {
    const response = await postChat(mock, chatBody(), SESSION_HEADERS);

    expect(response.status).toBe(401);
    expect(mock.requests).toHaveLength(1);
  });

  it('records a body that is not JSON as the raw text', async () => {
    await postChat(mock, 'not json', headers);

    expect(mock.requests[0]?.body).toBe('not json');
  });

  it('answers with a default text reply when nothing is scripted', async () => {
    const response = await postChat(mock, chatBody(), headers);
    const body = await jsonOf(response);

    expect(body.choices[0].message.content).toBe('Hello from the mock upstream.');
  });

  it('uses enqueued replies first, once each, in order', async () => {
    mock.enqueue(textReply('first'), textReply('second'));
    mock.script(() => textReply('scripted'));

    const contents = [];
    for (let call = 0; call < 3; call += 1) {
      const body = await jsonOf(await postChat(mock, chatBody(), headers));
      contents.push(body.choices[0].message.content);
    }

    expect(contents).toEqual(['first', 'second', 'scripted']);
  });

  it('does not spend an enqueued reply on a request that fails validation', async () => {
    mock.enqueue(textReply('kept'));

    await postChat(mock, chatBody({ messages: [] }), headers);
    const body = await jsonOf(await postChat(mock, chatBody(), headers));

    expect(body.choices[0].message.content).toBe('kept');
  });

  it('passes the request, the call index and the headers to the script handler', async () => {
    const seen: Array<{ model: string; callIndex: number; session: string | undefined }> = [];
    mock.script((request, context) => {
      seen.push({
        model: request.model,
        callIndex: context.callIndex,
        session: context.headers['x-opencode-session'],
      });
      return textReply(`call ${context.callIndex}`);
    });

    await postChat(mock, chatBody(), headers);
    await postChat(mock, chatBody({ model: 'kimi-k2.6' }), headers);

    expect(seen).toEqual([
      { model: 'glm-5.1', callIndex: 0, session: 'session-under-test' },
      { model: 'kimi-k2.6', callIndex: 1, session: 'session-under-test' },
    ]);
  });

  it('turns a throwing script handler into a 500 that names the error', async () => {
    mock.script(() => {
      throw new Error('no reply for this turn');
    });

    const response = await postChat(mock, chatBody(), headers);

    expect(response.status).toBe(500);
    expect(JSON.stringify(await jsonOf(response))).toContain('no reply for this turn');
  });

  it('marks a request whose client disconnected before the reply finished', async () => {
    mock.enqueue(textReply('slow answer', { chunkSize: 1, delayMs: 50 }));
    const controller = new AbortController();

    const response = await postChat(mock, streamingBody(), headers, controller.signal);
    await response.body?.getReader().read();
    controller.abort();

    await waitFor(() => mock.requests[0]?.clientAborted === true, undefined, 'the abort to be recorded');
  });

  it('does not mark a request that completed normally as aborted', async () => {
    await readSse(await postChat(mock, streamingBody(), headers));

    expect(mock.requests[0]?.clientAborted).toBe(false);
  });

  it('closes immediately even while a reply is still streaming', async () => {
    // Each chunk waits ten minutes: only a close that cuts the reply short lets the read end within the test.
    mock.enqueue(textReply('never finishes', { chunkSize: 1, delayMs: 600_000 }));
    const response = await postChat(mock, streamingBody(), headers);
    const reading = readSse(response);

    await mock.close();
    const read = await reading;

    expect(read.error).not.toBeNull();
  });

  it('sends error replies with their status, headers and JSON body', async () => {
    mock.enqueue(errorReply(418, { error: { message: 'teapot' } }, { 'x-custom': 'yes' }));

    const response = await postChat(mock, chatBody(), headers);

    expect(response.status).toBe(418);
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(await jsonOf(response)).toEqual({ error: { message: 'teapot' } });
  });

  it('sends a string error body verbatim, like an HTML gateway page', async () => {
    mock.enqueue(errorReply(502, '<html>Bad Gateway</html>'));

    const response = await postChat(mock, chatBody(), headers);

    expect(response.status).toBe(502);
    expect(await response.text()).toBe('<html>Bad Gateway</html>');
  });
});

describe('mock upstream without an API key', () => {
  it('accepts requests with no Authorization header', async () => {
    const mock = await startMockUpstream();
    try {
      const response = await postChat(mock, chatBody());
      expect(response.status).toBe(200);
    } finally {
      await mock.close();
    }
  });

  it('serves a custom model catalog when given one', async () => {
    const mock = await startMockUpstream({ models: ['glm-5.2'] });
    try {
      const list = await jsonOf(await fetch(`${mock.baseUrl}/models`));
      const accepted = await postChat(mock, chatBody({ model: 'glm-5.2' }));
      const refused = await postChat(mock, chatBody({ model: 'glm-5.1' }));

      expect(list.data.map((model: { id: string }) => model.id)).toEqual(['glm-5.2']);
      expect(accepted.status).toBe(200);
      expect(refused.status).toBe(401);
    } finally {
      await mock.close();
    }
  });
});
