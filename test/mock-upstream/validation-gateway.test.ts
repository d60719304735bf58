import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockUpstream, startMockUpstream } from './server.ts';
import { chatBody, postChat, postChatForError, SESSION_HEADERS } from './test-helpers.ts';
import { RESPONSES_ONLY_FIELDS } from './validate-body.ts';

const API_KEY = 'sk-gateway-key-0001';
const HEADERS = { ...SESSION_HEADERS, authorization: `Bearer ${API_KEY}` };

describe('gateway validation (auth, session, body shape, model)', () => {
  let mock: MockUpstream;

  beforeEach(async () => {
    mock = await startMockUpstream({ apiKey: API_KEY });
  });

  afterEach(async () => {
    await mock.close();
  });

  it('rejects a request without Authorization with an OpenAI-shaped 401', async () => {
    const { status, body } = await postChatForError(mock, chatBody(), SESSION_HEADERS);

    expect(status).toBe(401);
    expect(body).toMatchObject({
      error: {
        type: 'invalid_request_error',
        param: null,
        code: null,
        message: expect.stringContaining("You didn't provide an API key"),
      },
    });
  });

  it('rejects a wrong key with invalid_api_key and never echoes the whole key', async () => {
    const { status, body } = await postChatForError(mock, chatBody(), {
      ...SESSION_HEADERS,
      authorization: 'Bearer sk-wrong-key-9999',
    });

    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
    expect(JSON.stringify(body)).toContain('Incorrect API key provided: sk-');
    expect(JSON.stringify(body)).not.toContain('sk-wrong-key-9999');
  });

  it('checks the key before the session header', async () => {
    const { status } = await postChatForError(mock, chatBody(), { 'content-type': 'application/json' });

    expect(status).toBe(401);
  });

  it('rejects a request without x-opencode-session with the exact Go MissingSessionID body', async () => {
    const { status, body } = await postChatForError(mock, chatBody(), { authorization: `Bearer ${API_KEY}` });

    expect(status).toBe(400);
    expect(body).toEqual({
      type: 'error',
      error: {
        type: 'MissingSessionID',
        message:
          'Error from provider (Console Go): Request is missing x-opencode-session and cannot be routed efficiently. Please see https://opencode.ai/docs/go/#where-can-i-use-it',
      },
    });
  });

  it('rejects a body that is not JSON', async () => {
    const { status, body } = await postChatForError(mock, '{"model":', HEADERS);

    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('We could not parse the JSON body of your request.');
  });

  it('rejects a body without a model', async () => {
    const { status, body } = await postChatForError(
      mock,
      { messages: [{ role: 'user', content: 'hi' }] },
      HEADERS,
    );

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { message: 'you must provide a model parameter' } });
  });

  it('rejects a body without messages', async () => {
    const { status, body } = await postChatForError(mock, { model: 'glm-5.1' }, HEADERS);

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { param: 'messages', code: 'missing_required_parameter' } });
  });

  it('rejects an empty messages array', async () => {
    const { status, body } = await postChatForError(mock, chatBody({ messages: [] }), HEADERS);

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { param: 'messages', code: 'empty_array' } });
  });

  it('rejects an empty tools array', async () => {
    const { status, body } = await postChatForError(mock, chatBody({ tools: [] }), HEADERS);

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { param: 'tools', code: 'empty_array' } });
  });

  it.each(RESPONSES_ONLY_FIELDS)(
    'rejects the Responses-only field %s as an unrecognized argument',
    async (field) => {
      const { status, body } = await postChatForError(mock, { ...chatBody(), [field]: 'leaked' }, HEADERS);

      expect(status).toBe(400);
      expect(body).toEqual({
        error: {
          message: `Unrecognized request argument supplied: ${field}`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    },
  );

  it('names every leaked Responses field at once', async () => {
    const { body } = await postChatForError(mock, { ...chatBody(), input: [], store: false }, HEADERS);

    expect(body).toMatchObject({
      error: { message: 'Unrecognized request arguments supplied: input, store' },
    });
  });

  it('tolerates unknown Chat fields such as stream_options extras', async () => {
    const body = chatBody({
      stream_options: { include_usage: true, reasoning_summary_delivery: 'sequential_cutoff' },
    });

    expect((await postChat(mock, body, HEADERS)).status).toBe(200);
  });

  it('rejects a message role the API does not know', async () => {
    const { status, body } = await postChatForError(
      mock,
      chatBody({ messages: [{ role: 'model', content: 'x' }] }),
      HEADERS,
    );

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { param: 'messages[0].role', code: 'invalid_value' } });
  });

  it('rejects a hosted tool passed through to a DeepSeek model', async () => {
    const tools = [{ type: 'web_search' }];
    const { status, body } = await postChatForError(
      mock,
      chatBody({ model: 'deepseek-v4-pro', tools }),
      HEADERS,
    );

    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('tools[0].type: unknown variant `web_search`');
  });

  it("rejects a hosted tool passed through to GLM with Z.AI's own text", async () => {
    const tools = [
      { type: 'function', function: { name: 'shell', parameters: { type: 'object' } } },
      { type: 'web_search' },
    ];
    const { status, body } = await postChatForError(mock, chatBody({ tools }), HEADERS);

    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: '1214', message: 'tools[1].web_search can not be null' } });
  });

  it('rejects a model Go does not serve with a 401 ModelError', async () => {
    const { status, body } = await postChatForError(mock, chatBody({ model: 'gpt-5.5' }), HEADERS);

    expect(status).toBe(401);
    expect(body).toEqual({
      type: 'error',
      error: { type: 'ModelError', message: 'Model gpt-5.5 not supported' },
    });
  });

  it.each(['qwen3.6-plus', 'minimax-m2.7'])(
    'rejects %s on chat completions because Go serves it only as /messages',
    async (model) => {
      const { status, body } = await postChatForError(mock, chatBody({ model }), HEADERS);

      expect(status).toBe(401);
      expect(body).toEqual({
        type: 'error',
        error: { type: 'ModelError', message: `Model ${model} is not supported for format oa-compat` },
      });
    },
  );
});
