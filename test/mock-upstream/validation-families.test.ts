import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockUpstream, startMockUpstream } from './server.ts';
import {
  assistantToolCalls,
  chatBody,
  functionTool,
  postChat,
  postChatForError,
  toolResult,
  USER_TURN,
} from './test-helpers.ts';

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

const DEEPSEEK_REASONING_ERROR = {
  error: {
    message: 'The reasoning_content in the thinking mode must be passed back to the API.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_request_error',
  },
};

function deepseek(messages: unknown[], extra: Record<string, unknown> = {}) {
  return chatBody({ model: 'deepseek-v4-pro', messages: messages as never, ...extra });
}

function kimi(messages: unknown[], extra: Record<string, unknown> = {}) {
  return chatBody({ model: 'kimi-k2.6', messages: messages as never, ...extra });
}

describe('DeepSeek family rules', () => {
  it('rejects the developer role the way its deserialiser does', async () => {
    const { status, body } = await postChatForError(
      mock,
      deepseek([{ role: 'developer', content: 'Be brief.' }, USER_TURN]),
    );

    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('messages[0].role: unknown variant `developer`');
  });

  it('rejects an assistant message without reasoning_content in thinking mode', async () => {
    const messages = [USER_TURN, { role: 'assistant', content: 'Done.' }, USER_TURN];
    const { status, body } = await postChatForError(mock, deepseek(messages));

    expect(status).toBe(400);
    expect(body).toEqual(DEEPSEEK_REASONING_ERROR);
  });

  it('rejects an empty reasoning_content like V4 Pro does', async () => {
    const messages = [USER_TURN, { role: 'assistant', content: 'Done.', reasoning_content: '' }, USER_TURN];

    expect(await postChatForError(mock, deepseek(messages))).toEqual({
      status: 400,
      body: DEEPSEEK_REASONING_ERROR,
    });
  });

  it('accepts a single space as reasoning_content', async () => {
    const messages = [USER_TURN, { role: 'assistant', content: 'Done.', reasoning_content: ' ' }, USER_TURN];

    expect((await postChat(mock, deepseek(messages))).status).toBe(200);
  });

  it('does not require reasoning_content when thinking is disabled', async () => {
    const messages = [USER_TURN, { role: 'assistant', content: 'Done.' }, USER_TURN];

    expect((await postChat(mock, deepseek(messages, { thinking: { type: 'disabled' } }))).status).toBe(200);
  });

  it('rejects an assistant tool-call message without content', async () => {
    const call = assistantToolCalls(['call_1']);
    const { content: _dropped, ...withoutContent } = call;
    const { status, body } = await postChatForError(
      mock,
      deepseek([USER_TURN, withoutContent, toolResult('call_1')]),
    );

    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('messages[1]: missing field `content`');
  });

  it('accepts an empty string as content of an assistant tool-call message', async () => {
    const messages = [USER_TURN, assistantToolCalls(['call_1'], { content: '' }), toolResult('call_1')];

    expect((await postChat(mock, deepseek(messages))).status).toBe(200);
  });

  it.each([['required'], [{ type: 'function', function: { name: 'shell' } }]])(
    'rejects tool_choice %j in thinking mode',
    async (toolChoice) => {
      const body = deepseek([USER_TURN], { tools: [functionTool('shell')], tool_choice: toolChoice });

      expect(await postChatForError(mock, body)).toMatchObject({
        status: 400,
        body: { error: { message: 'Thinking mode does not support this tool_choice' } },
      });
    },
  );

  it('accepts tool_choice auto in thinking mode', async () => {
    const body = deepseek([USER_TURN], { tools: [functionTool('shell')], tool_choice: 'auto' });

    expect((await postChat(mock, body)).status).toBe(200);
  });
});

describe('Kimi family rules', () => {
  it('rejects the developer role', async () => {
    const { status, body } = await postChatForError(
      mock,
      kimi([{ role: 'developer', content: 'Be brief.' }, USER_TURN]),
    );

    expect(status).toBe(400);
    expect(body).toEqual({
      error: { message: 'unsupported role ROLE_UNSPECIFIED', type: 'invalid_request_error' },
    });
  });

  it('rejects a tool-call message without reasoning_content and names its index', async () => {
    const call = assistantToolCalls(['functions.shell:0'], { reasoning_content: undefined });
    const { status, body } = await postChatForError(
      mock,
      kimi([USER_TURN, call, toolResult('functions.shell:0')]),
    );

    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        message:
          'thinking is enabled but reasoning_content is missing in assistant tool call message at index 1',
        type: 'invalid_request_error',
      },
    });
  });

  it('accepts an empty reasoning_content on a tool-call message', async () => {
    const call = assistantToolCalls(['functions.shell:0'], { reasoning_content: '' });

    expect((await postChat(mock, kimi([USER_TURN, call, toolResult('functions.shell:0')]))).status).toBe(200);
  });

  it('accepts a text-only assistant message without reasoning_content', async () => {
    expect(
      (await postChat(mock, kimi([USER_TURN, { role: 'assistant', content: 'Hi.' }, USER_TURN]))).status,
    ).toBe(200);
  });

  it('rejects a temperature other than 1', async () => {
    const { status, body } = await postChatForError(mock, kimi([USER_TURN], { temperature: 0.7 }));

    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { message: 'invalid temperature: only 1 is allowed for this model' },
    });
  });

  it('accepts temperature 1', async () => {
    expect((await postChat(mock, kimi([USER_TURN], { temperature: 1 }))).status).toBe(200);
  });

  it('rejects tool_choice required while thinking', async () => {
    const body = kimi([USER_TURN], { tools: [functionTool('shell')], tool_choice: 'required' });

    expect(await postChatForError(mock, body)).toMatchObject({
      status: 400,
      body: { error: { message: "tool_choice 'required' is incompatible with thinking enabled" } },
    });
  });

  it('rejects a named tool_choice while thinking', async () => {
    const body = kimi([USER_TURN], {
      tools: [functionTool('shell')],
      tool_choice: { type: 'function', function: { name: 'shell' } },
    });

    expect(await postChatForError(mock, body)).toMatchObject({
      body: { error: { message: "tool_choice 'specified' is incompatible with thinking enabled" } },
    });
  });

  it('rejects a tool schema that is not Moonshot flavoured, with the path of the problem', async () => {
    const parameters = { type: 'object', properties: { mode: { enum: ['fast', 'slow'] } } };
    const { status, body } = await postChatForError(
      mock,
      kimi([USER_TURN], { tools: [functionTool('run', parameters)] }),
    );

    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        message:
          "Invalid request: tools.function.parameters is not a valid moonshot flavored json schema, details: <At path 'properties.mode': type is not defined>",
        type: 'invalid_request_error',
      },
    });
  });
});

describe('families without extra rules', () => {
  it('lets GLM take the developer role and assistant messages without reasoning', async () => {
    const messages = [
      { role: 'developer', content: 'Be brief.' },
      USER_TURN,
      { role: 'assistant', content: 'Hi.' },
      USER_TURN,
    ];

    expect((await postChat(mock, chatBody({ model: 'glm-5.1', messages: messages as never }))).status).toBe(
      200,
    );
  });

  it('lets GLM take any temperature and a forced tool_choice', async () => {
    const body = chatBody({
      temperature: 0.2,
      tools: [functionTool('shell')] as never,
      tool_choice: 'required',
    });

    expect((await postChat(mock, body)).status).toBe(200);
  });
});
