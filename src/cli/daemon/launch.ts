/**
 * What both ways of starting share: the prepared launch (environment, mode, deadlines), the bridge process spawn
 * and its pid record.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import { LOCAL_TOKEN_FILE } from '../../state/secrets.ts';
import type { ProjectPaths } from '../project.ts';
import { bridgeEntry } from './bridge-entry.ts';
import { localUrl } from './bridge-health.ts';
import { formatBridgeRunArgs } from './bridge-run-args.ts';
import type { PidRecord, StartMode } from './pid-file.ts';

export interface Launch {
  paths: ProjectPaths;
  mode: StartMode;
  env: Record<string, string>;
  config: Config;
  drainSeconds: number;
  /** How long a detached start waits for GET /health to answer. */
  waitSeconds: number;
  /** openai mode: what GPT requests travel with, for the start message. */
  gpt?: string;
}

export interface SpawnedBridge {
  child: ChildProcess;
  record: PidRecord;
}

export function ensureRuntimeDirs(paths: ProjectPaths): void {
  for (const dir of [paths.stateDir, paths.logsDir, paths.runDir]) mkdirSync(dir, { recursive: true });
}

/** Spawns `node <bridge entry> --instance-id=… --drain-seconds=…` and describes it for the pid file. */
export function spawnBridge(
  launch: Launch,
  options: { detached: boolean; stdio: StdioOptions },
): SpawnedBridge {
  const instanceId = randomUUID();
  const args = [bridgeEntry(), ...formatBridgeRunArgs({ instanceId, drainSeconds: launch.drainSeconds })];
  const child = spawn(process.execPath, args, {
    cwd: launch.paths.root,
    env: launch.env,
    detached: options.detached,
    stdio: options.stdio,
  });
  if (child.pid === undefined) {
    child.once('error', () => {}); // reported below; without a listener the later 'error' event would crash us
    throw new Error(`could not start ${process.execPath} ${args.join(' ')}`);
  }
  const { host, port } = launch.config.server;
  const record: PidRecord = {
    pid: child.pid,
    instance_id: instanceId,
    host,
    port,
    url: localUrl(host, port),
    mode: launch.mode,
    started_at: new Date().toISOString(),
    detached: options.detached,
    log_file: options.detached ? launch.paths.logFile : null,
    drain_seconds: launch.drainSeconds,
    openai_api_key: Boolean(launch.config.gpt.openaiApiKey),
  };
  return { child, record };
}

/** Where Codex finds the key to send, for the message printed after a start. */
export function clientKeyHint(config: Config): string {
  if (config.proxyApiKey) return 'clients send PROXY_API_KEY as "Authorization: Bearer <key>"';
  const file = path.join(config.state.dir, LOCAL_TOKEN_FILE);
  return `clients send the token in ${file} as "Authorization: Bearer <token>", or in x-opencode-bridge-key next to a forwarded sign-in`;
}

/** Resolves with the exit code (1 when killed by a signal other than a clean stop). */
export function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code, signal) =>
      resolve(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)),
    );
  });
}
