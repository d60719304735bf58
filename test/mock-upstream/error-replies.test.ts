import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOverflow, goUsageLimit, modelError, rateLimited, serverError } from './replies.ts';
import { type MockUpstream, startMockUpstream } from './server.ts';
import { jsonOf, postChat, streamingBody } from './test-helpers.ts';

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

async function answerTo(reply: Parameters<MockUpstream['enqueue']>[0]) {
  mock.enqueue(reply);
  const response = await postChat(mock, streamingBody());
  return { status: response.status, headers: response.headers, body: await jsonOf(response) };
}

describe('error reply helpers', () => {
  it('rateLimited sends the Go provider rate-limit 429', async () => {
    const { status, headers, body } = await answerTo(rateLimited());

    expect(status).toBe(429);
    expect(headers.get('retry-after')).toBeNull();
    expect(body).toEqual({
      error: {
        message: 'Error from provider (Console Go): Provider rate limit exceeded',
        type: 'rate_limit_error',
        param: null,
        code: 'provider_rate_limit_exceeded',
      },
    });
  });

  it('rateLimited adds Retry-After when given seconds', async () => {
    const { headers } = await answerTo(rateLimited(7));

    expect(headers.get('retry-after')).toBe('7');
  });

  it('goUsageLimit sends the GoUsageLimitError 429 with the 5-hour message by default', async () => {
    const { status, body } = await answerTo(goUsageLimit());

    expect(status).toBe(429);
    expect(body).toEqual({
      type: 'error',
      error: { type: 'GoUsageLimitError', message: '5-hour usage limit reached. Resets in 4hr 59min' },
    });
  });

  it('goUsageLimit takes another message and a Retry-After of hours', async () => {
    const { headers, body } = await answerTo(
      goUsageLimit('Weekly usage limit reached. Resets in 19hr', 51_105),
    );

    expect(headers.get('retry-after')).toBe('51105');
    expect(body.error.message).toBe('Weekly usage limit reached. Resets in 19hr');
  });

  it('contextOverflow sends an OpenAI-shaped context_length_exceeded 400', async () => {
    const { status, body } = await answerTo(contextOverflow(1000, 1500));

    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        message:
          "This model's maximum context length is 1000 tokens. However, your messages resulted in 1500 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });
  });

  it('serverError sends the Go internal error body with the chosen status', async () => {
    expect(await answerTo(serverError())).toMatchObject({
      status: 500,
      body: { type: 'error', message: 'Internal server error' },
    });
    expect((await answerTo(serverError(503))).status).toBe(503);
  });

  it('modelError sends a 401 ModelError naming the model', async () => {
    const { status, body } = await answerTo(modelError('glm-9'));

    expect(status).toBe(401);
    expect(body).toEqual({
      type: 'error',
      error: { type: 'ModelError', message: 'Model glm-9 not supported' },
    });
  });
});
