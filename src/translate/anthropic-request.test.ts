import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCodexRequest } from '../../test/support/fixtures.ts';
import { createModelCatalog } from '../models/catalog.ts';
import { parseInputItems } from '../responses/input-items.ts';
import { parseResponsesRequest } from '../responses/request.ts';
import { DEFAULT_MAX_TOKENS, translateMessagesRequest } from './anthropic-request.ts';
import type { HistoryLookup } from './messages.ts';
import { createReasoningCarrier } from './reasoning-carrier.ts';

const carrier = createReasoningCarrier(randomBytes(32));
const lookup: HistoryLookup = {
  openReasoning: (blob) => carrier.open(blob),
  reasoningByItemId: () => undefined,
  reasoningByCallId: () => undefined,
  callByCallId: () => undefined,
};

function translate(body: Record<string, unknown>, modelId = 'ocg-minimax-m2.7', withdrawTools = false) {
  const model = createModelCatalog().resolve(modelId);
  if (!model) throw new Error('no model');
  const request = parseResponsesRequest({ model: modelId, ...body });
  return translateMessagesRequest(request, parseInputItems(request.input), {
    model,
    lookup,
    stream: true,
    stripTools: false,
    maxOutputTokens: model.maxOutputTokens,
    guardrails: { compaction: undefined, instructions: [], withdrawTools, serialToolCalls: false },
  });
}

const user = (text: string) => ({ role: 'user', content: text });
const call = (id: string, args = '{"cmd":"ls"}') => ({
  type: 'function_call',
  call_id: id,
  name: 'exec_command',
  arguments: args,
});
const output = (id: string, text = 'ok') => ({ type: 'function_call_output', call_id: id, output: text });
const tools = [
  {
    type: 'function',
    name: 'exec_command',
    parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
  },
];

describe('translateMessagesRequest', () => {
  it('puts instructions and developer messages in system, and the conversation in alternating turns', () => {
    const { body } = translate({
      instructions: 'Be brief.',
      input: [{ role: 'developer', content: 'Use tools.' }, user('hi')],
    });
    expect(body.system).toBe('Be brief.\n\nUse tools.');
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('asks for max_tokens, capped by the model', () => {
    expect(translate({ input: 'x' }).body.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(translate({ input: 'x', max_output_tokens: 10_000_000 }).body.max_tokens).toBe(131_072);
  });

  it('sends a tool turn as tool_use blocks and answers them with grouped tool_result blocks in the next user turn', () => {
    const { body } = translate({
      input: [
        user('go'),
        call('c1'),
        call('c2', '{"cmd":"pwd"}'),
        output('c1', 'a'),
        output('c2', 'b'),
        user('thanks'),
      ],
      tools,
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'c1', name: 'exec_command', input: { cmd: 'ls' } },
          { type: 'tool_use', id: 'c2', name: 'exec_command', input: { cmd: 'pwd' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'a' },
          { type: 'tool_result', tool_use_id: 'c2', content: 'b' },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
    expect(body.tools).toEqual([
      { name: 'exec_command', input_schema: { type: 'object', properties: { cmd: { type: 'string' } } } },
    ]);
  });

  it('replays thinking as the signed block the model produced, before the tool calls', () => {
    const sealed = carrier.seal({ text: 'plan', model: 'minimax-m2.7', signature: 'sig-1' });
    const { body } = translate({
      input: [
        user('go'),
        { type: 'reasoning', summary: [], encrypted_content: sealed },
        call('c1'),
        output('c1'),
      ],
    });
    expect(body.messages[1]?.content[0]).toEqual({ type: 'thinking', thinking: 'plan', signature: 'sig-1' });
  });

  it('keeps arguments that are not a JSON object visible instead of dropping them', () => {
    const { body } = translate({ input: [user('go'), call('c1', 'not json'), output('c1')] });
    expect(body.messages[1]?.content[0]).toMatchObject({
      type: 'tool_use',
      input: { raw_arguments: 'not json' },
    });
  });

  it('opens with a user turn even when the history starts with the assistant', () => {
    const { body } = translate({ input: [{ role: 'assistant', content: 'Earlier answer.' }, user('go on')] });
    expect(body.messages[0]?.role).toBe('user');
    expect(body.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('sends images as base64 image blocks to Qwen', () => {
    const image = { type: 'input_image', image_url: 'data:image/png;base64,AAAA' };
    const { body } = translate(
      { input: [{ role: 'user', content: [{ type: 'input_text', text: 'see' }, image] }] },
      'ocg-qwen3.6-plus',
    );
    expect(body.messages[0]?.content[1]).toEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'AAAA' },
    });
  });

  it('declares the tools of the history when the budget withdrew them, switched off with tool_choice none', () => {
    const { body, notes } = translate(
      { input: [user('task'), call('a'), output('a')], tools },
      'ocg-minimax-m2.7',
      true,
    );
    expect(body.tools?.map((tool) => tool.name)).toEqual(['exec_command']);
    expect(body.tool_choice).toEqual({ type: 'none' });
    expect(notes.map((note) => note.kind)).toContain('tools_withdrawn');
  });

  it('declares the tools of the history, bare and switched off, on a turn without tools', () => {
    const { body } = translate({ input: [user('task'), call('a'), output('a'), user('now answer')] });
    expect(body.tools).toEqual([{ name: 'exec_command', input_schema: { type: 'object' } }]);
    expect(body.tool_choice).toEqual({ type: 'none' });
    expect(translate({ input: [user('hi')] }).body).not.toHaveProperty('tools');
  });

  it('maps tool_choice and parallel_tool_calls, and downgrades a forced choice for MiniMax', () => {
    const qwen = translate(
      { input: 'x', tools, tool_choice: 'required', parallel_tool_calls: false },
      'ocg-qwen3.6-plus',
    );
    expect(qwen.body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    const minimax = translate({ input: 'x', tools, tool_choice: 'required' });
    expect(minimax.body.tool_choice).toEqual({ type: 'auto' });
    expect(minimax.notes).toContainEqual(expect.objectContaining({ kind: 'tool_choice_downgraded' }));
  });

  it('translates a real Codex tool-turn request into a valid alternating conversation', () => {
    const { body } = translate(readCodexRequest('basic-01').body);
    const roles = body.messages.map((message) => message.role);
    expect(roles[0]).toBe('user');
    expect(roles.every((role, index) => index === 0 || role !== roles[index - 1])).toBe(true);
    expect(body.system).toContain('You are a coding agent');
    expect(body.messages.at(-1)?.content[0]).toMatchObject({
      type: 'tool_result',
      tool_use_id: 'call_3hs87gls',
    });
  });

  it("replays Codex's tool search as tool_use and tool_result, and offers the tools it found", () => {
    const { body } = translate(readCodexRequest('tool_search-01').body, 'ocg-qwen3.6-plus');
    const names = body.tools?.map((tool) => tool.name) ?? [];
    expect(names).toContain('tool_search');
    expect(names).toContain('multi_agent_v1__spawn_agent');
    const blocks = body.messages.flatMap((message) => message.content as Array<Record<string, unknown>>);
    expect(blocks).toContainEqual({
      type: 'tool_use',
      id: 'ts_1',
      name: 'tool_search',
      input: { query: 'spawn agent', limit: 8 },
    });
    const result = blocks.find((block) => block.type === 'tool_result');
    expect(result).toMatchObject({ tool_use_id: 'ts_1' });
    expect(String(result?.content)).toContain('multi_agent_v1__spawn_agent');
  });
});
