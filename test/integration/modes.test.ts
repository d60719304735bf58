/**
 * Subagent task modes through the real bridge and the strict mock upstream (requests marked as Codex subagents):
 * turns the bridge answers itself call no model and say so; turns a model answers get the input, tools and notes
 * the mode sets; a bad handoff is a 400 before anything else happens.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { textReply } from '../mock-upstream/index.ts';
import { postResponses, type TestBridge, useTestBridges } from '../support/bridge-harness.ts';
import { doneItems, eventViolations } from '../support/event-invariants.ts';

const bridge = useTestBridges();
const SUBAGENT = { 'x-openai-subagent': 'collab_spawn', 'session-id': 'modes-1' };
const tools = [
  {
    type: 'function',
    name: 'exec_command',
    parameters: { type: 'object', properties: { cmd: { type: 'string' }, login: { type: 'boolean' } } },
  },
  { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'text' } },
];
const user = (text: string) => ({ role: 'user', content: text });
const context = {
  role: 'user',
  content: '<environment_context>\n  <cwd>/work/project</cwd>\n</environment_context>',
};
const call = (id: string, args: unknown) => ({
  type: 'function_call',
  call_id: id,
  name: 'exec_command',
  arguments: JSON.stringify(args),
});
const patchCall = (id: string, input: string) => ({
  type: 'custom_tool_call',
  call_id: id,
  name: 'apply_patch',
  input,
});
const output = (id: string, body: string, code = 0) => ({
  type: 'function_call_output',
  call_id: id,
  output: `Chunk ID: 1a2b3c\nWall time: 0.0010 seconds\nProcess exited with code ${code}\nOriginal token count: 5\nOutput:\n${body}`,
});
const customOutput = (id: string, text: string) => ({
  type: 'custom_tool_call_output',
  call_id: id,
  output: text,
});
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const ask = (t: TestBridge, input: unknown[], headers: Record<string, string> = SUBAGENT, extra = {}) =>
  postResponses(t.baseUrl, { model: 'ocg-deepseek-v4-flash', input, tools, stream: true, ...extra }, headers);
const chatCalls = (t: TestBridge) =>
  t.upstream.requests.filter((request) => request.path.endsWith('/chat/completions'));
const logLine = (t: TestBridge) =>
  t.logs().find((line) => line.mode) as { msg: string; mode: Record<string, any> } & Record<string, any>;
const handoffBlock = (json: unknown) =>
  `TASK: see the block.\n\`\`\`codex-oss-handoff\n${JSON.stringify(json)}\n\`\`\``;

const PACK_TASK = [
  'TASK: Report the request timeout default.',
  'READ-ONLY PATHS: src/config.ts, docs/notes.md',
  'OWNED PATHS: none',
  'DELIVERABLE: the line that sets the timeout.',
  'grep TIMEOUT in src/config.ts',
].join('\n');

describe('context_pack_report', () => {
  it('answers the first turn itself with the evidence reads, calling no model, and says so', async () => {
    const t = await bridge();
    const { status, events } = await ask(t, [context, user(PACK_TASK)]);
    expect(status).toBe(200);
    expect(eventViolations(events)).toEqual([]);
    expect(doneItems(events)).toEqual([
      expect.objectContaining({
        type: 'function_call',
        call_id: 'ocb_pack_1',
        arguments: JSON.stringify({ cmd: "grep -n -- 'TIMEOUT' 'src/config.ts'", login: false }),
      }),
      expect.objectContaining({
        type: 'function_call',
        call_id: 'ocb_pack_2',
        arguments: JSON.stringify({ cmd: "cat -- 'docs/notes.md'", login: false }),
      }),
    ]);
    expect(events.at(-1)?.response).toMatchObject({
      status: 'completed',
      model: 'opencode-bridge/context-pack',
      usage: null,
      metadata: {
        opencode_bridge_mode: 'context_pack_report',
        opencode_bridge_step: 'gather_evidence',
        opencode_bridge_model_called: 'false',
      },
    });
    expect(t.upstream.requests).toHaveLength(0);
    const line = logLine(t);
    expect(line.msg).toBe('bridge turn (no model called)');
    expect(line).toMatchObject({
      servedModel: 'opencode-bridge/context-pack',
      calls: ['ocb_pack_1', 'ocb_pack_2'],
    });
    expect(line.mode).toMatchObject({ mode: 'context_pack_report', modelCalled: false });
  });

  it('gives the model one no-tools synthesis call with the pack, and streams its answer', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('RESULT: src/config.ts:2 sets TIMEOUT_SECONDS = 300.'));
    const { events } = await ask(t, [
      context,
      user(PACK_TASK),
      call('ocb_pack_1', { cmd: "grep -n -- 'TIMEOUT' 'src/config.ts'", login: false }),
      call('ocb_pack_2', { cmd: "cat -- 'docs/notes.md'", login: false }),
      output('ocb_pack_1', '2:export const TIMEOUT_SECONDS = 300;\n'),
      output('ocb_pack_2', '# Notes\n'),
    ]);
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)?.response).toMatchObject({ status: 'completed', model: 'ocg-deepseek-v4-flash' });
    expect(doneItems(events).map((item: any) => item.content?.[0]?.text)).toEqual([
      'RESULT: src/config.ts:2 sets TIMEOUT_SECONDS = 300.',
    ]);
    const sent = chatCalls(t)[0]?.body;
    expect(chatCalls(t)).toHaveLength(1);
    expect(sent).not.toHaveProperty('tools');
    expect(sent.messages.some((message: any) => message.tool_calls || message.role === 'tool')).toBe(false);
    expect(sent.messages.at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringMatching(/^\[opencode-bridge\] Evidence pack/),
    });
    expect(sent.messages.at(-1).content).toContain(
      "===== ocb_pack_1: $ grep -n -- 'TIMEOUT' 'src/config.ts' (exit code 0) =====\n2:export const TIMEOUT_SECONDS = 300;\n",
    );
    expect(logLine(t).mode).toMatchObject({
      mode: 'context_pack_report',
      step: 'synthesis',
      modelCalled: true,
    });
  });

  it('cuts the pack to CONTEXT_PACK_MAX_CHARS, marking the cut', async () => {
    const t = await bridge({ CONTEXT_PACK_MAX_CHARS: '2000' });
    t.upstream.enqueue(textReply('RESULT: seen.'));
    const big = Array.from({ length: 2000 }, (_, index) => `row ${index}`).join('\n');
    await ask(t, [
      context,
      user('READ-ONLY PATHS: big.log\nOWNED PATHS: none\nDELIVERABLE: a summary'),
      call('ocb_pack_1', { cmd: "cat -- 'big.log'" }),
      output('ocb_pack_1', big),
    ]);
    const pack = chatCalls(t)[0]?.body.messages.at(-1).content as string;
    expect(pack.length).toBeLessThanOrEqual(2000);
    expect(pack).toContain(
      '[opencode-bridge: output cut here to fit the evidence pack (CONTEXT_PACK_MAX_CHARS=2000)',
    );
    expect(logLine(t).mode.decisions).toContainEqual(
      expect.stringMatching(/^pack cut: ocb_pack_1: kept the first \d+ of \d+ characters/),
    );
  });

  it('leaves a request that is not a subagent’s alone, handoff or not', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('RESULT: plain answer.'));
    const { events } = await ask(t, [context, user(PACK_TASK)], { 'session-id': 'main' });
    expect(events.at(-1)?.response.model).toBe('ocg-deepseek-v4-flash');
    expect(chatCalls(t)[0]?.body.tools).toHaveLength(2);
  });

  it('serves a non-streaming request with the Response object', async () => {
    const t = await bridge();
    const { status, json } = await ask(t, [context, user(PACK_TASK)], SUBAGENT, { stream: false });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'opencode-bridge/context-pack',
      usage: null,
    });
    expect(json.output.map((item: { call_id: string }) => item.call_id)).toEqual([
      'ocb_pack_1',
      'ocb_pack_2',
    ]);
  });
});

describe('managed_autonomy', () => {
  it('lets the model choose, with the evidence ledger of the task so far as a system note', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('RESULT: timeouts are set in src/config.ts.'));
    await ask(t, [
      context,
      user('TASK: find the timeouts.\nREAD-ONLY PATHS: src/\nOWNED PATHS: none\nDELIVERABLE: a list'),
      call('call_1', { cmd: 'rg -n timeout src' }),
      output('call_1', 'src/config.ts:2:export const TIMEOUT_SECONDS = 300;\n'),
      call('call_2', { cmd: 'cat src/config.ts' }),
      output('call_2', 'export const RETRIES = 2;\nexport const TIMEOUT_SECONDS = 300;\n'),
    ]);
    const sent = chatCalls(t)[0]?.body;
    expect(sent.tools).toHaveLength(2);
    expect(sent.messages[0]).toMatchObject({ role: 'system' });
    expect(sent.messages[0].content).toContain('[opencode-bridge] Evidence ledger for this task');
    expect(sent.messages[0].content).toContain('- `rg -n timeout src` (call_1): exit 0, 1 line(s) of output');
    expect(sent.messages[0].content).toContain('Files read: src/config.ts');
    expect(logLine(t).mode).toMatchObject({ mode: 'managed_autonomy', modelCalled: true });
  });
});

describe('bounded_write_exact', () => {
  const writes = [
    { path: 'out/a.txt', content: 'alpha\n' },
    { path: 'out/b.txt', content: 'no newline' },
  ];
  const task = user(handoffBlock({ mode: 'bounded_write_exact', owned_paths: ['out/'], writes }));
  const patch = '*** Begin Patch\n*** Add File: out/a.txt\n+alpha\n*** End Patch\n';
  const shellWrite = {
    cmd: "mkdir -p -- 'out' && printf '%s' 'bm8gbmV3bGluZQ==' | base64 -d > 'out/b.txt'",
    login: false,
  };
  const written = [
    patchCall('ocb_write_1', patch),
    call('ocb_write_2', shellWrite),
    customOutput(
      'ocb_write_1',
      'Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA out/a.txt\n',
    ),
    output('ocb_write_2', ''),
  ];
  const readBack = (aHash: string) => [
    call('ocb_verify_1', { cmd: "sha256sum -- 'out/a.txt'", login: false }),
    call('ocb_verify_2', { cmd: "sha256sum -- 'out/b.txt'", login: false }),
    output('ocb_verify_1', `${aHash}  out/a.txt\n`),
    output('ocb_verify_2', `${sha('no newline')}  out/b.txt\n`),
  ];

  it('turn 1: issues the writes to apply_patch and, for content apply_patch cannot reproduce, the shell', async () => {
    const t = await bridge();
    const { events } = await ask(t, [context, task]);
    expect(eventViolations(events)).toEqual([]);
    expect(doneItems(events)).toEqual([
      expect.objectContaining({
        type: 'custom_tool_call',
        call_id: 'ocb_write_1',
        name: 'apply_patch',
        input: patch,
      }),
      expect.objectContaining({
        type: 'function_call',
        call_id: 'ocb_write_2',
        arguments: JSON.stringify(shellWrite),
      }),
    ]);
    expect(events.at(-1)?.response.model).toBe('opencode-bridge/writer');
    expect(t.upstream.requests).toHaveLength(0);
  });

  it('turn 2: reads every path back with sha256sum', async () => {
    const t = await bridge();
    const { events } = await ask(t, [context, task, ...written]);
    expect(doneItems(events).map((item: any) => [item.call_id, JSON.parse(item.arguments).cmd])).toEqual([
      ['ocb_verify_1', "sha256sum -- 'out/a.txt' 2>/dev/null || shasum -a 256 -- 'out/a.txt'"],
      ['ocb_verify_2', "sha256sum -- 'out/b.txt' 2>/dev/null || shasum -a 256 -- 'out/b.txt'"],
    ]);
    expect(t.upstream.requests).toHaveLength(0);
  });

  it("turn 3: the bridge's verification, labelled as its own, model opencode-bridge/verifier", async () => {
    const t = await bridge();
    const { events } = await ask(t, [context, task, ...written, ...readBack(sha('alpha\n'))]);
    expect(eventViolations(events)).toEqual([]);
    const response = events.at(-1)?.response;
    expect(response).toMatchObject({ status: 'completed', model: 'opencode-bridge/verifier', usage: null });
    const text = response.output[0].content[0].text as string;
    expect(text.split('\n')[0]).toBe(
      '[opencode-bridge verification — written by the bridge, not by a model]',
    );
    expect(text).toContain(`PASS out/a.txt — expected sha256 ${sha('alpha\n')}, read back ${sha('alpha\n')}`);
    expect(text).toContain('Result: PASS (2 of 2');
    expect(t.upstream.requests).toHaveLength(0);
    expect(logLine(t).mode).toMatchObject({
      mode: 'bounded_write_exact',
      step: 'report',
      modelCalled: false,
    });
  });

  it('reports FAIL as a completed report when a read-back differs', async () => {
    const t = await bridge();
    const { events } = await ask(t, [context, task, ...written, ...readBack(sha('tampered'))]);
    const response = events.at(-1)?.response;
    expect(response.status).toBe('completed');
    expect(response.output[0].content[0].text).toContain(
      `FAIL out/a.txt — expected sha256 ${sha('alpha\n')}, read back ${sha('tampered')}`,
    );
    expect(response.metadata.opencode_bridge_note).toContain('verification FAIL (1 of 2 path(s) match)');
  });

  it('refuses a write outside OWNED PATHS with a 400 naming the path, before anything is done', async () => {
    const t = await bridge();
    const bad = handoffBlock({
      mode: 'bounded_write_exact',
      owned_paths: ['out/'],
      writes: [{ path: '/etc/cron.d/x', content: '' }],
    });
    const { status, json } = await ask(t, [context, user(bad)]);
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_handoff' });
    expect(json.error.message).toContain(
      'write path "/etc/cron.d/x" is outside the project directory /work/project',
    );
    expect(t.upstream.requests).toHaveLength(0);
  });
});

describe('an invalid handoff block', () => {
  it('fails closed with a 400 that names the problem', async () => {
    const t = await bridge();
    const { status, json } = await ask(t, [
      context,
      user(handoffBlock({ mode: 'context_pack', read_only_paths: ['a.md'] })),
    ]);
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/^Invalid codex-oss-handoff block: mode: Invalid option/);
    expect(t.upstream.requests).toHaveLength(0);
  });
});

describe('no_tool_exact', () => {
  const task = user(handoffBlock({ mode: 'no_tool_exact', exact_output: 'VERSION=1.4.2' }));

  it('calls the model without tools, telling it the exact form, and passes a matching answer', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('VERSION=1.4.2\n'));
    const { events } = await ask(t, [context, task]);
    expect(events.at(-1)?.response.status).toBe('completed');
    const sent = chatCalls(t)[0]?.body;
    expect(sent).not.toHaveProperty('tools');
    expect(sent.messages[0].content).toContain(
      '----- BEGIN EXACT OUTPUT -----\nVERSION=1.4.2\n----- END EXACT OUTPUT -----',
    );
  });

  it('re-asks once with a note when the answer differs; both answers stay visible', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('The version is VERSION=1.4.2'), textReply('VERSION=1.4.2'));
    const { events } = await ask(t, [context, task]);
    expect(eventViolations(events)).toEqual([]);
    const texts = doneItems(events).map((item: any) => item.content?.[0]?.text);
    expect(texts).toEqual(['The version is VERSION=1.4.2', 'VERSION=1.4.2']);
    expect(chatCalls(t)[1]?.body.messages.at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringMatching(/^\[opencode-bridge\] Your answer is not the required exact output/),
    });
    expect(events.at(-1)?.response.status).toBe('completed');
  });

  it('ends incomplete (exact_output_mismatch) on a second mismatch', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('1.4.2'), textReply('v1.4.2'));
    const { events } = await ask(t, [context, task]);
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'exact_output_mismatch' } },
    });
    expect(logLine(t).guardrails.decisions).toContain(
      'the answer differed from the required exact output, even after a note',
    );
  });
});
