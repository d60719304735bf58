import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCodexRequest } from '../../test/support/fixtures.ts';
import { createModelCatalog, type ResolvedModel } from '../models/catalog.ts';
import { parseInputItems } from '../responses/input-items.ts';
import { parseResponsesRequest } from '../responses/request.ts';
import type { ChatMessage } from '../upstream/chat-types.ts';
import type { HistoryLookup } from './messages.ts';
import { NO_OUTPUT_TEXT } from './messages.ts';
import { createReasoningCarrier } from './reasoning-carrier.ts';
import { translateRequest } from './request.ts';

const carrier = createReasoningCarrier(randomBytes(32));
const catalog = createModelCatalog();

function model(id: string): ResolvedModel {
  const resolved = catalog.resolve(id);
  if (!resolved) throw new Error(`no model ${id}`);
  return resolved;
}

function lookup(overrides: Partial<HistoryLookup> = {}): HistoryLookup {
  return {
    openReasoning: (blob) => carrier.open(blob),
    reasoningByItemId: () => undefined,
    reasoningByCallId: () => undefined,
    callByCallId: () => undefined,
    ...overrides,
  };
}

function translate(
  body: Record<string, unknown>,
  modelId = 'ocg-deepseek-v4-pro',
  history = lookup(),
  stripTools = false,
) {
  const request = parseResponsesRequest({ model: modelId, ...body });
  return translateRequest(request, parseInputItems(request.input), {
    model: model(modelId),
    lookup: history,
    stream: true,
    stripTools,
  });
}

function assistantMessages(messages: ChatMessage[]) {
  return messages.filter((message) => message.role === 'assistant') as Extract<
    ChatMessage,
    { role: 'assistant' }
  >[];
}

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const call = (callId: string, name = 'exec_command', args = '{"cmd":"ls"}') => ({
  type: 'function_call',
  call_id: callId,
  name,
  arguments: args,
});
const output = (callId: string, text = 'ok') => ({
  type: 'function_call_output',
  call_id: callId,
  output: text,
});
const reasoning = (text: string) => ({
  type: 'reasoning',
  id: 'rs_1',
  summary: [],
  encrypted_content: carrier.seal({ text, model: 'deepseek-v4-pro' }),
});

describe('translateRequest with real Codex requests', () => {
  it('turns Codex developer messages into system messages for DeepSeek', () => {
    const { body } = translate(readCodexRequest('basic-00').body);
    expect(body.messages.map((message) => message.role)).toEqual(['system', 'user', 'user']);
    expect(body.messages[0]?.content).toContain('You are a coding agent');
    expect(body.messages[0]?.content).toContain('<skills_instructions>');
  });

  it('flattens the multi_agent_v1 namespace and drops the hosted web_search tool', () => {
    const { body, notes } = translate(readCodexRequest('basic-00').body);
    const names = body.tools?.map((tool) => tool.function.name);
    expect(names).toContain('exec_command');
    expect(names).toContain('multi_agent_v1__spawn_agent');
    expect(names?.every((name) => /^[a-zA-Z0-9_-]{1,64}$/.test(name))).toBe(true);
    expect(notes).toContainEqual(
      expect.objectContaining({ kind: 'tool_dropped', detail: expect.stringContaining('web_search') }),
    );
  });

  it('replays a tool turn as one assistant message followed by its tool message', () => {
    const { body } = translate(readCodexRequest('basic-01').body);
    const tail = body.messages.slice(-2);
    expect(tail[0]).toMatchObject({
      role: 'assistant',
      content: '',
      tool_calls: [
        {
          id: 'call_3hs87gls',
          type: 'function',
          function: { name: 'exec_command', arguments: '{"cmd":"echo hi"}' },
        },
      ],
    });
    expect(tail[1]).toMatchObject({ role: 'tool', tool_call_id: 'call_3hs87gls' });
    expect((tail[1] as { content: string }).content).toContain('hi');
  });

  it('keeps two parallel calls in one assistant message, each answered in order', () => {
    const { body } = translate(readCodexRequest('parallel-01').body);
    const assistant = assistantMessages(body.messages).at(-1);
    expect(assistant?.tool_calls).toHaveLength(2);
    const ids = assistant?.tool_calls?.map((toolCall) => toolCall.id);
    expect(
      body.messages.slice(-2).map((message) => (message as { tool_call_id?: string }).tool_call_id),
    ).toEqual(ids);
  });

  it('replays an apply_patch custom tool call as a function call with the patch in `input`', () => {
    const { body } = translate(readCodexRequest('custom_patch-01').body);
    const assistant = assistantMessages(body.messages).at(-1);
    const args = JSON.parse(assistant?.tool_calls?.[0]?.function.arguments ?? '{}');
    expect(assistant?.tool_calls?.[0]?.function.name).toBe('apply_patch');
    expect(args.input).toContain('*** Begin Patch');
    const tool = body.tools?.find((entry) => entry.function.name === 'apply_patch');
    expect(tool?.function.parameters).toMatchObject({ required: ['input'] });
    expect(tool?.function.description).not.toContain('do not wrap the patch in JSON');
  });

  it('drops the empty tools list Codex sends on compaction', () => {
    const { body } = translate(readCodexRequest('compact-01').body);
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it('maps --output-schema to json_object plus an instruction for DeepSeek and to json_schema for generic models', () => {
    const request = readCodexRequest('schema_img-00').body;
    const deepseek = translate(request).body;
    expect(deepseek.response_format).toEqual({ type: 'json_object' });
    expect(deepseek.messages[0]?.content).toContain('"answer"');
    const generic = translate(request, 'ocg-some-new-model').body;
    expect(generic.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'codex_output_schema' },
    });
  });

  it('replaces an image with a placeholder for a model that does not accept images, and keeps it for Kimi', () => {
    const request = readCodexRequest('schema_img-00').body;
    const deepseekUser = translate(request).body.messages.at(-1) as {
      content: Array<{ type: string; text?: string }>;
    };
    expect(deepseekUser.content.some((part) => part.type === 'image_url')).toBe(false);
    expect(deepseekUser.content.map((part) => part.text).join('')).toContain('image omitted');
    const kimiUser = translate(request, 'ocg-kimi-k2.6').body.messages.at(-1) as {
      content: Array<{ type: string }>;
    };
    expect(kimiUser.content.some((part) => part.type === 'image_url')).toBe(true);
  });

  it('never forwards Responses-only fields upstream', () => {
    const { body } = translate(readCodexRequest('basic-01').body);
    for (const key of [
      'input',
      'instructions',
      'store',
      'include',
      'reasoning',
      'text',
      'client_metadata',
      'prompt_cache_key',
    ]) {
      expect(body).not.toHaveProperty(key);
    }
    expect(body.stream_options).toEqual({ include_usage: true });
  });
});

describe('reasoning replay', () => {
  it('puts the sealed reasoning back on the DeepSeek assistant message that made the call', () => {
    const { body } = translate({
      input: [user('go'), reasoning('I should list files'), call('c1'), output('c1')],
    });
    expect(assistantMessages(body.messages)[0]?.reasoning_content).toBe('I should list files');
  });

  it('gives every DeepSeek assistant message reasoning_content, a single space where none is known', () => {
    const input = [
      user('hi'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] },
      user('again'),
    ];
    const { body } = translate({ input });
    expect(assistantMessages(body.messages)[0]?.reasoning_content).toBe(' ');
  });

  it('gives Kimi tool-call messages reasoning_content ("" when unknown) and leaves plain answers alone', () => {
    const input = [
      user('go'),
      call('functions.exec_command:0'),
      output('functions.exec_command:0'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
      user('next'),
    ];
    const [withCalls, plain] = assistantMessages(translate({ input }, 'ocg-kimi-k2.6').body.messages);
    expect(withCalls?.reasoning_content).toBe('');
    expect(plain).not.toHaveProperty('reasoning_content');
  });

  it('ignores a reasoning blob that is not ours and falls back to the state store by call id', () => {
    const foreign = { type: 'reasoning', id: 'rs_x', summary: [], encrypted_content: 'gAAAAAforeignblob' };
    const history = lookup({ reasoningByCallId: (id) => (id === 'c1' ? 'cached reasoning' : undefined) });
    const { body, notes } = translate(
      { input: [user('go'), foreign, call('c1'), output('c1')] },
      'ocg-deepseek-v4-pro',
      history,
    );
    expect(assistantMessages(body.messages)[0]?.reasoning_content).toBe('cached reasoning');
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'reasoning_unreadable' }));
  });

  it('does not borrow cached reasoning when the turn had a readable but empty reasoning item', () => {
    const empty = {
      type: 'reasoning',
      id: 'rs_2',
      summary: [],
      encrypted_content: carrier.seal({ text: '', model: 'deepseek-v4-pro' }),
    };
    const history = lookup({ reasoningByCallId: () => 'reasoning from somewhere else' });
    const { body } = translate(
      { input: [user('go'), empty, call('c1'), output('c1')] },
      'ocg-deepseek-v4-pro',
      history,
    );
    expect(assistantMessages(body.messages)[0]?.reasoning_content).toBe(' ');
  });

  it('ignores a tampered blob without failing', () => {
    const sealed = carrier.seal({ text: 'secret plan', model: 'deepseek-v4-pro' });
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    const input = [
      user('go'),
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: tampered },
      call('c1'),
      output('c1'),
    ];
    const { body, notes } = translate({ input });
    expect(assistantMessages(body.messages)[0]?.reasoning_content).toBe(' ');
    expect(notes).toContainEqual(
      expect.objectContaining({
        kind: 'reasoning_unreadable',
        detail: expect.stringContaining('authentication'),
      }),
    );
  });

  it('wraps replayed reasoning in <think> tags for MiniMax-style chat upstreams', () => {
    const input = [
      user('go'),
      reasoning('plan'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer' }] },
      user('more'),
    ];
    const { body } = translate({ input }, 'ocg-minimax-m2.7');
    expect(assistantMessages(body.messages)[0]?.content).toBe('<think>plan</think>\n\nanswer');
  });
});

describe('history repair', () => {
  it('answers a call that has no output with a "no output" tool message', () => {
    const { body, notes } = translate({ input: [user('go'), call('c1'), user('stop that')] });
    expect(body.messages.slice(-2)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: NO_OUTPUT_TEXT },
      { role: 'user', content: 'stop that' },
    ]);
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'missing_output_filled' }));
  });

  it('re-attaches an orphan output to its call from the state store', () => {
    const history = lookup({
      callByCallId: () => ({ kind: 'function', name: 'exec_command', arguments: '{"cmd":"pwd"}' }),
    });
    const { body } = translate(
      { input: [user('go'), output('c9', '/home')] },
      'ocg-deepseek-v4-pro',
      history,
    );
    expect(body.messages.slice(-2)).toEqual([
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'c9' })] }),
      { role: 'tool', tool_call_id: 'c9', content: '/home' },
    ]);
  });

  it('drops an orphan output it cannot match, with a note', () => {
    const { body, notes } = translate({ input: [user('go'), output('c9', '/home')] });
    expect(body.messages.some((message) => message.role === 'tool')).toBe(false);
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'orphan_output_dropped' }));
  });

  it('pairs each output with its own call when an upstream reuses a call id in a later turn', () => {
    const input = [user('go'), call('functions.exec_command:0'), output('functions.exec_command:0', 'FIRST')];
    input.push(call('functions.exec_command:0'), output('functions.exec_command:0', 'SECOND'));
    const { body } = translate({ input }, 'ocg-kimi-k2.6');
    expect(
      body.messages.filter((message) => message.role === 'tool').map((message) => message.content),
    ).toEqual(['FIRST', 'SECOND']);
  });

  it('sends images a tool returned in a user message after the tool messages, for models that accept images', () => {
    const image = { type: 'input_image', image_url: 'data:image/png;base64,AAAA' };
    const input = [
      user('look'),
      call('c1', 'view_image'),
      { type: 'function_call_output', call_id: 'c1', output: [image] },
    ];
    const kimi = translate({ input }, 'ocg-kimi-k2.6').body.messages;
    expect(kimi.at(-2)).toMatchObject({ role: 'tool', tool_call_id: 'c1' });
    expect(kimi.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Images returned by the tool calls above:' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    });
    const deepseek = translate({ input }).body.messages;
    expect(deepseek.at(-1)).toMatchObject({
      role: 'tool',
      content: '[image omitted: this model does not accept images]',
    });
  });

  it('keeps every later tool exchange of a long history (the original bridge dropped them)', () => {
    const input: unknown[] = [user('go')];
    for (let turn = 1; turn <= 5; turn++)
      input.push(reasoning(`step ${turn}`), call(`c${turn}`), output(`c${turn}`, `out ${turn}`));
    const { body } = translate({ input });
    expect(
      body.messages.filter((message) => message.role === 'tool').map((message) => message.content),
    ).toEqual(['out 1', 'out 2', 'out 3', 'out 4', 'out 5']);
  });
});

describe('request options', () => {
  it('describes a custom tool grammar whose syntax is not a string without naming the syntax', () => {
    const { body } = translate({
      input: 'x',
      tools: [
        {
          type: 'custom',
          name: 'patch',
          format: { type: 'grammar', syntax: { toString: 1 }, definition: 'start: "x"' },
        },
      ],
    });
    expect(body.tools?.[0]?.function.description).toContain('The input must match this grammar:\nstart: "x"');
  });

  it('downgrades a forced tool_choice to auto for thinking models, with a note', () => {
    const { body, notes } = translate({
      input: 'x',
      tools: [{ type: 'function', name: 'f', parameters: {} }],
      tool_choice: 'required',
    });
    expect(body.tool_choice).toBe('auto');
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'tool_choice_downgraded' }));
  });

  it('maps a named tool_choice to the Chat form for models that allow it', () => {
    const { body } = translate(
      {
        input: 'x',
        tools: [{ type: 'function', name: 'f', parameters: {} }],
        tool_choice: { type: 'function', name: 'f' },
      },
      'ocg-some-new-model',
    );
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
  });

  it('does not send temperature or top_p to Kimi', () => {
    const { body, notes } = translate({ input: 'x', temperature: 0.2, top_p: 0.5 }, 'ocg-kimi-k2.6');
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'sampling_dropped' }));
  });

  it('maps reasoning.effort to each family', () => {
    expect(translate({ input: 'x', reasoning: { effort: 'medium' } }).body.reasoning_effort).toBe('high');
    expect(translate({ input: 'x', reasoning: { effort: 'xhigh' } }).body.reasoning_effort).toBe('max');
    expect(translate({ input: 'x', reasoning: { effort: 'none' } }).body.thinking).toEqual({
      type: 'disabled',
    });
    expect(translate({ input: 'x', reasoning: { effort: 'high' } }, 'ocg-kimi-k2.6').body).not.toHaveProperty(
      'reasoning_effort',
    );
    expect(translate({ input: 'x', reasoning: { effort: 'low' } }, 'ocg-other').body.reasoning_effort).toBe(
      'low',
    );
  });

  it('maps max_output_tokens to max_tokens', () => {
    expect(translate({ input: 'x', max_output_tokens: 1234 }).body.max_tokens).toBe(1234);
  });

  it('strips every tool when STRIP_TOOLS is on', () => {
    const request = readCodexRequest('basic-00').body;
    const { body, notes } = translate(request, 'ocg-deepseek-v4-pro', lookup(), true);
    expect(body).not.toHaveProperty('tools');
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'tools_stripped' }));
  });

  it('turns a readable agent_message into a user message', () => {
    const { body } = translate({
      input: [{ type: 'agent_message', content: [{ type: 'input_text', text: 'do the task' }] }],
    });
    expect(body.messages).toEqual([{ role: 'user', content: 'do the task' }]);
  });

  it('rejects an agent_message whose task Codex encrypted, naming the fix', () => {
    expect(() =>
      translate({ input: [{ type: 'agent_message', encrypted_content: `gAAAAA${'x'.repeat(80)}` }] }),
    ).toThrow(/multi_agent_version/);
  });
});

describe("Codex's client-run tool_search", () => {
  it('offers tool_search as a function with its own description and parameters (m55-00: deferred multi_agent_v1)', () => {
    const { body, notes } = translate(readCodexRequest('m55-00').body);
    const search = body.tools?.find((tool) => tool.function.name === 'tool_search');
    expect(search?.function.description).toContain('# Tool discovery');
    expect(search?.function.parameters).toMatchObject({ required: ['query'] });
    expect(body.tools?.map((tool) => tool.function.name)).not.toContain('multi_agent_v1__spawn_agent');
    expect(notes).not.toContainEqual(
      expect.objectContaining({ detail: expect.stringContaining('tool_search') }),
    );
  });

  it('still drops a tool_search that only OpenAI servers would run', () => {
    const { body, notes } = translate({
      input: [user('x')],
      tools: [{ type: 'tool_search' }],
    });
    expect(body.tools).toBeUndefined();
    expect(notes).toContainEqual(
      expect.objectContaining({ kind: 'tool_dropped', detail: expect.stringContaining('tool_search') }),
    );
  });

  it('replays the search as a tool call, its result as the tool message naming the tools found, and offers them', () => {
    const { body } = translate(readCodexRequest('tool_search-01').body);
    const [searching] = assistantMessages(body.messages);
    expect(searching?.tool_calls).toEqual([
      {
        id: 'ts_1',
        type: 'function',
        function: { name: 'tool_search', arguments: '{"query":"spawn agent","limit":8}' },
      },
    ]);
    const result = body.messages.find((message) => message.role === 'tool');
    expect(result).toMatchObject({ tool_call_id: 'ts_1' });
    expect(result?.content).toContain('multi_agent_v1__spawn_agent');
    expect(result?.content).toContain('multi_agent_v1__wait_agent');
    const names = body.tools?.map((tool) => tool.function.name) ?? [];
    expect(names).toContain('multi_agent_v1__spawn_agent');
    expect(names.filter((name) => name === 'multi_agent_v1__spawn_agent')).toHaveLength(1);
  });

  it('offers a found tool once, however many searches found it', () => {
    const { body: capture } = readCodexRequest('tool_search-01');
    const input = capture.input as Array<Record<string, unknown>>;
    const again = input
      .slice(-2)
      .map((item) => ({ ...item, call_id: 'ts_2', ...(item.id ? { id: `${item.id}_2` } : {}) }));
    const { body } = translate({ ...capture, input: [...input, ...again] });
    const names = body.tools?.map((tool) => tool.function.name) ?? [];
    expect(names.filter((name) => name === 'multi_agent_v1__spawn_agent')).toHaveLength(1);
    expect(new Set(names).size).toBe(names.length);
  });

  it('says so when the search found nothing', () => {
    const { body } = translate({
      input: [
        user('x'),
        { type: 'tool_search_call', call_id: 'ts_1', execution: 'client', arguments: { query: 'calendar' } },
        { type: 'tool_search_output', call_id: 'ts_1', status: 'completed', execution: 'client', tools: [] },
      ],
    });
    expect(body.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'ts_1',
      content: 'No tools matched the search.',
    });
  });
});
