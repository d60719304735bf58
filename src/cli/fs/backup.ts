/**
 * Where the copy of a file goes before we change it: beside it, named `<file>.codex-oss-backup-<UTC timestamp>`,
 * never overwriting an earlier backup.
 */
import { existsSync } from 'node:fs';

export const BACKUP_INFIX = '.codex-oss-backup-';

/** 2026-11-25T19:48:03.120Z -> 20261125T194803Z */
export function backupStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(/[-:]/g, '');
}

export function backupPath(file: string, now: Date, exists: (path: string) => boolean = existsSync): string {
  const base = `${file}${BACKUP_INFIX}${backupStamp(now)}`;
  let candidate = base;
  for (let n = 2; exists(candidate); n += 1) candidate = `${base}-${n}`;
  return candidate;
}
