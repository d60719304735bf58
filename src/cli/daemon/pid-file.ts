/**
 * The pid file `codex-oss start` writes (.codex-oss/run/bridge.pid): JSON naming the bridge process it started and
 * the random instance id that process carries on its command line and reports in GET /health. `stop` and `status`
 * trust a pid only after checking that id, so a reused pid is never mistaken for the bridge.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type StartMode = 'production' | 'compat-test' | 'openai';

export interface PidRecord {
  pid: number;
  instance_id: string;
  host: string;
  port: number;
  /** Root URL of the bridge, without /v1. */
  url: string;
  mode: StartMode;
  started_at: string;
  detached: boolean;
  /** Where a detached bridge writes its output; null in the foreground. */
  log_file: string | null;
  drain_seconds: number;
  /** Whether the bridge was started with OPENAI_API_KEY (doctor cannot see its environment otherwise). */
  openai_api_key?: boolean;
}

export class PidFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PidFileError';
  }
}

export function writePidFile(file: string, record: PidRecord): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

function isPidRecord(value: unknown): value is PidRecord {
  const record = value as Partial<PidRecord> | null;
  return (
    typeof record?.pid === 'number' &&
    Number.isInteger(record.pid) &&
    record.pid > 0 &&
    typeof record.instance_id === 'string' &&
    typeof record.port === 'number' &&
    typeof record.url === 'string'
  );
}

/** The record, undefined when there is no pid file; throws PidFileError when the file is not ours or damaged. */
export function readPidFile(file: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isPidRecord(parsed)) {
    throw new PidFileError(
      `${file} is not a pid file written by codex-oss start. If no bridge is running, delete it and start again.`,
    );
  }
  return parsed;
}

/** Removes the pid file, but only while it still names the given instance (a newer start may have replaced it). */
export function removePidFile(file: string, instanceId: string): void {
  try {
    if (readPidFile(file)?.instance_id !== instanceId) return;
  } catch {
    return;
  }
  rmSync(file, { force: true });
}
