/**
 * Start-up defaults that users rely on: the generated local token, the non-streaming upstream mode, and logs
 * that never contain a key.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startBridge } from '../../src/runtime/start.ts';
import { textReply } from '../mock-upstream/index.ts';
import { BRIDGE_KEY, postResponses, UPSTREAM_KEY, useTestBridges } from '../support/bridge-harness.ts';

const bridge = useTestBridges();

const BRIDGE_BIN = path.join(import.meta.dirname, '..', '..', 'src', 'bin', 'opencode-bridge.ts');

/** Runs the real `opencode-bridge` entry point until it says it is listening; returns what it wrote to stderr. */
async function startupStderr(env: Record<string, string>): Promise<string> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'ocb-startup-'));
  const child = spawn(process.execPath, [BRIDGE_BIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PROXY_PORT: '0',
      PROXY_API_KEY: BRIDGE_KEY,
      PROXY_STATE_DB: path.join(stateDir, 'bridge.sqlite3'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('listening on')) resolve();
      });
      child.on('exit', (code) =>
        reject(new Error(`the bridge exited (${code}) before listening:\n${stderr}`)),
      );
    });
    return stderr;
  } finally {
    child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  }
}

describe('start-up', () => {
  it('generates a local token (0600) when no key is configured and accepts only that token', async () => {
    const t = await bridge({ PROXY_API_KEY: '' });
    expect(t.bridge.tokenFile).toBeDefined();
    expect(statSync(t.bridge.tokenFile as string).mode & 0o777).toBe(0o600);
    expect(t.bridge.apiKey).toMatch(/^ocb_[\w-]{40,}$/);
    const rejected = await postResponses(t.baseUrl, { model: 'ocg-glm-5.1', input: 'x' });
    expect(rejected.status).toBe(401);
    const accepted = await postResponses(
      t.baseUrl,
      { model: 'ocg-glm-5.1', input: 'x' },
      { authorization: `Bearer ${t.bridge.apiKey}` },
    );
    expect(accepted.status).toBe(200);
  });

  it('keeps the same token across restarts', async () => {
    const first = await bridge({ PROXY_API_KEY: '' });
    const second = await bridge({ PROXY_API_KEY: '', PROXY_STATE_DB: first.bridge.deps.config.state.dbPath });
    expect(second.bridge.apiKey).toBe(first.bridge.apiKey);
  });

  it('calls the upstream without streaming when UPSTREAM_STREAM=0 and still streams to the client', async () => {
    const t = await bridge({ UPSTREAM_STREAM: '0' });
    t.upstream.enqueue(textReply('from a non-streaming upstream', { reasoning: 'thinking' }));
    const { events } = await postResponses(t.baseUrl, {
      model: 'ocg-deepseek-v4-pro',
      input: 'x',
      stream: true,
    });
    expect(t.upstream.requests[0]?.body.stream).toBe(false);
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(events.at(-1)?.response.output.map((item: { type: string }) => item.type)).toEqual([
      'reasoning',
      'message',
    ]);
    expect(events.at(-1)?.response.usage.input_tokens).toBeGreaterThan(0);
  });

  it('serves /health without a key and /v1/models only with one', async () => {
    const t = await bridge({});
    const health = await (await fetch(`${t.bridge.url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', gpt_model_strategy: 'error' });
    expect((await fetch(`${t.baseUrl}/models`)).status).toBe(401);
    const listed = await fetch(`${t.baseUrl}/models`, { headers: { authorization: `Bearer ${BRIDGE_KEY}` } });
    const models = (await listed.json()) as { data: Array<{ id: string }> };
    const ids = models.data.map((model: { id: string }) => model.id);
    expect(ids).toContain('ocg-deepseek-v4-pro');
    expect(ids).toContain('opencode-go/kimi-k2.6');
  });

  it("answers Codex's /models?client_version=… in Codex's catalog shape, and everyone else with the OpenAI list", async () => {
    const t = await bridge({});
    const auth = { authorization: `Bearer ${BRIDGE_KEY}` };
    const codex = (await (
      await fetch(`${t.baseUrl}/models?client_version=0.169.0`, { headers: auth })
    ).json()) as {
      models: Array<Record<string, unknown>>;
    };
    expect(codex.models.find((model) => model.slug === 'ocg-deepseek-v4-pro')).toMatchObject({
      context_window: 1_000_000,
      apply_patch_tool_type: 'freeform',
      shell_type: 'unified_exec',
    });
    const openai = (await (await fetch(`${t.baseUrl}/models`, { headers: auth })).json()) as {
      object: string;
      data: Array<Record<string, unknown>>;
    };
    expect(openai.object).toBe('list');
    expect(openai.data.find((model) => model.id === 'ocg-kimi-k2.6')).toMatchObject({
      object: 'model',
      context_window: 262_144,
      max_output_tokens: 65_536,
    });
  });

  it('never writes the upstream or client key into the logs of a full run', async () => {
    const t = await bridge({});
    t.upstream.enqueue(textReply('done'));
    await postResponses(t.baseUrl, { model: 'ocg-deepseek-v4-pro', input: 'x', stream: true });
    await postResponses(
      t.baseUrl,
      { model: 'ocg-deepseek-v4-pro', input: 'x' },
      { authorization: 'Bearer wrong-key' },
    );
    expect(t.logs().length).toBeGreaterThan(0);
    expect(t.rawLogs()).not.toContain(UPSTREAM_KEY);
    expect(t.rawLogs()).not.toContain(BRIDGE_KEY);
  });

  // A whole node process starts: generous on a loaded machine.
  it('says in one line that the port is taken, and exits 1, when logging to a file', {
    timeout: 90_000,
  }, async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const dir = mkdtempSync(path.join(tmpdir(), 'ocb-start-'));
    try {
      const logFile = path.join(dir, 'logs', 'bridge.log');
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(import.meta.dirname, '../../src/bin/opencode-bridge.ts')],
          {
            env: {
              PATH: process.env.PATH,
              ALLOW_MISSING_OPENCODE_KEY: '1',
              PROXY_HOST: '127.0.0.1',
              PROXY_PORT: String(port),
              PROXY_API_KEY: BRIDGE_KEY,
              PROXY_STATE_DB: path.join(dir, 'state', 'bridge.sqlite3'),
              PROXY_LOG_PATH: logFile,
            },
            timeout: 80_000,
          },
          (error, _stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stderr }),
        );
      });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        `opencode-bridge: the port is already in use (127.0.0.1:${port}) (is another bridge running?). Set PROXY_PORT.`,
      ]);
      expect(statSync(logFile).mode & 0o777).toBe(0o600);
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes the state database again when it cannot listen', async () => {
    const running = await bridge({});
    const dir = mkdtempSync(path.join(tmpdir(), 'ocb-start-'));
    try {
      const dbPath = path.join(dir, 'bridge.sqlite3');
      const config = loadConfig({
        ALLOW_MISSING_OPENCODE_KEY: '1',
        PROXY_PORT: String(running.bridge.port),
        PROXY_API_KEY: BRIDGE_KEY,
        PROXY_STATE_DB: dbPath,
      });
      await expect(startBridge(config, pino({ level: 'silent' }))).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      // SQLite removes the WAL file when its last connection closes.
      expect(existsSync(dbPath)).toBe(true);
      expect(existsSync(`${dbPath}-wal`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns in one line at start, before any request, that every upstream call will fail without a key', async () => {
    const stderr = await startupStderr({ ALLOW_MISSING_OPENCODE_KEY: '1' });
    const warnings = stderr.split('\n').filter((line) => line.includes('OPENCODE_GO_API_KEY'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/without OPENCODE_GO_API_KEY.*every upstream call .* will fail/);
  }, 120_000);

  it('starts without that warning when the key is set', async () => {
    const stderr = await startupStderr({ OPENCODE_GO_API_KEY: UPSTREAM_KEY });
    expect(stderr).toContain('listening on');
    expect(stderr).not.toContain('will fail');
  }, 120_000);
});
