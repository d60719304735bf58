/**
 * Graceful stop: after SIGTERM the bridge stops accepting connections but lets an in-flight stream finish before
 * it exits — up to its drain deadline — and `stop` kills a bridge that will not exit.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatBridgeRunArgs } from '../../src/cli/daemon/bridge-run-args.ts';
import { readPidFile, writePidFile } from '../../src/cli/daemon/pid-file.ts';
import { isProcessAlive } from '../../src/cli/daemon/process-identity.ts';
import {
  hangBeforeHeaders,
  type MockUpstream,
  startMockUpstream,
  textReply,
} from '../mock-upstream/index.ts';
import { startTestBridge } from '../support/bridge-harness.ts';
import { waitFor } from '../support/wait.ts';
import { BRIDGE_KEY, codexOss, freePort, Sandbox, testEnv, UPSTREAM_KEY } from './daemon-harness.ts';

let upstream: MockUpstream;
const sandbox = new Sandbox();
beforeAll(async () => {
  upstream = await startMockUpstream({ apiKey: UPSTREAM_KEY });
});
afterAll(() => upstream.close());
afterEach(() => sandbox.cleanUp());

const env = () => testEnv({ OPENCODE_GO_API_KEY: UPSTREAM_KEY, OPENCODE_GO_BASE_URL: upstream.baseUrl });
const SLOW_TEXT = 'one two three four five six seven eight nine ten eleven twelve';

async function startDetached(drainSeconds: number) {
  const project = sandbox.project();
  const port = await freePort();
  const started = await codexOss(
    project.root,
    env(),
    'start',
    '--detach',
    '--port',
    String(port),
    '--drain-seconds',
    String(drainSeconds),
  );
  expect(started.code).toBe(0);
  return { project, port, pid: readPidFile(project.pidFile)?.pid as number };
}

/** Opens a streaming request and resolves once its first bytes arrived; `rest` is the remaining body. */
async function openStream(port: number) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
    body: JSON.stringify({ model: 'ocg-deepseek-v4-flash', input: 'count slowly', stream: true }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  const rest = (async () => {
    for (;;) {
      try {
        const { done, value } = await reader.read();
        if (done) return text;
        text += decoder.decode(value);
      } catch {
        return text;
      }
    }
  })();
  return { rest };
}

describe('RunningBridge.drain', () => {
  it('resolves once in-flight streams have finished, reporting none cut off', async () => {
    const t = await startTestBridge({
      upstream,
      env: { OPENCODE_GO_API_KEY: UPSTREAM_KEY, PROXY_API_KEY: BRIDGE_KEY },
    });
    try {
      upstream.enqueue(textReply(SLOW_TEXT, { chunkSize: 6, delayMs: 50 }));
      const stream = await openStream(t.bridge.port);
      const cutOff = await t.bridge.drain(5000);
      expect(cutOff).toBe(0);
      expect(await stream.rest).toContain('response.completed');
    } finally {
      await t.close();
    }
  });

  it('ends what is still open at the deadline with response.failed (retryable) and says how many', async () => {
    const t = await startTestBridge({
      upstream,
      env: { OPENCODE_GO_API_KEY: UPSTREAM_KEY, PROXY_API_KEY: BRIDGE_KEY },
    });
    try {
      upstream.enqueue(textReply(SLOW_TEXT, { chunkSize: 1, delayMs: 100 }));
      const stream = await openStream(t.bridge.port);
      expect(await t.bridge.drain(200)).toBe(1);
      const rest = await stream.rest;
      expect(rest).not.toContain('response.completed');
      expect(rest).toContain('event: response.failed');
      // server_error: Codex retries it, and reaches the bridge again once it is back.
      expect(rest).toMatch(/"error":\{"code":"server_error","message":"opencode-bridge is shutting down/);
    } finally {
      await t.close();
    }
  });

  it('also ends a stream still waiting for its first upstream answer with response.failed, after response.created', async () => {
    const t = await startTestBridge({
      upstream,
      env: {
        OPENCODE_GO_API_KEY: UPSTREAM_KEY,
        PROXY_API_KEY: BRIDGE_KEY,
        SSE_UPSTREAM_HEARTBEAT_SECONDS: '0.4',
        UPSTREAM_RETRIES: '0',
      },
    });
    try {
      upstream.enqueue(hangBeforeHeaders(3000, textReply('late')));
      const before = upstream.requests.length;
      const body = fetch(`http://127.0.0.1:${t.bridge.port}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
        body: JSON.stringify({ model: 'ocg-deepseek-v4-flash', input: 'hi', stream: true }),
      }).then((response) => response.text());
      await waitFor(async () => upstream.requests.length > before);
      expect(await t.bridge.drain(50)).toBe(1);
      const events = [...(await body).matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
      expect(events).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    } finally {
      await t.close();
    }
  });
});

describe('codex-oss stop drains in-flight streams', () => {
  it('lets an in-flight stream finish before the bridge exits, and refuses new connections meanwhile', async () => {
    const { project, port, pid } = await startDetached(20);
    upstream.enqueue(textReply(SLOW_TEXT, { chunkSize: 4, delayMs: 80 }));
    const stream = await openStream(port);

    const stopping = codexOss(project.root, env(), 'stop');
    await waitFor(async () => {
      try {
        await fetch(`http://127.0.0.1:${port}/health`);
        return false;
      } catch {
        return true;
      }
    });
    expect(isProcessAlive(pid)).toBe(true);

    const body = await stream.rest;
    expect(body).toContain('response.completed');
    const deltas = body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)))
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta)
      .join('');
    expect(deltas).toBe(SLOW_TEXT);

    const stopped = await stopping;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('Stopped the bridge');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('cuts a stream off at the drain deadline', async () => {
    const { project, port, pid } = await startDetached(0.3);
    upstream.enqueue(textReply(SLOW_TEXT.repeat(4), { chunkSize: 2, delayMs: 100 }));
    const stream = await openStream(port);
    const stopped = await codexOss(project.root, env(), 'stop');
    expect(stopped.code).toBe(0);
    expect(isProcessAlive(pid)).toBe(false);
    expect(await stream.rest).not.toContain('response.completed');
  });

  it('kills a bridge that does not exit after SIGTERM once the timeout has passed', async () => {
    const project = sandbox.project();
    const instanceId = randomUUID();
    // Stands in for a hung bridge: the same command-line markers, but it ignores SIGTERM.
    const stubborn = spawn(
      process.execPath,
      [
        '-e',
        "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ignoring SIGTERM')",
        'opencode-bridge',
        ...formatBridgeRunArgs({ instanceId, drainSeconds: 0 }),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    sandbox.children.push(stubborn);
    // Only once its handler is in place does it stand in for a hung bridge (a loaded machine starts Node slowly).
    await new Promise((resolve) => stubborn.stdout?.once('data', resolve));
    writePidFile(project.pidFile, {
      pid: stubborn.pid as number,
      instance_id: instanceId,
      host: '127.0.0.1',
      port: 4999,
      url: 'http://127.0.0.1:4999',
      mode: 'production',
      started_at: new Date().toISOString(),
      detached: true,
      log_file: null,
      drain_seconds: 0,
    });

    const stopped = await codexOss(project.root, testEnv(), 'stop', '--timeout', '0.5');
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('did not exit after SIGTERM; killed it (SIGKILL)');
    await waitFor(() => stubborn.signalCode === 'SIGKILL');
  });
});
