import { describe, expect, it } from 'vitest';
import { lockedAtStart } from './run-task.ts';

describe('lockedAtStart', () => {
  const LOCKED = ['Error: Unexpected error', 'database is locked'];

  it('is a failed run with no event that said its database was locked', () => {
    expect(lockedAtStart(1, false, LOCKED)).toBe(true);
    expect(lockedAtStart(1, false, ['SQLiteError: Database is locked'])).toBe(true);
  });

  it('is not a run that sent an event (its session had begun), exited 0, or failed for another reason', () => {
    expect(lockedAtStart(1, true, LOCKED)).toBe(false);
    expect(lockedAtStart(0, false, LOCKED)).toBe(false);
    expect(lockedAtStart(1, false, ['Error: Unexpected error'])).toBe(false);
  });
});
