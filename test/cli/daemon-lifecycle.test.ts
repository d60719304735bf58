/**
 * codex-oss start / status / stop against the real bridge process, pointed at the scripted mock upstream.
 */
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readPidFile } from '../../src/cli/daemon/pid-file.ts';
import { isProcessAlive } from '../../src/cli/daemon/process-identity.ts';
import { type MockUpstream, startMockUpstream, textReply } from '../mock-upstream/index.ts';
import { waitFor } from '../support/wait.ts';
import { BRIDGE_KEY, codexOss, freePort, Sandbox, testEnv, UPSTREAM_KEY } from './daemon-harness.ts';

let upstream: MockUpstream;
const sandbox = new Sandbox();
beforeAll(async () => {
  upstream = await startMockUpstream({ apiKey: UPSTREAM_KEY });
});
afterAll(() => upstream.close());
afterEach(() => sandbox.cleanUp());

function env(extra: Record<string, string> = {}) {
  return testEnv({ OPENCODE_GO_API_KEY: UPSTREAM_KEY, OPENCODE_GO_BASE_URL: upstream.baseUrl, ...extra });
}

describe('codex-oss start --detach, status, stop', () => {
  it('starts the bridge in the background, reports it, and stops it', async () => {
    const project = sandbox.project();
    const port = await freePort();

    const started = await codexOss(project.root, env(), 'start', '--detach', '--port', String(port));
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(`listening  http://127.0.0.1:${port}/v1`);
    expect(started.stdout).toContain(project.logFile);

    const record = readPidFile(project.pidFile);
    expect(record).toMatchObject({ port, mode: 'production', detached: true, log_file: project.logFile });
    expect(isProcessAlive(record?.pid ?? 0)).toBe(true);
    expect(existsSync(project.stateDb)).toBe(true);

    const status = await codexOss(project.root, env(), 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`running (pid ${record?.pid}, mode production`);
    expect(status.stdout).toMatch(/deepseek-v4-pro\s+ok\s+closed\s+0\/1/);

    const stopped = await codexOss(project.root, env(), 'stop');
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain(`Stopped the bridge (pid ${record?.pid})`);
    expect(isProcessAlive(record?.pid ?? 0)).toBe(false);
    expect(existsSync(project.pidFile)).toBe(false);

    const after = await codexOss(project.root, env(), 'status');
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('not running');
  });

  it('reports version, mode, models, concurrency and 5-hour usage in status --json', async () => {
    const project = sandbox.project();
    const port = await freePort();
    const started = await codexOss(
      project.root,
      env({ ALLOW_MISSING_OPENCODE_KEY: '1' }),
      'start',
      '--detach',
      '--mode',
      'compat-test',
      '--port',
      String(port),
    );
    expect(started.code).toBe(0);
    upstream.enqueue(textReply('Counted.'));
    const answer = await fetch(`http://127.0.0.1:${port}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
      body: JSON.stringify({ model: 'ocg-deepseek-v4-pro', input: 'count me', stream: false }),
    });
    expect(answer.status).toBe(200);

    const status = await codexOss(project.root, env(), 'status', '--json');
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report).toMatchObject({
      running: true,
      pid: readPidFile(project.pidFile)?.pid,
      url: `http://127.0.0.1:${port}/v1`,
      mode: 'compat-test',
      version: expect.any(String),
      instance_id: readPidFile(project.pidFile)?.instance_id,
      uptime_seconds: expect.any(Number),
      log_file: project.logFile,
      concurrency: { active: 0, global_cap: 2, queued: 0, queue_max: 64 },
    });
    expect(report.models).toContainEqual({
      model: 'deepseek-v4-pro',
      status: 'available',
      circuit: 'closed',
      consecutive_failures: 0,
      retry_at: null,
      active_requests: 0,
      concurrency_cap: 1,
    });
    const usage = report.usage.find((entry: any) => entry.model === 'deepseek-v4-pro');
    expect(usage).toMatchObject({ window: '5h', requests: 1, request_limit: expect.any(Number) });
  });

  it('answers status --json with running: false and exit 1 when nothing runs', async () => {
    const project = sandbox.project();
    const status = await codexOss(project.root, env(), 'status', '--json');
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toEqual({
      running: false,
      reason: expect.stringContaining('not running'),
    });
  });

  it('refuses to start a second bridge while the first one runs', async () => {
    const project = sandbox.project();
    const port = await freePort();
    expect((await codexOss(project.root, env(), 'start', '--detach', '--port', String(port))).code).toBe(0);
    const second = await codexOss(
      project.root,
      env(),
      'start',
      '--detach',
      '--port',
      String(await freePort()),
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("this project's bridge is already running");
    expect(second.stderr).toContain('codex-oss stop');
  });

  it('runs in the foreground until stopped, with a pid file while it runs', async () => {
    const project = sandbox.project();
    const port = await freePort();
    const foreground = codexOss(project.root, env(), 'start', '--port', String(port));
    await waitFor(async () => (await codexOss(project.root, env(), 'status')).code === 0);
    expect(readPidFile(project.pidFile)).toMatchObject({ detached: false, log_file: null, port });

    const stopped = await codexOss(project.root, env(), 'stop');
    expect(stopped.code).toBe(0);
    expect((await foreground).code).toBe(0);
    expect(existsSync(project.pidFile)).toBe(false);
  });

  it('takes the key from .codex-oss/env/opencode-go.env and warns when others can read it', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const project = sandbox.project();
    mkdirSync(project.envDir, { recursive: true });
    writeFileSync(project.envFile, `OPENCODE_GO_API_KEY=${UPSTREAM_KEY}\n`, { mode: 0o644 });
    const port = await freePort();
    const withoutKey = testEnv({ OPENCODE_GO_BASE_URL: upstream.baseUrl });
    const started = await codexOss(project.root, withoutKey, 'start', '--detach', '--port', String(port));
    expect(started.code).toBe(0);
    expect(started.stderr).toContain(`chmod 600 ${project.envFile}`);
    const health: any = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(health.upstream.key_configured).toBe(true);
  });
});
