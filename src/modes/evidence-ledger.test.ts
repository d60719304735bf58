import { describe, expect, it } from 'vitest';
import { codexTurn } from '../../test/support/codex-turns.ts';
import { evidenceLedger, filesPatched, filesRead } from './evidence-ledger.ts';
import { taskMessage } from './handoff.ts';
import { type CallRecord, callsAfter } from './task-history.ts';

describe('evidenceLedger', () => {
  it("lists a real task's commands with exit codes and output sizes, and the files they read", () => {
    const { items } = codexTurn('modes_managed-02');
    const ledger = evidenceLedger(callsAfter(items, taskMessage(items)?.index ?? 0));
    expect(ledger?.split('\n')).toEqual([
      expect.stringMatching(/^\[opencode-bridge\] Evidence ledger for this task, from the tool calls above/),
      'Commands run (2):',
      // Captured as it happened: no ripgrep on that machine, and a login shell's profile noise in both outputs.
      expect.stringMatching(/^- `rg -n timeout src` \(call_\w+\): exit 127, 2 line\(s\) of output$/),
      expect.stringMatching(/^- `sed -n 1,40p src\/config.ts` \(call_\w+\): exit 0, 3 line\(s\) of output$/),
      'Files read: src/config.ts',
    ]);
  });

  it('is undefined before the task has made any call', () => {
    expect(evidenceLedger([])).toBeUndefined();
  });

  it('names files changed with apply_patch, counts other calls and shows only the last 30 commands', () => {
    const calls: CallRecord[] = [
      ...Array.from({ length: 32 }, (_, index) => ({
        callId: `call_${index}`,
        name: 'exec_command',
        kind: 'function' as const,
        input: JSON.stringify({ cmd: `echo ${index}` }),
        output: undefined,
      })),
      {
        callId: 'call_patch',
        name: 'apply_patch',
        kind: 'custom',
        input:
          '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-a\n+b\n*** Add File: src/b.ts\n+x\n*** End Patch\n',
        output: 'Exit code: 0\nOutput:\nSuccess.',
      },
      { callId: 'call_img', name: 'view_image', kind: 'function', input: '{"path":"a.png"}', output: 'ok' },
    ];
    const ledger = evidenceLedger(calls) ?? '';
    expect(ledger).toContain('Commands run (32, the last 30 shown):');
    expect(ledger).not.toContain('`echo 1` ');
    expect(ledger).toContain('- `echo 31` (call_31): no output came back');
    expect(ledger).toContain('Files changed with apply_patch: src/a.ts, src/b.ts');
    expect(ledger).toContain('Other tool calls: 1');
  });
});

describe('filesRead', () => {
  it('reads the files of simple read commands and leaves pipelines and other programs alone', () => {
    expect(filesRead("cat -- 'a b.md' c.ts")).toEqual(['a b.md', 'c.ts']);
    expect(filesRead('sed -n 1,40p src/x.ts')).toEqual(['src/x.ts']);
    expect(filesRead('head -n 50 log.txt')).toEqual(['log.txt']);
    expect(filesRead('cat a.md | grep x')).toEqual([]);
    expect(filesRead('rg -n x src')).toEqual([]);
  });
});

describe('filesPatched', () => {
  it('lists the files of every hunk', () => {
    expect(filesPatched('*** Begin Patch\n*** Delete File: old.ts\n*** End Patch')).toEqual(['old.ts']);
  });
});
