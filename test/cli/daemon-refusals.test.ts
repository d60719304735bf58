/**
 * When start and stop must refuse, and what they say: missing keys, a port someone else holds, pid files that
 * name a process that is gone or that is not our bridge.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type PidRecord, writePidFile } from '../../src/cli/daemon/pid-file.ts';
import { isProcessAlive } from '../../src/cli/daemon/process-identity.ts';
import { startTestBridge } from '../support/bridge-harness.ts';
import { waitFor } from '../support/wait.ts';
import { codexOss, freePort, Sandbox, testEnv, UPSTREAM_KEY } from './daemon-harness.ts';

const sandbox = new Sandbox();
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  await sandbox.cleanUp();
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function recordFor(pid: number, port = 4999): PidRecord {
  return {
    pid,
    instance_id: 'd0e1f2a3-0000-4000-8000-000000000000',
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    mode: 'production',
    started_at: new Date().toISOString(),
    detached: true,
    log_file: null,
    drain_seconds: 1,
  };
}

describe('codex-oss start refuses', () => {
  it('production mode without an OpenCode Go key, saying where to put one', async () => {
    const project = sandbox.project();
    const run = await codexOss(
      project.root,
      testEnv({ ALLOW_MISSING_OPENCODE_KEY: '1' }),
      'start',
      '--detach',
      '--port',
      String(await freePort()),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('production mode needs an OpenCode Go key');
    expect(run.stderr).toContain('OPENCODE_GO_API_KEY');
    expect(run.stderr).toContain(project.envFile);
    expect(existsSync(project.pidFile)).toBe(false);
  });

  it('an unknown mode, with the usage', async () => {
    const project = sandbox.project();
    const run = await codexOss(project.root, testEnv(), 'start', '--mode', 'turbo');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown mode 'turbo'");
    expect(run.stderr).toContain('Usage: codex-oss start');
  });

  it('a port another program listens on, naming it as not a bridge', async () => {
    const project = sandbox.project();
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.end('hello\n');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const env = testEnv({ OPENCODE_GO_API_KEY: UPSTREAM_KEY });
    const run = await codexOss(project.root, env, 'start', '--detach', '--port', String(port));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `port ${port} on 127.0.0.1 is already in use by another program (not an opencode-bridge)`,
    );
    expect(run.stderr).toContain('--port N');
    expect(existsSync(project.pidFile)).toBe(false);
  });

  it('a port another opencode-bridge listens on, naming it as a bridge', async () => {
    const project = sandbox.project();
    const other = await startTestBridge();
    try {
      const env = testEnv({ OPENCODE_GO_API_KEY: UPSTREAM_KEY });
      const run = await codexOss(project.root, env, 'start', '--detach', '--port', String(other.bridge.port));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`already in use by another opencode-bridge`);
      expect(run.stderr).toContain(other.bridge.instanceId);
    } finally {
      await other.close();
    }
  });
});

describe('codex-oss stop', () => {
  it('says so when nothing runs', async () => {
    const project = sandbox.project();
    const run = await codexOss(project.root, testEnv(), 'stop');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No bridge is running for this project');
  });

  it('removes a stale pid file whose process has exited', async () => {
    const project = sandbox.project();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writePidFile(project.pidFile, recordFor(gone));
    const run = await codexOss(project.root, testEnv(), 'stop');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`pid ${gone} has already exited. Removed the stale pid file`);
    expect(existsSync(project.pidFile)).toBe(false);
  });

  it('refuses a pid file that names a foreign process, and leaves that process alive', async () => {
    const project = sandbox.project();
    const sleeper = sandbox.spawn('sleep', ['100']);
    await waitFor(() => sleeper.pid !== undefined);
    writePidFile(project.pidFile, recordFor(sleeper.pid as number));

    const run = await codexOss(project.root, testEnv(), 'stop');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refusing to signal it');
    expect(run.stderr).toContain('sleep 100');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isProcessAlive(sleeper.pid as number)).toBe(true);
    expect(sleeper.exitCode).toBeNull();
  });

  it('status treats a pid file naming a foreign process as not running, and leaves the process alone', async () => {
    const project = sandbox.project();
    const sleeper = sandbox.spawn('sleep', ['100']);
    writePidFile(project.pidFile, recordFor(sleeper.pid as number));
    const status = await codexOss(project.root, testEnv(), 'status');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('is not the bridge codex-oss started');
    expect(isProcessAlive(sleeper.pid as number)).toBe(true);
  });

  it('rejects a pid file it did not write', async () => {
    const project = sandbox.project();
    mkdirSync(project.runDir, { recursive: true });
    writeFileSync(project.pidFile, '12345\n');
    const run = await codexOss(project.root, testEnv(), 'stop');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not a pid file written by codex-oss start');
  });
});
