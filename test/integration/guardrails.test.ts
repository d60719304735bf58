/**
 * Guardrails for Codex subagents (requests with `x-openai-subagent: collab_spawn`), through the real bridge and the
 * strict mock: every answer still comes from the model, and every bridge decision is visible (in the upstream
 * prompt, marked as the bridge's, and in the log line).
 */
import { describe, expect, it } from 'vitest';
import { textReply, toolCallReply } from '../mock-upstream/index.ts';
import { postResponses, type TestBridge, useTestBridges } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';

const bridge = useTestBridges();
const SUBAGENT = { 'x-openai-subagent': 'collab_spawn', 'session-id': 'guard-1' };
const tools = [
  {
    type: 'function',
    name: 'exec_command',
    parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
  },
];
const user = (text: string) => ({ role: 'user', content: text });
const call = (id: string, cmd: string) => ({
  type: 'function_call',
  call_id: id,
  name: 'exec_command',
  arguments: JSON.stringify({ cmd }),
});
const output = (id: string, text = 'ok') => ({ type: 'function_call_output', call_id: id, output: text });

const ask = (
  t: TestBridge,
  input: unknown[],
  headers: Record<string, string> = SUBAGENT,
  model = 'ocg-deepseek-v4-flash',
) => postResponses(t.baseUrl, { model, input, tools, stream: true }, headers);
const chatCalls = (t: TestBridge) =>
  t.upstream.requests.filter((request) => request.path.endsWith('/chat/completions'));
const guardrailLog = (t: TestBridge) =>
  t.logs().find((line) => line.guardrails)?.guardrails as { decisions: string[] };

describe('subagent guardrails', () => {
  it('does not forward a call identical to one already answered, and re-asks the model with a note', async () => {
    const t = await bridge();
    t.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd": "ls"}' }], { reasoning: 'List again?' }),
      textReply('RESULT: two files, a and b.'),
    );
    const { events } = await ask(t, [user('task'), call('c1', 'ls'), output('c1', 'a\nb')]);
    expect(eventViolations(events)).toEqual([]);
    const items = events.at(-1)?.response.output.map((item: { type: string }) => item.type);
    expect(items).toEqual(['reasoning', 'message']);
    const reask = chatCalls(t)[1]?.body.messages;
    expect(reask.at(-1)).toMatchObject({
      role: 'tool',
      content: expect.stringContaining('already made (call c1)'),
    });
    expect(guardrailLog(t).decisions[0]).toContain('duplicate tool call');
    expect(events.at(-1)?.response.metadata.opencode_bridge_guardrails).toContain('duplicate tool call');
  });

  it('re-asks once when the answer only announces an action; both messages stay visible', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('I will now run the tests.'), textReply('RESULT: 12 tests pass.'));
    const { events } = await ask(t, [user('run the tests and report')]);
    expect(eventViolations(events)).toEqual([]);
    const texts = events
      .at(-1)
      ?.response.output.filter((item: { type: string }) => item.type === 'message')
      .map((item: any) => item.content[0].text);
    expect(texts).toEqual(['I will now run the tests.', 'RESULT: 12 tests pass.']);
    expect(chatCalls(t)[1]?.body.messages.at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringContaining('[opencode-bridge]'),
    });
  });

  it('never hands Codex a call the upstream cut short (finish_reason length), and ends incomplete', async () => {
    const t = await bridge();
    t.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd": "rm -rf bui' }], { finishReason: 'length' }),
    );
    const { events } = await ask(t, [user('clean the build directory')]);
    expect(eventViolations(events)).toEqual([]);
    expect(events.some((event) => event.item?.type === 'function_call')).toBe(false);
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'max_output_tokens' } },
    });
    expect(events.at(-1)?.response.metadata.opencode_bridge_guardrails).toContain(
      'finish_reason length): 1 tool call(s) not forwarded',
    );
    expect(chatCalls(t)).toHaveLength(1);
  });

  it('ends incomplete, saying why, when the model only announces twice', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('I will now run the tests.'), textReply('Running the tests now.'));
    const { events } = await ask(t, [user('run the tests and report')]);
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'non_terminal_answer' } },
    });
  });

  it('withdraws tools after OSS_MAX_TOOL_TURNS and lets CONTINUATION_MODEL write the final answer, naming it', async () => {
    const t = await bridge({ OSS_MAX_TOOL_TURNS: '2' });
    t.upstream.enqueue(textReply('RESULT: done from the evidence.'));
    const { events } = await ask(t, [
      user('task'),
      call('a', 'ls'),
      output('a'),
      call('b', 'pwd'),
      output('b'),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { model: 'ocg-kimi-k2.6' } });
    const sent = chatCalls(t)[0]?.body;
    expect(sent.model).toBe('kimi-k2.6');
    expect(sent).not.toHaveProperty('tools');
    expect(sent.messages[0].content).toContain(
      '[opencode-bridge] You have used your tool budget (2 tool turns)',
    );
  });

  it('on the Messages wire keeps withdrawn tools declared with tool_choice none (the strict mock requires it)', async () => {
    const t = await bridge({ OSS_MAX_TOOL_TURNS: '1', CONTINUATION_TOOLS: 'same' });
    t.upstream.enqueue(textReply('RESULT: done.'));
    const { events } = await ask(
      t,
      [user('task'), call('a', 'ls'), output('a')],
      SUBAGENT,
      'ocg-qwen3.6-plus',
    );
    expect(events.at(-1)).toMatchObject({ type: 'response.completed' });
    const sent = t.upstream.requests.at(-1)?.body;
    expect(sent.tool_choice).toEqual({ type: 'none' });
    expect(sent.tools).toHaveLength(1);
  });

  it('never forwards a tool call made on a turn without tools; the model is asked once for its answer', async () => {
    const t = await bridge({ OSS_MAX_TOOL_TURNS: '1', CONTINUATION_TOOLS: 'same' });
    t.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd": "cat a"}' }]),
      textReply('RESULT: a is empty.'),
    );
    const { events } = await ask(t, [user('task'), call('a', 'ls'), output('a')]);
    expect(eventViolations(events)).toEqual([]);
    expect(events.some((event) => event.item?.type === 'function_call')).toBe(false);
    expect(events.at(-1)?.response.output_text ?? events.at(-1)?.response.output.at(-1).content[0].text).toBe(
      'RESULT: a is empty.',
    );
    expect(chatCalls(t)[1]?.body.messages.at(-1).content).toContain('This turn has no tools');
  });

  it('compacts a huge tool output to head and tail with the omitted size and sha256', async () => {
    const t = await bridge({ MAX_TOOL_OUTPUT_CHARS: '2000' });
    t.upstream.enqueue(textReply('RESULT: seen.'));
    const huge = Array.from({ length: 5000 }, (_, index) => `row ${index}`).join('\n');
    await ask(t, [user('task'), call('a', 'cat big.log'), output('a', huge)]);
    const tool = chatCalls(t)[0]?.body.messages.find((message: { role: string }) => message.role === 'tool');
    expect(tool.content.length).toBeLessThan(2600);
    expect(tool.content).toMatch(/^row 0\n/);
    expect(tool.content).toContain('row 4999');
    expect(tool.content).toMatch(/sha256 [0-9a-f]{64}/);
  });

  it('asks for one call at a time and forwards only the first when the model sends more', async () => {
    const t = await bridge({ FORCE_SINGLE_TOOL_INSTRUCTIONS: '1' });
    t.upstream.enqueue(
      toolCallReply([
        { name: 'exec_command', arguments: '{"cmd":"ls"}' },
        { name: 'exec_command', arguments: '{"cmd":"pwd"}' },
      ]),
    );
    const { events } = await ask(t, [user('task')]);
    const calls = events
      .at(-1)
      ?.response.output.filter((item: { type: string }) => item.type === 'function_call');
    expect(calls.map((item: { arguments: string }) => item.arguments)).toEqual(['{"cmd":"ls"}']);
    const sent = chatCalls(t)[0]?.body;
    expect(sent.parallel_tool_calls).toBe(false);
    expect(sent.messages[0].content).toContain('Call one tool at a time');
    expect(
      guardrailLog(t).decisions.some((decision) => decision.includes('OSS_NATIVE_MAX_TOOL_EXCHANGES')),
    ).toBe(true);
  });

  it('leaves the main session alone: no budget, no re-ask', async () => {
    const t = await bridge({ OSS_MAX_TOOL_TURNS: '1' });
    t.upstream.enqueue(textReply('I will now run the tests.'));
    const { events } = await ask(t, [user('task'), call('a', 'ls'), output('a')], { 'session-id': 'main' });
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(chatCalls(t)).toHaveLength(1);
    expect(chatCalls(t)[0]?.body.tools).toHaveLength(1);
  });

  it('serves a subagent that arrives with a GPT model (a full-history fork) with SUBAGENT_GPT_MODEL_ALIAS', async () => {
    const t = await bridge({
      GPT_MODEL_STRATEGY: 'openai',
      OPENAI_API_KEY: 'sk-unused',
      SUBAGENT_GPT_MODEL_ALIAS: 'kimi-k2.6',
    });
    t.upstream.enqueue(textReply('RESULT: answered by Kimi.'));
    const { events } = await ask(t, [user('task')], SUBAGENT, 'gpt-5.5');
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { model: 'ocg-kimi-k2.6' } });
    expect(chatCalls(t)[0]?.body.model).toBe('kimi-k2.6');
    expect(t.logs().find((line) => line.aliasedFrom)?.aliasedFrom).toBe('gpt-5.5');
  });
});
