import { describe, expect, it } from 'vitest';
import { codexTurn } from '../../test/support/codex-turns.ts';
import { BridgeError } from '../errors.ts';
import type { InputItem } from '../responses/input-items.ts';
import { grepSteps, markerPaths, parseHandoff, projectDirectory, taskMessage } from './handoff.ts';
import { parseHandoffBlock } from './handoff-block.ts';

const user = (text: string): InputItem => ({
  type: 'message',
  role: 'user',
  content: [{ type: 'text', text }],
});

function thrown(run: () => unknown): BridgeError {
  try {
    run();
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}

describe('taskMessage', () => {
  it('skips the summary Codex puts in place of the history after a compaction', () => {
    const items = [
      user('TASK: review a.ts'),
      user(
        'Another language model started to solve this problem and produced a summary of its thinking process.',
      ),
    ];
    expect(taskMessage(items)?.text).toBe('TASK: review a.ts');
  });

  it("finds a Codex subagent's task: the last user message that is not the environment context", () => {
    const { items } = codexTurn('modes_pack-01');
    const task = taskMessage(items);
    expect(task?.text).toMatch(/^TASK: Report the request timeout default\.\n/);
    expect(items[task?.index ?? -1]).toMatchObject({ type: 'message', role: 'user' });
    expect(items.slice((task?.index ?? 0) + 1).map((item) => item.type)).toEqual([
      'function_call',
      'function_call',
      'tool_output',
      'tool_output',
    ]);
  });

  it("skips the bridge's own [opencode-bridge] notes", () => {
    const { items } = codexTurn('modes_pack-00');
    const task = taskMessage([...items, user('[opencode-bridge] Your last message only announced…')]);
    expect(task?.text).toMatch(/^TASK: Report the request timeout default/);
  });

  it('reads the project directory from the environment context', () => {
    expect(projectDirectory(codexTurn('modes_pack-00').items)).toMatch(/^\/tmp\/ocb-capture-/);
    expect(projectDirectory([user('no context here')])).toBeUndefined();
  });
});

describe('parseHandoff: markers', () => {
  it('reads the template markers of a real task message', () => {
    const task = taskMessage(codexTurn('modes_pack-00').items)?.text ?? '';
    expect(parseHandoff(task)).toEqual({
      source: 'markers',
      mode: undefined,
      task: 'Report the request timeout default.',
      readOnlyPaths: ['src/config.ts', 'docs/notes.md'],
      ownedPaths: [],
      deliverable: 'the line that sets the timeout, quoted with its line number.',
      steps: undefined,
      grepSteps: [{ kind: 'grep', pattern: 'TIMEOUT', path: 'src/config.ts' }],
      writes: [],
      exactOutput: undefined,
    });
  });

  it('is undefined for a message without markers or a block', () => {
    expect(parseHandoff('explain this repository')).toBeUndefined();
  });

  it('accepts markdown bullets and bold labels', () => {
    const handoff = parseHandoff(
      '- **READ-ONLY PATHS:** `src/a.ts`\n- OWNED PATHS: none\n**DELIVERABLE:** a list',
    );
    expect(handoff).toMatchObject({ readOnlyPaths: ['src/a.ts'], ownedPaths: [], deliverable: 'a list' });
  });

  it('splits paths on commas and spaces and reads none (and n/a, -) as no paths', () => {
    expect(markerPaths('src/a.ts, src/b.ts src/c/')).toEqual(['src/a.ts', 'src/b.ts', 'src/c/']);
    expect(markerPaths('`src/a.ts`, "docs/b.md".')).toEqual(['src/a.ts', 'docs/b.md']);
    expect(markerPaths('none')).toEqual([]);
    expect(markerPaths('None (read-only agent)')).toEqual([]);
    expect(markerPaths('n/a')).toEqual([]);
    expect(markerPaths('-')).toEqual([]);
    expect(markerPaths(undefined)).toEqual([]);
    expect(markerPaths('nonexistent.ts')).toEqual(['nonexistent.ts']);
  });

  it('reads `grep <pattern> in <path>` step lines, quoted or in a list, and not grep in prose', () => {
    const text = [
      '1. grep "request timeout" in src/http.ts',
      '- `grep TODO in src/a.ts`',
      "grep 'a in b' in docs/x.md",
      'Please grep for TODO in src/a.ts and report.',
    ].join('\n');
    expect(grepSteps(text)).toEqual([
      { kind: 'grep', pattern: 'request timeout', path: 'src/http.ts' },
      { kind: 'grep', pattern: 'TODO', path: 'src/a.ts' },
      { kind: 'grep', pattern: 'a in b', path: 'docs/x.md' },
    ]);
  });
});

describe('parseHandoff: the codex-oss-handoff block', () => {
  const block = (json: unknown) =>
    `TASK: see below\n\`\`\`codex-oss-handoff\n${JSON.stringify(json)}\n\`\`\`\n`;

  it('takes the fields the block gives over the markers', () => {
    const text = `OWNED PATHS: src/\n${block({ mode: 'bounded_write_exact', owned_paths: ['out/'], writes: [{ path: 'out/a.txt', content: 'a\n' }] })}`;
    expect(parseHandoff(text)).toMatchObject({
      source: 'block+markers',
      mode: 'bounded_write_exact',
      ownedPaths: ['out/'],
      writes: [{ path: 'out/a.txt', content: 'a\n' }],
    });
  });

  it('turns steps into evidence steps', () => {
    const text = block({ steps: [{ read: 'a.md' }, { grep: 'x', in: 'b.ts' }] });
    expect(parseHandoff(text)?.steps).toEqual([
      { kind: 'read', path: 'a.md' },
      { kind: 'grep', pattern: 'x', path: 'b.ts' },
    ]);
  });

  for (const { name, text, problem } of [
    {
      name: 'invalid JSON',
      text: '```codex-oss-handoff\n{"mode": }\n```',
      problem: 'its content is not valid JSON',
    },
    {
      name: 'an unknown key',
      text: block({ owned_path: ['x'] }),
      problem: 'the block: Unrecognized key: "owned_path"',
    },
    { name: 'an unknown mode', text: block({ mode: 'yolo' }), problem: 'mode: Invalid option' },
    {
      name: 'a malformed step',
      text: block({ steps: [{ grep: 'x' }] }),
      problem:
        'steps.0: expected {"read": "<path>"}, {"grep": "<pattern>", "in": "<path>"} or {"diff": "<path>"}',
    },
    {
      name: 'a write without content',
      text: block({ writes: [{ path: 'a' }] }),
      problem: 'writes.0.content',
    },
    { name: 'two blocks', text: block({}) + block({}), problem: 'the task message holds 2 blocks' },
    {
      name: 'no closing fence',
      text: '```codex-oss-handoff\n{}\n',
      problem: 'the block has no closing ``` line',
    },
  ]) {
    it(`fails closed with a 400 naming the problem: ${name}`, () => {
      const error = thrown(() => parseHandoffBlock(text));
      expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'invalid_handoff' });
      expect(error.message).toContain(`Invalid codex-oss-handoff block: ${problem}`);
    });
  }
});
