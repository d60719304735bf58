/**
 * Stops a verified bridge process: SIGTERM (the bridge drains in-flight streams up to its drain deadline, then
 * exits), and SIGKILL only if it is still there well after that deadline — after checking once more that the
 * pid still is our bridge.
 */
import { isBridgeCommandLine } from './bridge-run-args.ts';
import type { PidRecord } from './pid-file.ts';
import { commandLineOf, isProcessAlive } from './process-identity.ts';

/** Extra time past the bridge's own drain deadline before it is killed. */
export const KILL_GRACE_SECONDS = 10;
const KILL_WAIT_MS = 5000;

export type StopOutcome =
  | { kind: 'stopped'; afterMs: number }
  | { kind: 'killed'; afterMs: number }
  | { kind: 'still-running' };

async function exitedWithin(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function stillOurs(record: PidRecord): boolean {
  const commandLine = commandLineOf(record.pid);
  return commandLine === undefined || isBridgeCommandLine(commandLine, record.instance_id);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** `killAfterSeconds` defaults to the bridge's drain deadline plus a grace period. */
export async function stopBridgeProcess(record: PidRecord, killAfterSeconds?: number): Promise<StopOutcome> {
  const started = Date.now();
  signal(record.pid, 'SIGTERM');
  const patienceMs = (killAfterSeconds ?? record.drain_seconds + KILL_GRACE_SECONDS) * 1000;
  if (await exitedWithin(record.pid, patienceMs)) return { kind: 'stopped', afterMs: Date.now() - started };
  if (!stillOurs(record)) return { kind: 'stopped', afterMs: Date.now() - started };
  signal(record.pid, 'SIGKILL');
  if (await exitedWithin(record.pid, KILL_WAIT_MS)) return { kind: 'killed', afterMs: Date.now() - started };
  return { kind: 'still-running' };
}
