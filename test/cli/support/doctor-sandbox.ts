/**
 * A project set up by the real `codex-oss install` (in-process, temporary CODEX_HOME), a bridge started with the
 * real `codex-oss start --detach` on a free loopback port and pointed at the scripted mock upstream, and
 * `codex-oss doctor --json` run against it. Nothing touches the real home.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { DoctorReport } from '../../../src/cli/doctor/report.ts';
import { projectPaths } from '../../../src/cli/project.ts';
import { type MockUpstream, startMockUpstream, textReply } from '../../mock-upstream/index.ts';
import { waitFor } from '../../support/wait.ts';
import { type CliRun, codexOss, freePort, killOurBridge } from '../daemon-harness.ts';
import { createInstallSandbox, type InstallSandbox } from './install-sandbox.ts';

export const DOCTOR_UPSTREAM_KEY = 'sk-upstream-doctor-test';

export interface DoctorRun extends CliRun {
  report: DoctorReport;
}

export interface DoctorSandbox extends InstallSandbox {
  port: number;
  /** The environment codex-oss runs with: the sandbox's plus the upstream, keys and quiet logs. */
  cliEnv: Record<string, string | undefined>;
  startBridge(
    mode: 'openai' | 'production' | 'compat-test',
    extraEnv?: Record<string, string>,
  ): Promise<CliRun>;
  doctor(...args: string[]): Promise<DoctorRun>;
  /** A process that is not a bridge, listening on the sandbox's port until cleanup. */
  occupyPort(): Promise<number>;
  cleanup(): void;
}

export async function createDoctorSandbox(upstream: MockUpstream): Promise<DoctorSandbox> {
  const sandbox = createInstallSandbox();
  const port = await freePort();
  // A user with OPENAI_API_KEY in the shell and no Codex sign-in: install picks `command` auth, and the bridge uses
  // the key for GPT requests (test/cli/gpt-credential.test.ts covers the forwarded sign-in).
  sandbox.env.OPENAI_API_KEY = 'sk-openai-doctor-test';
  const cliEnv = {
    ...sandbox.env,
    OPENCODE_GO_API_KEY: DOCTOR_UPSTREAM_KEY,
    OPENCODE_GO_BASE_URL: upstream.baseUrl,
    PROXY_LOG_LEVEL: 'warn',
  };
  const holders: Array<ReturnType<typeof spawn>> = [];
  return {
    ...sandbox,
    port,
    cliEnv,
    startBridge(mode, extraEnv = {}) {
      const env = { ...cliEnv, ...extraEnv };
      return codexOss(sandbox.root, env, 'start', '--detach', '--mode', mode, '--port', String(port));
    },
    async doctor(...args) {
      const run = await codexOss(sandbox.root, cliEnv, 'doctor', '--json', ...args);
      return { ...run, report: JSON.parse(run.stdout) as DoctorReport };
    },
    async occupyPort() {
      const script = `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`;
      const holder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
      holders.push(holder);
      let output = '';
      holder.stdout?.on('data', (chunk) => {
        output += String(chunk);
      });
      await waitFor(() => output.includes('listening'));
      return holder.pid ?? 0;
    },
    cleanup() {
      killOurBridge(projectPaths(sandbox.root).pidFile);
      for (const holder of holders) holder.kill('SIGKILL');
      sandbox.cleanup();
    },
  };
}

/** The result of one check, by id; throws when doctor did not run it. */
export function checkResult(report: DoctorReport, id: string) {
  const found = report.checks.find((check) => check.id === id);
  if (!found) throw new Error(`doctor reported no check '${id}'`);
  return found;
}

export interface DoctorFixture {
  /** Shared by the file's tests; answers "OK" unless a test scripts it otherwise. */
  upstream: MockUpstream;
  /** A fresh project and CODEX_HOME per test. */
  sandbox: DoctorSandbox;
}

/** Registers the hooks: one mock upstream per file, one sandbox per test (its bridge killed afterwards). */
export function useDoctorSandbox(): DoctorFixture {
  // Install asks the real Codex four things and doctor several more; on a loaded 2-core machine a test's install,
  // start and doctor can take over a minute.
  vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });
  const fixture = {} as DoctorFixture;
  beforeAll(async () => {
    fixture.upstream = await startMockUpstream({ apiKey: DOCTOR_UPSTREAM_KEY });
  });
  afterAll(() => fixture.upstream.close());
  beforeEach(async () => {
    fixture.upstream.script(() => textReply('OK'));
    fixture.sandbox = await createDoctorSandbox(fixture.upstream);
  });
  afterEach(() => fixture.sandbox.cleanup());
  return fixture;
}
