import { describe, expect, it } from 'vitest';
import { readCodexRequest } from '../../test/support/fixtures.ts';
import { BridgeError } from '../errors.ts';
import { type InputItem, parseInputItems } from './input-items.ts';

function parseOne(item: unknown): InputItem {
  const [parsed] = parseInputItems([item]);
  if (!parsed) throw new Error('nothing parsed');
  return parsed;
}

/** The 400 that parsing throws; fails the test if parsing succeeds. */
function rejection(input: unknown[]): BridgeError {
  try {
    parseInputItems(input);
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected the input to be rejected');
}

const userText = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] };

describe('parseInputItems: messages', () => {
  it('turns a string input into one user message', () => {
    expect(parseInputItems('Why does the build fail?')).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'Why does the build fail?' }] },
    ]);
  });

  it.each(['user', 'assistant', 'system', 'developer'])('reads a %s message', (role) => {
    expect(parseOne({ type: 'message', role, content: [{ type: 'input_text', text: 'x' }] })).toEqual({
      type: 'message',
      role,
      content: [{ type: 'text', text: 'x' }],
    });
  });

  it('reads an EasyInputMessage without type and with string content', () => {
    expect(parseOne({ role: 'user', content: 'Fix the lockfile.' })).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'text', text: 'Fix the lockfile.' }],
    });
  });

  it('reads output_text and refusal parts of an assistant message as text', () => {
    const item = {
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'output_text', text: 'Here it is.', annotations: [] },
        { type: 'refusal', refusal: 'I cannot do that part.' },
      ],
    };

    expect(parseOne(item)).toMatchObject({
      content: [
        { type: 'text', text: 'Here it is.' },
        { type: 'text', text: 'I cannot do that part.' },
      ],
    });
  });

  it('reads an image URL with its detail', () => {
    const item = {
      role: 'user',
      content: [{ type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' }],
    };

    expect(parseOne(item)).toMatchObject({
      content: [{ type: 'image', imageUrl: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' }],
    });
  });

  it('replaces an image given by file id with a note, since no upstream can fetch it', () => {
    const item = { role: 'user', content: [{ type: 'input_image', file_id: 'file-abc', detail: 'auto' }] };

    expect(parseOne(item)).toMatchObject({
      content: [{ type: 'text', text: expect.stringContaining('image omitted') }],
    });
  });

  it('reads a file part by its name', () => {
    const item = {
      role: 'user',
      content: [{ type: 'input_file', filename: 'report.pdf', file_data: '...' }],
    };

    expect(parseOne(item)).toMatchObject({ content: [{ type: 'file', filename: 'report.pdf' }] });
  });

  it('reads a message without content as empty', () => {
    expect(parseOne({ type: 'message', role: 'assistant', content: null })).toMatchObject({ content: [] });
  });

  it('reads every input item of a real Codex request without dropping messages', () => {
    const items = parseInputItems(readCodexRequest('basic-01').body.input as unknown[]);

    expect(items.length).toBeGreaterThan(3);
    expect(
      items.filter((item) => item.type === 'message').map((item) => item.type === 'message' && item.role),
    ).toEqual(expect.arrayContaining(['developer', 'user']));
    expect(items.filter((item) => item.type === 'dropped')).toEqual([]);
  });
});

describe('parseInputItems: reasoning', () => {
  it('reads reasoning with content null, as Codex sends it', () => {
    const item = {
      type: 'reasoning',
      id: 'rs_1',
      summary: [],
      content: null,
      encrypted_content: 'ocb1.abc',
    };

    expect(parseOne(item)).toEqual({
      type: 'reasoning',
      id: 'rs_1',
      text: undefined,
      encryptedContent: 'ocb1.abc',
    });
  });

  it('reads raw reasoning text from reasoning_text parts', () => {
    const item = {
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Planned.' }],
      content: [
        { type: 'reasoning_text', text: 'First, list files.' },
        { type: 'reasoning_text', text: 'Then read them.' },
      ],
    };

    expect(parseOne(item)).toEqual({
      type: 'reasoning',
      id: undefined,
      text: 'First, list files.\nThen read them.',
      encryptedContent: undefined,
    });
  });
});

describe('parseInputItems: tool calls and outputs', () => {
  it('reads a function call with its namespace', () => {
    const item = {
      type: 'function_call',
      call_id: 'call_1',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
      arguments: '{"message":"review"}',
    };

    expect(parseOne(item)).toEqual({
      type: 'function_call',
      callId: 'call_1',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
      arguments: '{"message":"review"}',
    });
  });

  it('gives a function call without arguments an empty object', () => {
    expect(parseOne({ type: 'function_call', call_id: 'call_1', name: 'get_goal' })).toMatchObject({
      arguments: '{}',
    });
  });

  it('reads a custom tool call with its raw input', () => {
    const item = {
      type: 'custom_tool_call',
      call_id: 'call_p',
      name: 'apply_patch',
      input: '*** Begin Patch\n',
    };

    expect(parseOne(item)).toEqual({
      type: 'custom_tool_call',
      callId: 'call_p',
      name: 'apply_patch',
      namespace: undefined,
      input: '*** Begin Patch\n',
    });
  });

  it('reads a local shell call with its action', () => {
    const action = { type: 'exec', command: ['ls', '-la'], env: {} };

    expect(parseOne({ type: 'local_shell_call', call_id: 'call_sh', action })).toEqual({
      type: 'local_shell_call',
      callId: 'call_sh',
      action,
    });
  });

  it('reads a function call output given as a string', () => {
    expect(parseOne({ type: 'function_call_output', call_id: 'call_1', output: 'exit 0' })).toEqual({
      type: 'tool_output',
      callId: 'call_1',
      output: [{ type: 'text', text: 'exit 0' }],
    });
  });

  it('reads a function call output given as text and image parts', () => {
    const item = {
      type: 'function_call_output',
      call_id: 'call_img',
      output: [
        { type: 'input_text', text: 'screenshot:' },
        { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
      ],
    };

    expect(parseOne(item)).toEqual({
      type: 'tool_output',
      callId: 'call_img',
      output: [
        { type: 'text', text: 'screenshot:' },
        { type: 'image', imageUrl: 'data:image/png;base64,AAAA' },
      ],
    });
  });

  it('reads a custom tool call output', () => {
    expect(parseOne({ type: 'custom_tool_call_output', call_id: 'call_p', output: 'Done!' })).toMatchObject({
      type: 'tool_output',
      callId: 'call_p',
    });
  });

  it('reads a local shell call output keyed by id', () => {
    expect(parseOne({ type: 'local_shell_call_output', id: 'call_sh', output: 'total 0' })).toMatchObject({
      type: 'tool_output',
      callId: 'call_sh',
    });
  });

  it('reads additional tools', () => {
    const tools = [{ type: 'function', name: 'lookup', parameters: {} }];

    expect(parseOne({ type: 'additional_tools', tools })).toEqual({ type: 'additional_tools', tools });
  });
});

describe("parseInputItems: Codex's tool search", () => {
  it('reads a client-run tool_search_call and its output, as Codex 0.169 sends them', () => {
    const items = parseInputItems(readCodexRequest('tool_search-01').body.input as unknown[]);
    expect(items.at(-2)).toEqual({
      type: 'tool_search_call',
      callId: 'ts_1',
      arguments: '{"query":"spawn agent","limit":8}',
    });
    expect(items.at(-1)).toMatchObject({
      type: 'tool_search_output',
      callId: 'ts_1',
      tools: [expect.objectContaining({ type: 'namespace', name: 'multi_agent_v1' })],
    });
  });

  it('drops a search OpenAI servers ran, which no other model can use', () => {
    expect(
      parseOne({
        type: 'tool_search_output',
        call_id: 's',
        status: 'completed',
        execution: 'server',
        tools: [],
      }),
    ).toMatchObject({ type: 'dropped', reason: expect.stringContaining('OpenAI servers') });
  });

  it('refuses a tool_search_output whose tools are not a list', () => {
    expect(
      rejection([{ type: 'tool_search_output', call_id: 's', execution: 'client', tools: 'x' }]).message,
    ).toContain('input[0].tools');
  });
});

describe('parseInputItems: agent messages', () => {
  it('turns a readable agent message into a user message', () => {
    const item = { type: 'agent_message', content: [{ type: 'input_text', text: 'Review src/config.ts' }] };

    expect(parseOne(item)).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'text', text: 'Review src/config.ts' }],
    });
  });

  it('reads a plaintext payload in encrypted_content, as Codex 0.146 sent it', () => {
    expect(
      parseOne({ type: 'agent_message', encrypted_content: 'Review src/config.ts please' }),
    ).toMatchObject({
      content: [{ type: 'text', text: 'Review src/config.ts please' }],
    });
  });

  it('refuses a task Codex encrypted for OpenAI, saying how to spawn instead', () => {
    const error = rejection([{ type: 'agent_message', encrypted_content: `gAAAAAB${'x'.repeat(80)}` }]);

    expect(error).toMatchObject({ status: 400, code: 'unreadable_agent_message', param: 'input[0]' });
    expect(error.message).toContain('multi_agent_version');
  });
});

describe('parseInputItems: items it cannot translate', () => {
  it.each([
    ['web_search_call', 'hosted web search'],
    ['compaction', 'OpenAI-encrypted compaction'],
    ['item_reference', 'OpenAI server-side state'],
    ['mcp_call', 'hosted MCP tools'],
  ])('drops a %s with the reason', (type, reason) => {
    expect(parseOne({ type, id: 'x' })).toEqual({
      type: 'dropped',
      originalType: type,
      reason: expect.stringContaining(reason),
    });
  });

  it('drops an unknown item type as unknown', () => {
    expect(parseOne({ type: 'hologram', id: 'x' })).toEqual({
      type: 'dropped',
      originalType: 'hologram',
      reason: 'unknown input item type',
    });
  });

  it.each(['constructor', 'toString', '__proto__'])('drops an item typed %s as unknown', (type) => {
    expect(parseOne({ type })).toEqual({
      type: 'dropped',
      originalType: type,
      reason: 'unknown input item type',
    });
  });

  it('keeps the items around a dropped one in order', () => {
    const items = parseInputItems([userText, { type: 'web_search_call' }, userText]);

    expect(items.map((item) => item.type)).toEqual(['message', 'dropped', 'message']);
  });
});

describe('parseInputItems: wrong field types', () => {
  it('refuses a call_id that is not a string, naming its path', () => {
    const error = rejection([
      userText,
      { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{}' },
      { type: 'function_call_output', call_id: 42, output: 'ok' },
    ]);

    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'input[2].call_id' });
    expect(error.message).toContain('input[2].call_id');
  });

  it('refuses a function call without a name', () => {
    expect(rejection([{ type: 'function_call', call_id: 'call_1' }]).param).toBe('input[0].name');
  });

  it('refuses an unknown role', () => {
    expect(rejection([{ type: 'message', role: 'tool', content: 'x' }]).param).toBe('input[0].role');
  });

  it('refuses an item that is not an object', () => {
    expect(rejection([userText, 'just a string']).param).toBe('input[1]');
  });

  it('refuses content that is neither a string nor an array', () => {
    expect(rejection([{ role: 'user', content: { text: 'x' } }]).param).toBe('input[0].content');
  });

  it('refuses a text part whose text is not a string', () => {
    expect(rejection([{ role: 'user', content: [{ type: 'input_text', text: 7 }] }]).param).toBe(
      'input[0].content[0].text',
    );
  });

  it('refuses an unknown content part type', () => {
    const error = rejection([
      { role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_video' }] },
    ]);

    expect(error.param).toBe('input[0].content[1].type');
  });

  it('refuses a wrong part inside a tool output, naming its path', () => {
    const error = rejection([
      { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text' }] },
    ]);

    expect(error.param).toBe('input[0].output[0].text');
  });

  it.each([
    ['an object that cannot become a string', { toString: 1 }],
    ['a number', 7],
    ['null', null],
  ])('refuses an item whose type is %s, naming its path', (_label, type) => {
    const error = rejection([userText, { type, role: 'user', content: 'x' }]);

    expect(error).toMatchObject({ status: 400, param: 'input[1].type' });
    expect(error.message).toContain('expected a string');
  });

  it('refuses a content part whose type is not a string, naming its path', () => {
    const error = rejection([{ role: 'user', content: [{ type: { toString: 1 }, text: 'x' }] }]);

    expect(error).toMatchObject({ status: 400, param: 'input[0].content[0].type' });
  });

  it.each([
    ['a tool that is null', [null], 'input[0].tools.0'],
    ['a tool without a type', [{ name: 'x' }], 'input[0].tools.0.type'],
    [
      'a namespace holding null',
      [{ type: 'namespace', name: 'n', tools: [null] }],
      'input[0].tools.0.tools.0',
    ],
    ['tools that are not a list', 'shell', 'input[0].tools'],
  ])('refuses additional tools with %s, naming its path', (_label, tools, param) => {
    expect(rejection([{ type: 'additional_tools', tools }])).toMatchObject({ status: 400, param });
  });
});
