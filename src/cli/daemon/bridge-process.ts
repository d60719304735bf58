/**
 * Which bridge, if any, the project's pid file names — verified, never assumed: the pid must be alive and its
 * command line must carry the instance id recorded in the pid file (or, where the command line cannot be read,
 * GET /health on the recorded port must report that id).
 */

import { fetchHealth } from './bridge-health.ts';
import { isBridgeCommandLine } from './bridge-run-args.ts';
import { type PidRecord, readPidFile } from './pid-file.ts';
import { commandLineOf, isProcessAlive } from './process-identity.ts';

export type BridgeProcess =
  | { state: 'none' }
  /** The pid file names a process that has exited. */
  | { state: 'stale'; record: PidRecord }
  /** The pid is alive but is some other program (the pid was reused): never signal it. */
  | { state: 'foreign'; record: PidRecord; commandLine: string | undefined }
  | { state: 'running'; record: PidRecord };

async function reportsInstance(record: PidRecord): Promise<boolean> {
  const health = await fetchHealth(record.url);
  return !(health instanceof Error) && health.instance_id === record.instance_id;
}

export async function findBridgeProcess(pidFile: string): Promise<BridgeProcess> {
  const record = readPidFile(pidFile);
  if (!record) return { state: 'none' };
  if (!isProcessAlive(record.pid)) return { state: 'stale', record };
  const commandLine = commandLineOf(record.pid);
  const ours =
    commandLine === undefined
      ? await reportsInstance(record)
      : isBridgeCommandLine(commandLine, record.instance_id);
  return ours ? { state: 'running', record } : { state: 'foreign', record, commandLine };
}

export function describeForeign(found: { record: PidRecord; commandLine: string | undefined }): string {
  const what = found.commandLine ? `\`${found.commandLine.slice(0, 120)}\`` : 'a process it cannot identify';
  return `pid ${found.record.pid} is alive but is not the bridge codex-oss started (it is ${what}); the pid was reused`;
}
