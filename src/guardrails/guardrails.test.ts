import { describe, expect, it } from 'vitest';
import type { GuardrailsConfig } from '../config.ts';
import { parseInputItems } from '../responses/input-items.ts';
import { compactToolOutput } from '../translate/compact-output.ts';
import type { HeldCall } from '../translate/stream-segments.ts';
import { callKey, historyFacts, mayChangeState } from './history-facts.ts';
import { isNonTerminalAnswer } from './intent.ts';
import { planGuardrails } from './plan.ts';
import { decideSegment } from './segment.ts';

const config: GuardrailsConfig = {
  scope: 'subagents',
  maxToolOutputChars: 1000,
  maxToolOutputLines: 40,
  maxToolTurns: 2,
  maxToolCallsPerTurn: 1,
  forceSingleTool: false,
  suppressDuplicateCalls: true,
  retryNonTerminalAnswers: true,
  continuationTools: 'none',
  continuationModel: 'kimi-k2.6',
  continuationFallbackModels: ['deepseek-v4-flash'],
  contextPackMaxChars: 24000,
};

const user = (text: string) => ({ role: 'user', content: text });
const call = (id: string, cmd: string) => ({
  type: 'function_call',
  call_id: id,
  name: 'exec_command',
  arguments: JSON.stringify({ cmd }),
});
const output = (id: string, text = 'ok') => ({ type: 'function_call_output', call_id: id, output: text });
const held = (callId: string, args: string, name = 'exec_command'): HeldCall => ({
  callId,
  binding: { kind: 'function', name },
  arguments: args,
});

describe('compactToolOutput', () => {
  it('leaves an output within the limits alone', () => {
    expect(compactToolOutput('short', { maxChars: 100, maxLines: 10 })).toEqual({
      text: 'short',
      omittedChars: 0,
      omittedLines: 0,
    });
  });

  it('keeps head and tail of a long output with a marker giving what was omitted and the sha256', () => {
    const text = Array.from({ length: 1000 }, (_, index) => `line ${index}`).join('\n');
    const result = compactToolOutput(text, { maxChars: 100_000, maxLines: 40 });
    expect(result.text.startsWith('line 0\n')).toBe(true);
    expect(result.text.endsWith('line 999')).toBe(true);
    expect(result.omittedLines).toBeGreaterThan(900);
    expect(result.text).toMatch(
      /\[opencode-bridge: \d+ characters \(\d+ lines\) of this output omitted; full output: \d+ characters, 1000 lines, sha256 [0-9a-f]{64}\./,
    );
  });

  it('cuts a single huge line by characters', () => {
    const result = compactToolOutput('x'.repeat(50_000), { maxChars: 1000, maxLines: 400 });
    expect(result.text.length).toBeLessThan(1400);
    expect(result.omittedChars).toBe(49_000);
  });
});

describe('historyFacts', () => {
  it('counts tool turns since the task message, parallel calls as one turn', () => {
    const items = parseInputItems([
      user('old task'),
      call('a', 'x'),
      output('a'),
      user('task'),
      call('b', 'ls'),
      call('c', 'pwd'),
      output('b'),
      output('c'),
      call('d', 'cat f'),
      output('d'),
    ]);
    expect(historyFacts(items).toolTurns).toBe(2);
  });

  it('lists answered calls only', () => {
    const items = parseInputItems([user('task'), call('b', 'ls'), output('b'), call('c', 'pwd')]);
    expect(historyFacts(items).answered.map((answered) => answered.callId)).toEqual(['b']);
  });

  it('forgets answered calls once a call may have changed something (re-running tests after an edit is legitimate)', () => {
    const items = parseInputItems([
      user('task'),
      call('a', 'npm test'),
      output('a'),
      call('b', 'sed -i s/x/y/ f.ts'),
      output('b'),
      call('c', 'cat f.ts'),
      output('c'),
    ]);
    expect(historyFacts(items).answered.map((answered) => answered.callId)).toEqual(['c']);
  });

  it('never counts a state-changing call as answered: polling or re-running a build repeats legitimately', () => {
    const items = parseInputItems([
      user('task'),
      call('a', 'npm test'),
      output('a'),
      call('b', 'sleep 5'),
      output('b'),
    ]);
    expect(historyFacts(items).answered).toEqual([]);
  });

  it('treats looking commands with acting options or shell syntax as state-changing', () => {
    for (const cmd of ['find . -name "*.tmp" -delete', 'find . -exec rm {} +', 'cat $(mktemp)', 'ls `pwd`'])
      expect(mayChangeState('exec_command', JSON.stringify({ cmd })), cmd).toBe(true);
    for (const cmd of ['find src -name "*.ts"', 'git diff -- a.ts', 'sed -n 1,20p f'])
      expect(mayChangeState('exec_command', JSON.stringify({ cmd })), cmd).toBe(false);
  });

  it('treats argument key order and spacing as the same call', () => {
    expect(callKey('f', '{"a": 1, "b": 2}')).toBe(callKey('f', '{"b":2,"a":1}'));
  });
});

describe('isNonTerminalAnswer', () => {
  it.each([
    'I will now run the tests.',
    "I'll check the config next.",
    'Let me look at the parser.',
    'Running the build now...',
    'Starting the analysis.',
  ])('flags %j', (text) => expect(isNonTerminalAnswer(text)).toBe(true));
  it.each([
    'RESULT: the parser handles empty input.\nCONFIDENCE: HIGH',
    'The function returns null when the file is missing.',
    'I will summarise:\n\n- a\n- b',
    '',
    'Let me know if you want me to run the tests.',
    "I'll stop here. The fix is in place.",
    'Running the suite shows 3 failures.',
    'I will not change the public API.',
    'Let me summarise: two files changed.',
    'I checked 12 files.',
    `I will run ${'x'.repeat(200)}`,
  ])('does not flag %j', (text) => expect(isNonTerminalAnswer(text)).toBe(false));
});

describe('planGuardrails', () => {
  it("leaves Codex's compaction turn alone, except for compacting huge tool outputs", () => {
    const compaction = parseInputItems([
      user('task'),
      call('a', 'ls'),
      output('a'),
      user('You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary for another LLM.'),
    ]);
    const plan = planGuardrails(compaction, true, true, config);
    expect(plan.active).toBe(false);
    expect(plan.request.compaction).toEqual({ maxChars: 1000, maxLines: 40 });
  });

  const items = parseInputItems([user('task'), call('a', 'ls'), output('a'), call('b', 'pwd'), output('b')]);

  it('does nothing for the main session by default', () => {
    expect(planGuardrails(items, true, false, config).active).toBe(false);
  });

  it('withdraws tools, asks for the final answer and hands the turn to the finalizer once the budget is spent', () => {
    const plan = planGuardrails(items, true, true, config);
    expect(plan.request.withdrawTools).toBe(true);
    expect(plan.request.instructions[0]).toContain('tool budget (2 tool turns)');
    expect(plan.finalizerChain).toEqual(['kimi-k2.6', 'deepseek-v4-flash']);
  });

  it('keeps tools and the model while the budget lasts', () => {
    const plan = planGuardrails(
      parseInputItems([user('task'), call('a', 'ls'), output('a')]),
      true,
      true,
      config,
    );
    expect(plan.request.withdrawTools).toBe(false);
    expect(plan.finalizerChain).toBeUndefined();
  });

  it('asks for one call at a time with FORCE_SINGLE_TOOL_INSTRUCTIONS', () => {
    const plan = planGuardrails(parseInputItems([user('task')]), true, true, {
      ...config,
      forceSingleTool: true,
    });
    expect(plan.request.serialToolCalls).toBe(true);
    expect(plan.response.maxToolCallsPerTurn).toBe(1);
  });
});

describe('decideSegment', () => {
  const answered = new Map([[callKey('exec_command', '{"cmd":"ls"}'), 'call_a']]);
  const guardrails = { maxToolCallsPerTurn: 1, answeredCalls: answered, retryNonTerminal: true };

  it('passes new calls on, dropping duplicates and calls over the cap', () => {
    const decision = decideSegment(
      {
        calls: [held('x', '{"cmd":"ls"}'), held('y', '{"cmd":"pwd"}'), held('z', '{"cmd":"id"}')],
        text: '',
        reasoning: '',
      },
      guardrails,
      false,
    );
    expect(decision.kind).toBe('finish');
    if (decision.kind !== 'finish') return;
    expect(decision.release.map((call) => call.callId)).toEqual(['y']);
    expect(decision.dropped).toHaveLength(2);
  });

  it('re-asks with a note pointing at the earlier output when every call repeats one', () => {
    const decision = decideSegment(
      { calls: [held('x', '{ "cmd" : "ls" }')], text: '', reasoning: 'again' },
      guardrails,
      false,
    );
    expect(decision.kind).toBe('reask');
    if (decision.kind !== 'reask') return;
    expect(decision.append.map((item) => item.type)).toEqual(['reasoning', 'function_call', 'tool_output']);
    expect(JSON.stringify(decision.append.at(-1))).toContain('already made (call call_a)');
  });

  it('ends incomplete when the model repeats calls again after the note', () => {
    expect(
      decideSegment({ calls: [held('x', '{"cmd":"ls"}')], text: '', reasoning: '' }, guardrails, true),
    ).toMatchObject({
      kind: 'incomplete',
      reason: 'repeated_tool_calls',
    });
  });

  it('re-asks once when the answer only announces an action, then ends incomplete', () => {
    const segment = { calls: [], text: 'I will now run the tests.', reasoning: '' };
    expect(decideSegment(segment, guardrails, false).kind).toBe('reask');
    expect(decideSegment(segment, guardrails, true)).toMatchObject({
      kind: 'incomplete',
      reason: 'non_terminal_answer',
    });
  });

  it('finishes a real answer', () => {
    expect(decideSegment({ calls: [], text: 'RESULT: done.', reasoning: '' }, guardrails, false)).toEqual({
      kind: 'finish',
      release: [],
      dropped: [],
    });
  });
});

describe('mayChangeState', () => {
  it.each(['cat src/a.ts', 'rg -n foo src', 'git diff', 'ls -la', "sed -n '1,40p' f"])(
    '%s only reads',
    (cmd) => {
      expect(mayChangeState('exec_command', JSON.stringify({ cmd }))).toBe(false);
    },
  );
  it.each(['npm test', 'sed -i s/a/b/ f', 'cat a > b', 'rm -rf x', 'ls; make'])(
    '%s may change state',
    (cmd) => {
      expect(mayChangeState('exec_command', JSON.stringify({ cmd }))).toBe(true);
    },
  );
  it('treats unknown tools as changing state', () => {
    expect(mayChangeState('spawn_agent', '{}')).toBe(true);
  });
});
