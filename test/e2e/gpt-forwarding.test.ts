/**
 * Router topology with the user's own Codex sign-in: the real Codex CLI, logged in with an API key
 * (`codex login --with-api-key`), a provider with `requires_openai_auth = true` and the bridge key in
 * `x-opencode-bridge-key` (what `codex-oss install --auth codex` writes). A GPT request goes through the bridge to a
 * loopback stand-in for OpenAI carrying the user's key — and never the bridge key.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerTable } from '../../src/cli/install/provider-table.ts';
import { BRIDGE_KEY, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { CODEX_BIN } from '../support/codex-bin.ts';

const USER_KEY = 'sk-test-user-own-key-123';

/**
 * What OpenAI would stream for a one-message answer: the minimal events Codex needs
 * (docs/codex-client.md#what-codex-needs-back).
 */
const OPENAI_SSE =
  'data: {"type":"response.output_item.done","output_index":0,"item":{"type":"message","id":"msg_gpt","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello from GPT via the bridge.","annotations":[]}]}}\n\n' +
  'data: {"type":"response.completed","response":{"id":"resp_gpt","usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}}\n\n';

let openai: Server;
let seen: { headers: IncomingHttpHeaders; body: string } | undefined;
let t: TestBridge;

beforeAll(async () => {
  openai = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen = { headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(OPENAI_SSE);
    });
  });
  await new Promise<void>((resolve) => openai.listen(0, '127.0.0.1', resolve));
  const port = (openai.address() as AddressInfo).port;
  t = await startTestBridge({
    env: { GPT_MODEL_STRATEGY: 'openai', OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` },
  });
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => openai.close(resolve));
});

function run(
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      CODEX_BIN,
      args,
      { env: { ...process.env, ...env, RUST_LOG: 'error' }, timeout: 180_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

function toml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([key, entry]) =>
      typeof entry === 'object' && entry !== null
        ? `${key} = { ${Object.entries(entry as Record<string, string>)
            .map(([inner, text]) => `"${inner}" = ${JSON.stringify(text)}`)
            .join(', ')} }`
        : `${key} = ${JSON.stringify(entry)}`,
    )
    .join('\n');
}

describe('GPT through the bridge with the user’s own Codex sign-in', () => {
  it('reaches the OpenAI stand-in with the user’s key, not the bridge key', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'ocb-codex-login-'));
    const work = mkdtempSync(path.join(tmpdir(), 'ocb-gpt-work-'));
    try {
      const port = Number(new URL(t.bridge.url).port);
      const provider = providerTable({ port, auth: 'codex', tokenFile: '/unused' });
      writeFileSync(
        path.join(home, 'config.toml'),
        [
          'model_provider = "opencode_bridge"',
          '[analytics]',
          'enabled = false',
          '[features]',
          'plugins = false',
          '[model_providers.opencode_bridge]',
          toml(provider),
        ].join('\n'),
      );
      const env = { CODEX_HOME: home, OPENCODE_BRIDGE_TOKEN: BRIDGE_KEY };
      const login = await run(['login', '--with-api-key'], env, `${USER_KEY}\n`);
      expect(login.code, login.stderr).toBe(0);
      const exec = await run(
        [
          'exec',
          '--json',
          '--skip-git-repo-check',
          '--ephemeral',
          '-C',
          work,
          '-m',
          'gpt-5.5',
          '-c',
          'model_providers.opencode_bridge.request_max_retries=0',
          'say hello',
        ],
        env,
      );
      expect(exec.code, exec.stderr).toBe(0);
      expect(exec.stdout).toContain('Hello from GPT via the bridge.');
      expect(seen?.headers.authorization).toBe(`Bearer ${USER_KEY}`);
      expect(seen?.headers['x-opencode-bridge-key']).toBeUndefined();
      expect(JSON.parse(seen?.body ?? '{}').model).toBe('gpt-5.5');
      expect(t.upstream.requests).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});
