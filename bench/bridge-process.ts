/**
 * Starts the real bridge (src/runtime/start.ts) in a child process pointed at the bench upstream, with a fresh
 * state directory, and asks it for its memory and CPU time over IPC. Only the bridge runs in that process, so
 * its figures exclude the bench client and upstream.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LimiterStats } from '../src/upstream/resilience/limiter.ts';
import type { ChildQuestion } from './bridge-child.ts';

export const BRIDGE_KEY = 'sk-bench-bridge-key';

/**
 * Caps raised so the bridge itself is measured. The brief asked for 100000; the config accepts at most 10000 for
 * MAX_GLOBAL_UPSTREAM_CONCURRENCY, which is still ten times the largest level.
 */
export const RAISED_CAPS: Readonly<Record<string, string>> = {
  MAX_GLOBAL_UPSTREAM_CONCURRENCY: '10000',
  MODEL_CONCURRENCY_JSON: '{}',
  UPSTREAM_QUEUE_MAX: '100000',
};

export interface BridgeProcessOptions {
  upstreamBaseUrl: string;
  /** Extra configuration (environment variables as the bridge reads them). */
  env?: Readonly<Record<string, string>>;
  /** Write a V8 CPU profile of the whole child run (node --cpu-prof). */
  cpuProfile?: { dir: string; name: string };
}

export interface BridgeProcess {
  /** Base URL including /v1. */
  baseUrl: string;
  apiKey: string;
  stateDir: string;
  pid: number;
  memory(gc: boolean): Promise<NodeJS.MemoryUsage>;
  cpu(): Promise<NodeJS.CpuUsage>;
  limiter(): Promise<LimiterStats>;
  /** The child's monotonic clock in microseconds (the time base of its --cpu-prof samples). */
  clock(): Promise<number>;
  /** The dashboard's push channel: subscribers, messages sent, time spent building them. */
  dashboard(): Promise<{ subscribers: number; messagesSent: number; busyMs: number }>;
  /** Starts sampling what the child allocates (one sample per `intervalBytes` on average). */
  startHeapSampling(intervalBytes: number): Promise<void>;
  /** Stops sampling and writes the .heapprofile to `file`. */
  stopHeapSampling(file: string): Promise<void>;
  /** The bridge's JSON log lines so far (one per request). */
  logLines(): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

type Question = ChildQuestion['type'];

function childEnv(options: BridgeProcessOptions, stateDir: string): Record<string, string> {
  return {
    OPENCODE_GO_API_KEY: 'sk-bench-upstream-key',
    OPENCODE_GO_BASE_URL: options.upstreamBaseUrl,
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: '0',
    PROXY_API_KEY: BRIDGE_KEY,
    PROXY_STATE_DB: path.join(stateDir, 'bridge.sqlite3'),
    PROXY_LOG_PATH: path.join(stateDir, 'bridge.log'),
    PROXY_LOG_LEVEL: 'info',
    ...options.env,
  };
}

/**
 * Node and V8 flags for every bridge child, space-separated, from BENCH_BRIDGE_NODE_ARGS (e.g. `--trace-gc-nvp`, which
 * NODE_OPTIONS does not accept): to see what the garbage collector does under a section's load.
 */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_BRIDGE_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

function execArgv(options: BridgeProcessOptions): string[] {
  const args = ['--expose-gc', ...extraNodeArgs()];
  if (options.cpuProfile) {
    args.push(
      '--cpu-prof',
      `--cpu-prof-dir=${options.cpuProfile.dir}`,
      `--cpu-prof-name=${options.cpuProfile.name}`,
    );
  }
  return args;
}

function waitForReady(child: ChildProcess): Promise<{ url: string; apiKey: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bridge child did not start within 30s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the bridge child exited during start (code ${code})`)));
    child.on('message', (message: { type?: string; url?: string; apiKey?: string }) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ url: message.url as string, apiKey: message.apiKey as string });
    });
  });
}

export async function startBridgeProcess(options: BridgeProcessOptions): Promise<BridgeProcess> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'ocb-bench-'));
  const child = fork(path.join(import.meta.dirname, 'bridge-child.ts'), [], {
    env: childEnv(options, stateDir),
    execArgv: execArgv(options),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  child.on('message', (message: { id?: number; value?: unknown }) => {
    if (message.id === undefined) return;
    pending.get(message.id)?.resolve(message.value);
    pending.delete(message.id);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the bridge child exited (code ${code})`));
    pending.clear();
  });
  const ready = await waitForReady(child);

  function ask<T>(type: Question, extra: object = {}): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, type, ...extra });
    });
  }

  let stopped: Promise<void> | undefined;
  return {
    baseUrl: `${ready.url}/v1`,
    apiKey: ready.apiKey,
    stateDir,
    pid: child.pid as number,
    memory: (gc) => ask<NodeJS.MemoryUsage>('memory', { gc }),
    cpu: () => ask<NodeJS.CpuUsage>('cpu'),
    limiter: () => ask<LimiterStats>('limiter'),
    clock: () => ask<number>('clock'),
    dashboard: () => ask('dashboard'),
    startHeapSampling: (intervalBytes) => ask('heap-start', { intervalBytes }),
    stopHeapSampling: (file) => ask('heap-stop', { file }),
    async logLines() {
      await ask('flush');
      return readFileSync(path.join(stateDir, 'bridge.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    stop() {
      stopped ??= (async () => {
        const exited = new Promise<void>((resolve) => {
          if (child.exitCode !== null) resolve();
          else child.once('exit', () => resolve());
        });
        await ask('stop').catch(() => {});
        await exited;
        rmSync(stateDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** CPU time (user + system) between two readings, in milliseconds. */
export function cpuMsBetween(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage): number {
  return (after.user - before.user + after.system - before.system) / 1000;
}
