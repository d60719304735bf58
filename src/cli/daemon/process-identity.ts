/**
 * What is known about a pid: whether it is alive, and its command line (from /proc on Linux, `ps` elsewhere).
 * This is how `stop` makes sure it signals its own bridge and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** True while the process exists and has not exited (a zombie waiting to be reaped counts as gone). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is certainly not a bridge we started.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** The process's command line with arguments separated by spaces, or undefined when it cannot be read. */
export function commandLineOf(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw) return raw.replaceAll('\0', ' ').trim();
  } catch {
    // No /proc (macOS, BSD): ask ps below.
  }
  try {
    const output = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return output.trim() || undefined;
  } catch {
    return undefined;
  }
}
