/**
 * Shared by the daemon tests: temporary Codex projects, codex-oss run in-process, free loopback ports, and a
 * clean-up that makes sure no bridge (or stand-in process) outlives a test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isBridgeCommandLine } from '../../src/cli/daemon/bridge-run-args.ts';
import { readPidFile } from '../../src/cli/daemon/pid-file.ts';
import { commandLineOf, isProcessAlive } from '../../src/cli/daemon/process-identity.ts';
import { runCli } from '../../src/cli/main.ts';
import { type ProjectPaths, projectPaths } from '../../src/cli/project.ts';

export const UPSTREAM_KEY = 'sk-upstream-daemon-test';
export const BRIDGE_KEY = 'sk-bridge-daemon-test';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function codexOss(
  project: string,
  env: Record<string, string | undefined>,
  ...argv: string[]
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  return runCli(argv, {
    cwd: project,
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  }).then((code) => ({ code, stdout, stderr }));
}

/** A minimal environment: nothing from the developer's shell that could point the bridge elsewhere. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    PROXY_API_KEY: BRIDGE_KEY,
    PROXY_LOG_LEVEL: 'warn',
    ...extra,
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class Sandbox {
  readonly projects: string[] = [];
  readonly children: ChildProcess[] = [];

  project(): ProjectPaths {
    const root = mkdtempSync(path.join(tmpdir(), 'codex-oss-daemon-'));
    this.projects.push(root);
    return projectPaths(root);
  }

  /** A process the test owns (a stand-in that is not a bridge), killed in cleanUp. */
  spawn(command: string, args: string[]): ChildProcess {
    const child = spawn(command, args, { stdio: 'ignore' });
    this.children.push(child);
    return child;
  }

  async cleanUp(): Promise<void> {
    for (const root of this.projects.splice(0)) {
      killOurBridge(projectPaths(root).pidFile);
      rmSync(root, { recursive: true, force: true });
    }
    for (const child of this.children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

/** SIGKILLs the bridge the pid file names, only when its command line proves it is that bridge. */
export function killOurBridge(pidFile: string): void {
  let record: ReturnType<typeof readPidFile>;
  try {
    record = readPidFile(pidFile);
  } catch {
    return;
  }
  if (!record || !isProcessAlive(record.pid)) return;
  const commandLine = commandLineOf(record.pid);
  if (commandLine && isBridgeCommandLine(commandLine, record.instance_id))
    process.kill(record.pid, 'SIGKILL');
}
