import { describe, expect, it } from 'vitest';
import { type Check, runCheck } from './check.ts';
import type { DoctorContext } from './context.ts';

describe('runCheck', () => {
  it('turns a check that throws into a FAIL that says so, instead of crashing doctor', async () => {
    const broken: Check = {
      id: 'broken',
      group: 'bridge',
      title: 'Broken',
      run() {
        throw new Error('boom');
      },
    };
    expect(await runCheck(broken, {} as DoctorContext)).toEqual({
      id: 'broken',
      group: 'bridge',
      title: 'Broken',
      status: 'FAIL',
      detail: 'the check itself failed: boom',
      fix: 'fix the cause above and run `codex-oss doctor` again',
    });
  });
});
