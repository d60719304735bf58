/**
 * The last lines of the bridge's log, shown when a detached start fails so the user sees why without opening it.
 * The log is appended to across runs, so the tail starts where this run began writing.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const MAX_BYTES = 16 * 1024;

export function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function logTail(file: string, fromByte = 0, lines = 20): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(fromByte, size - MAX_BYTES);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      closeSync(fd);
    }
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** "Last lines of <file>:" and the tail, indented, or a note that nothing was written. */
export function logTailSection(file: string, fromByte = 0): string {
  const tail = logTail(file, fromByte);
  if (!tail) return `(nothing was written to ${file})`;
  return `Last lines of ${file}:\n${tail.replace(/^/gm, '  ')}`;
}
