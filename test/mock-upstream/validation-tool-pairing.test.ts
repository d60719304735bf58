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

function conversation(model: string, messages: unknown[], extra: Record<string, unknown> = {}) {
  return chatBody({ model, messages: messages as never, ...extra });
}

describe('tool call pairing', () => {
  it('accepts tool results in any order right after the assistant message', async () => {
    const messages = [
      USER_TURN,
      assistantToolCalls(['call_a', 'call_b']),
      toolResult('call_b'),
      toolResult('call_a'),
    ];

    expect((await postChat(mock, conversation('glm-5.1', messages))).status).toBe(200);
  });

  it('rejects a tool call left without a result, naming the missing ids', async () => {
    const messages = [USER_TURN, assistantToolCalls(['call_a', 'call_b']), toolResult('call_a'), USER_TURN];
    const { status, body } = await postChatForError(mock, conversation('glm-5.1', messages));

    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        code: '1214',
        message:
          "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_b",
      },
    });
  });

  it('rejects a conversation that ends on an unanswered tool call', async () => {
    const messages = [USER_TURN, assistantToolCalls(['functions.shell:0'])];

    expect((await postChatForError(mock, conversation('kimi-k2.6', messages))).status).toBe(400);
  });

  it("uses DeepSeek's own wording for a missing tool result", async () => {
    const messages = [USER_TURN, assistantToolCalls(['call_a']), USER_TURN];
    const { body } = await postChatForError(mock, conversation('deepseek-v4-flash', messages));

    expect(body).toEqual({
      error: {
        message:
          "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. (insufficient tool messages following tool_calls message)",
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      },
    });
  });

  it('rejects a tool message separated from its call by another message', async () => {
    const messages = [USER_TURN, assistantToolCalls(['call_a']), USER_TURN, toolResult('call_a')];

    expect((await postChatForError(mock, conversation('glm-5.1', messages))).status).toBe(400);
  });

  it('rejects a tool message that answers no call of the preceding assistant message', async () => {
    const messages = [USER_TURN, assistantToolCalls(['functions.shell:0']), toolResult('functions.shell:9')];
    const { status, body } = await postChatForError(mock, conversation('kimi-k2.6', messages));

    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        message:
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        type: 'invalid_request_error',
      },
    });
  });

  it('rejects a second answer to the same call', async () => {
    const messages = [USER_TURN, assistantToolCalls(['call_a']), toolResult('call_a'), toolResult('call_a')];

    expect((await postChatForError(mock, conversation('glm-5.1', messages))).status).toBe(400);
  });

  it("uses DeepSeek's own wording for an orphan tool message", async () => {
    const { body } = await postChatForError(
      mock,
      conversation('deepseek-v4-pro', [USER_TURN, toolResult('call_a')]),
    );

    expect(body).toMatchObject({
      error: {
        message: "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'",
      },
    });
  });
});

describe('tool names', () => {
  it('rejects a tool name with characters outside [a-zA-Z0-9_-]', async () => {
    const body = chatBody({ tools: [functionTool('mcp.server/read')] as never });
    const { status, body: error } = await postChatForError(mock, body);

    expect(status).toBe(400);
    expect(JSON.stringify(error)).toContain(
      "Invalid 'tools[0].function.name': string does not match pattern.",
    );
  });

  it('rejects a tool name longer than 64 characters', async () => {
    const body = chatBody({ tools: [functionTool('n'.repeat(65))] as never });
    const { status, body: error } = await postChatForError(mock, body);

    expect(status).toBe(400);
    expect(JSON.stringify(error)).toContain('string too long. Expected a string with maximum length 64');
  });

  it('accepts a 64-character name made of letters, digits, underscores and dashes', async () => {
    const body = chatBody({ tools: [functionTool(`ns__tool-${'x'.repeat(55)}`)] as never });

    expect((await postChat(mock, body)).status).toBe(200);
  });
});
