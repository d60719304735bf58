import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codexTurn } from '../../test/support/codex-turns.ts';
import {
  addFilePatch,
  plannedWrites,
  shellWriteCommand,
  VERIFICATION_LABEL,
  VERIFY_CALL_PREFIX,
  verificationReport,
  verifyCalls,
  WRITE_CALL_PREFIX,
  writeCalls,
} from './bounded-write.ts';
import { editToolOf, type ShellTool, shellToolOf } from './codex-tools.ts';
import { type Handoff, parseHandoff, taskMessage } from './handoff.ts';
import { type CallRecord, callsAfter } from './task-history.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const handoffWith = (ownedPaths: string[], writes: Handoff['writes']): Handoff => ({
  source: 'block',
  mode: 'bounded_write_exact',
  task: undefined,
  readOnlyPaths: [],
  ownedPaths,
  deliverable: undefined,
  steps: undefined,
  grepSteps: [],
  writes,
  exactOutput: undefined,
});
const shell: ShellTool = { name: 'exec_command', argumentsFor: (cmd) => JSON.stringify({ cmd }) };

describe('plannedWrites', () => {
  it('normalises the paths and hashes the content', () => {
    const writes = plannedWrites(handoffWith(['out/'], [{ path: './out//a.txt', content: 'a\n' }]), '/p');
    expect(writes).toEqual([{ path: 'out/a.txt', content: 'a\n', sha256: sha('a\n') }]);
  });

  it('accepts an absolute path inside the project', () => {
    const writes = plannedWrites(handoffWith(['/p/out'], [{ path: '/p/out/a.txt', content: '' }]), '/p');
    expect(writes[0]?.path).toBe('out/a.txt');
  });

  for (const [why, owned, target, problem] of [
    [
      'outside OWNED PATHS',
      ['out/'],
      'src/app.ts',
      'write path "src/app.ts" is outside OWNED PATHS (out/); refused',
    ],
    [
      'a sibling that shares a prefix',
      ['out'],
      'outside/a.txt',
      'write path "outside/a.txt" is outside OWNED PATHS',
    ],
    ['with ..', ['out/'], 'out/../src/app.ts', `write path "out/../src/app.ts" contains a '..' segment`],
    [
      'absolute outside the project',
      ['out/'],
      '/etc/passwd',
      'write path "/etc/passwd" is outside the project directory /p',
    ],
    ['a directory', ['out/'], 'out/', 'write path "out/" names a directory'],
    ['an owned path with ..', ['../x'], 'a.txt', `owned path "../x" contains a '..' segment`],
  ] as const) {
    it(`fails closed with a 400 naming the path: ${why}`, () => {
      const run = () => plannedWrites(handoffWith([...owned], [{ path: target, content: 'x\n' }]), '/p');
      expect(run).toThrow(expect.objectContaining({ status: 400, code: 'invalid_handoff' }));
      expect(run).toThrow(problem);
    });
  }

  it('refuses a path written twice', () => {
    const writes = [
      { path: 'out/a.txt', content: '1\n' },
      { path: 'out/./a.txt', content: '2\n' },
    ];
    expect(() => plannedWrites(handoffWith(['out'], writes), '/p')).toThrow('is written twice');
  });
});

describe('addFilePatch (what apply_patch can write exactly)', () => {
  it('adds each line with "+" (Codex 0.169 creates or overwrites the file)', () => {
    expect(addFilePatch('out/a.txt', 'one\n\n  two\t\n*** End Patch\n')).toEqual({
      patch: '*** Begin Patch\n*** Add File: out/a.txt\n+one\n+\n+  two\t\n+*** End Patch\n*** End Patch\n',
    });
    expect(addFilePatch('empty.txt', '')).toEqual({
      patch: '*** Begin Patch\n*** Add File: empty.txt\n*** End Patch\n',
    });
  });

  it('says why when apply_patch would change the bytes', () => {
    expect(addFilePatch('a', 'no newline')).toEqual({
      problem: expect.stringContaining('does not end with a newline'),
    });
    expect(addFilePatch('a', 'crlf\r\n')).toEqual({ problem: expect.stringContaining('CRLF') });
  });
});

describe('writeCalls', () => {
  const writes = plannedWrites(
    handoffWith(
      ['out'],
      [
        { path: 'out/a.txt', content: 'a\n' },
        { path: 'out/b.txt', content: 'b' },
      ],
    ),
    undefined,
  );

  it("uses Codex's freeform apply_patch where it is exact and the shell tool (base64) where it is not", () => {
    const { request, items } = codexTurn('modes_write-00');
    const { calls, how } = writeCalls(writes, {
      edit: editToolOf(request, items),
      shell: shellToolOf(request, items),
    });
    expect(calls[0]).toEqual({
      type: 'custom_tool_call',
      callId: 'ocb_write_1',
      name: 'apply_patch',
      input: '*** Begin Patch\n*** Add File: out/a.txt\n+a\n*** End Patch\n',
    });
    expect(calls[1]).toMatchObject({ type: 'function_call', callId: 'ocb_write_2', name: 'exec_command' });
    expect(JSON.parse((calls[1] as { arguments: string }).arguments).cmd).toBe(
      "mkdir -p -- 'out' && printf '%s' 'Yg==' | base64 -d > 'out/b.txt'",
    );
    expect(how).toEqual([
      'out/a.txt: apply_patch (Add File, custom tool)',
      'out/b.txt: exec_command with base64 (the content does not end with a newline, and apply_patch always ends a file with one)',
    ]);
  });

  it('sends the patch as {"input": …} to a JSON apply_patch function', () => {
    const { calls } = writeCalls(writes.slice(0, 1), {
      edit: { kind: 'function', name: 'apply_patch' },
      shell,
    });
    expect(calls[0]).toMatchObject({
      type: 'function_call',
      arguments: JSON.stringify({ input: '*** Begin Patch\n*** Add File: out/a.txt\n+a\n*** End Patch\n' }),
    });
  });

  it('fails closed when no tool offered can write the content exactly', () => {
    expect(() =>
      writeCalls(writes, { edit: { kind: 'custom', name: 'apply_patch' }, shell: undefined }),
    ).toThrow('"out/b.txt" cannot be written exactly: the content does not end with a newline');
  });
});

describe('shellWriteCommand', () => {
  it('writes the exact bytes through a real shell, whatever they are', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocb-write-'));
    try {
      const content = 'crlf\r\nno final newline, quotes \' " $HOME `x` and ünïcödé 😀';
      execFileSync('sh', ['-c', shellWriteCommand("deep/it's.txt", content)], { cwd: dir });
      expect(readFileSync(path.join(dir, "deep/it's.txt"), 'utf8')).toBe(content);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the read-back and the report', () => {
  it('reads every path back with sha256sum', () => {
    const writes = plannedWrites(handoffWith(['.'], [{ path: "it's.txt", content: '' }]), undefined);
    expect(verifyCalls(writes, shell)).toEqual([
      {
        type: 'function_call',
        callId: 'ocb_verify_1',
        name: 'exec_command',
        arguments: JSON.stringify({
          cmd: "sha256sum -- 'it'\\''s.txt' 2>/dev/null || shasum -a 256 -- 'it'\\''s.txt'",
        }),
      },
    ]);
  });

  it("reports PASS for a real Codex read-back, labelled as the bridge's", () => {
    const { items } = codexTurn('modes_write-02');
    const task = taskMessage(items);
    const handoff = parseHandoff(task?.text ?? '') as Handoff;
    const writes = plannedWrites(handoff, undefined);
    const report = verificationReport(
      writes,
      callsAfter(items, task?.index ?? 0, WRITE_CALL_PREFIX),
      callsAfter(items, task?.index ?? 0, VERIFY_CALL_PREFIX),
    );
    expect(report.verdict).toBe('PASS');
    const lines = report.text.split('\n');
    expect(lines[0]).toBe(VERIFICATION_LABEL);
    expect(lines[1]).toContain('No model was called for this task');
    expect(lines[2]).toBe(
      `PASS out/result.txt — expected sha256 ${sha('exact line\n')}, read back ${sha('exact line\n')}; ` +
        'write tool: exit 0, "Success. Updated the following files: / A out/result.txt"',
    );
    expect(lines[3]).toMatch(/^PASS out\/raw\.bin\.txt — .*; write tool: exit 0, no output$/);
    expect(lines.at(-1)).toBe('Result: PASS (2 of 2 path(s) hold exactly the requested bytes).');
  });

  it('reports FAIL per path with what came back, and says the report is still complete', () => {
    const writes = plannedWrites(
      handoffWith(
        ['.'],
        [
          { path: 'a.txt', content: 'a\n' },
          { path: 'b.txt', content: 'b\n' },
        ],
      ),
      undefined,
    );
    const out = (callId: string, output: string | undefined): CallRecord => ({
      callId,
      name: 'exec_command',
      kind: 'function',
      input: '{}',
      output,
    });
    const report = verificationReport(
      writes,
      [
        out('ocb_write_1', 'Exit code: 0\nOutput:\nSuccess.'),
        out('ocb_write_2', 'apply_patch verification failed: denied'),
      ],
      [
        out('ocb_verify_1', `Process exited with code 0\nOutput:\n${sha('other')}  a.txt\n`),
        out(
          'ocb_verify_2',
          'Process exited with code 1\nOutput:\nsha256sum: b.txt: No such file or directory\n',
        ),
      ],
    );
    expect(report.verdict).toBe('FAIL');
    expect(report.text).toContain(`FAIL a.txt — expected sha256 ${sha('a\n')}, read back ${sha('other')};`);
    expect(report.text).toContain(
      'FAIL b.txt — expected sha256 ' +
        `${sha('b\n')}, read back no hash (exit 1, "sha256sum: b.txt: No such file or directory"); ` +
        'write tool: "apply_patch verification failed: denied"',
    );
    expect(report.text).toContain('Result: FAIL (0 of 2 path(s)');
    expect(report.text).toContain('This report is complete, so the response is completed');
  });
});
