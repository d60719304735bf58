import { describe, expect, it } from 'vitest';
import { codexTurn } from '../../test/support/codex-turns.ts';
import { shellToolOf } from './codex-tools.ts';
import { evidenceCommand, evidencePack, evidenceSteps, PACK_CALL_PREFIX, packCalls } from './context-pack.ts';
import { type Handoff, parseHandoff, taskMessage } from './handoff.ts';
import { type CallRecord, callsAfter } from './task-history.ts';

const captured = codexTurn('modes_pack-01');
const task = taskMessage(captured.items);
const handoff = parseHandoff(task?.text ?? '') as Handoff;

const record = (callId: string, cmd: string, output: string | undefined): CallRecord => ({
  callId,
  name: 'exec_command',
  kind: 'function',
  input: JSON.stringify({ cmd }),
  output,
});
const codexOutput = (body: string, code = 0) =>
  `Chunk ID: a1\nWall time: 0.0010 seconds\nProcess exited with code ${code}\nOriginal token count: 9\nOutput:\n${body}`;

describe('evidenceSteps', () => {
  it('greps a file a grep step names instead of reading it whole, and reads the other files', () => {
    expect(evidenceSteps(handoff)).toEqual([
      { kind: 'grep', pattern: 'TIMEOUT', path: 'src/config.ts' },
      { kind: 'read', path: 'docs/notes.md' },
    ]);
  });

  it('adds `git diff -- <path>` for each read-only path when the task is about a diff', () => {
    const review = { ...handoff, task: 'Review the diff of the config loader.', steps: undefined };
    expect(evidenceSteps(review).filter((step) => step.kind === 'diff')).toEqual(
      handoff.readOnlyPaths.map((path) => ({ kind: 'diff', path })),
    );
    expect(evidenceCommand({ kind: 'diff', path: 'src/a b.ts' })).toBe("git diff -- 'src/a b.ts'");
  });

  it("takes the block's steps exactly when it gives them", () => {
    const steps = [{ kind: 'read' as const, path: 'Makefile' }];
    expect(evidenceSteps({ ...handoff, steps })).toEqual(steps);
  });
});

describe('packCalls', () => {
  it('asks for each step with the shell tool, quoting every argument, with ocb_pack_ call ids', () => {
    const shell = shellToolOf(captured.request, captured.items);
    if (!shell) throw new Error('no shell tool');
    const calls = packCalls(
      [
        { kind: 'grep', pattern: "it's -v", path: 'a b.ts' },
        { kind: 'read', path: '-odd.md' },
      ],
      shell,
    );
    expect(calls).toEqual([
      {
        type: 'function_call',
        callId: 'ocb_pack_1',
        name: 'exec_command',
        arguments: JSON.stringify({ cmd: "grep -n -- 'it'\\''s -v' 'a b.ts'", login: false }),
      },
      {
        type: 'function_call',
        callId: 'ocb_pack_2',
        name: 'exec_command',
        arguments: JSON.stringify({ cmd: "cat -- '-odd.md'", login: false }),
      },
    ]);
    expect(evidenceCommand({ kind: 'read', path: 'x' })).toBe("cat -- 'x'");
  });
});

describe('evidencePack', () => {
  it("labels the pack as the bridge's and gives each command with its exit code and output, without Codex's header", () => {
    const calls = callsAfter(captured.items, task?.index ?? 0, PACK_CALL_PREFIX);
    const pack = evidencePack(calls, handoff, 24_000);
    expect(pack.cuts).toEqual([]);
    expect(pack.text).toMatch(
      /^\[opencode-bridge\] Evidence pack for your task, gathered by the bridge \(not by a model\)/,
    );
    expect(pack.text).toContain('TASK: Report the request timeout default.');
    expect(pack.text).toContain('DELIVERABLE: the line that sets the timeout, quoted with its line number.');
    expect(pack.text).toContain(
      "===== ocb_pack_1: $ grep -n -- 'TIMEOUT' 'src/config.ts' (exit code 0) =====\n" +
        '2:export const TIMEOUT_SECONDS = 300;\n' +
        '===== end of ocb_pack_1 =====\n',
    );
    expect(pack.text).toContain('# Notes\nTimeouts were 90 s before the fix.\n===== end of ocb_pack_2 =====');
    expect(pack.text).not.toContain('Chunk ID');
  });

  it('cuts to CONTEXT_PACK_MAX_CHARS in total, keeping small outputs whole and marking every cut', () => {
    const big = Array.from({ length: 4000 }, (_, index) => `line ${index} of the big log`).join('\n');
    const calls = [
      record('ocb_pack_1', "cat -- 'small.md'", codexOutput('small file\n')),
      record('ocb_pack_2', "cat -- 'big.log'", codexOutput(big)),
      record('ocb_pack_3', "cat -- 'big2.log'", codexOutput(big)),
    ];
    const pack = evidencePack(calls, handoff, 5000);
    expect(pack.text.length).toBeLessThanOrEqual(5000);
    expect(pack.text).toContain('small file\n===== end of ocb_pack_1 =====');
    expect(pack.text).toMatch(
      /line \d+ of the big log\n\[opencode-bridge: output cut here to fit the evidence pack \(CONTEXT_PACK_MAX_CHARS=5000\): kept the first \d+ of \d+ characters \(\d+ of 4000 lines\); the rest is not in this pack\.\]\n===== end of ocb_pack_2 =====/,
    );
    expect(pack.cuts).toHaveLength(2);
    expect(pack.cuts[0]).toMatch(/^ocb_pack_2: kept the first \d+ of \d+ characters \(\d+ of 4000 lines\)$/);
  });

  it('says so when no output came back for a call', () => {
    const pack = evidencePack([record('ocb_pack_1', "cat -- 'a.md'", undefined)], handoff, 24_000);
    expect(pack.text).toContain(
      "===== ocb_pack_1: $ cat -- 'a.md' =====\n(no output came back for this call)\n",
    );
  });

  it('shows a failed read as it is, exit code included', () => {
    const pack = evidencePack(
      [record('ocb_pack_1', "cat -- 'gone.md'", codexOutput('cat: gone.md: No such file or directory\n', 1))],
      handoff,
      24_000,
    );
    expect(pack.text).toContain(
      "$ cat -- 'gone.md' (exit code 1) =====\ncat: gone.md: No such file or directory\n",
    );
  });
});
