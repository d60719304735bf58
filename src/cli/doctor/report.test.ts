import { describe, expect, it } from 'vitest';
import type { CheckResult } from './check.ts';
import { doctorReport, formatTable } from './report.ts';

const CHECKS: CheckResult[] = [
  { id: 'node', group: 'environment', title: 'Node.js', status: 'PASS', detail: 'Node 24.1.0' },
  {
    id: 'trust',
    group: 'config',
    title: 'Project trusted',
    status: 'FAIL',
    detail: '/p is not trusted',
    fix: 'codex-oss install --trust',
  },
  {
    id: 'live-spawn',
    group: 'topology',
    title: 'Live spawn',
    status: 'WARN',
    detail: 'skipped',
    fix: 'codex-oss doctor --live',
  },
];

describe('the doctor report', () => {
  it('counts the statuses and is ok only without a FAIL', () => {
    const report = doctorReport('/p', 'router', CHECKS);
    expect(report).toMatchObject({ ok: false, topology: 'router', summary: { PASS: 1, WARN: 1, FAIL: 1 } });
    expect(doctorReport('/p', undefined, [CHECKS[0] as CheckResult, CHECKS[2] as CheckResult])).toMatchObject(
      {
        ok: true,
        topology: null,
      },
    );
  });

  it('prints one section per group, the fix under each non-PASS row, and a verdict', () => {
    expect(formatTable(doctorReport('/p', 'router', CHECKS))).toBe(
      [
        'codex-oss doctor: /p (router topology)',
        '',
        'environment',
        '  PASS  Node.js          Node 24.1.0',
        '',
        'config',
        '  FAIL  Project trusted  /p is not trusted',
        '                         fix: codex-oss install --trust',
        '',
        'topology',
        '  WARN  Live spawn       skipped',
        '                         fix: codex-oss doctor --live',
        '',
        '1 PASS, 1 WARN, 1 FAIL: run the fix of each FAIL (top to bottom), then `codex-oss doctor` again.',
        '',
      ].join('\n'),
    );
  });
});
