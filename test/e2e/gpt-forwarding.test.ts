/**
 * Router topology with the user's own Codex sign-in: the real Codex CLI with the provider `codex-oss install` writes
 * for it (`requires_openai_auth = true`, the bridge key in a static `x-opencode-bridge-key` header). A GPT request goes
 * through the bridge carrying the user's credential — never the bridge key — to a loopback stand-in: OpenAI for an
 * API key, the ChatGPT backend for a ChatGPT account. Without any credential, Codex shows the bridge's message at once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerTable } from '../../src/cli/install/provider-table.ts';
import { BRIDGE_KEY, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { type ChatgptBackend, startChatgptBackend } from '../support/chatgpt-backend.ts';
import { writeChatgptLogin } from '../support/chatgpt-login.ts';
import { CODEX_BIN } from '../support/codex-bin.ts';

const USER_KEY = 'sk-test-user-own-key-123';
const CODEX_TIMEOUT_MS = 180_000;

/**
 * What OpenAI would stream for a one-message answer: the minimal events Codex needs
 * (docs/codex-client.md#what-codex-needs-back).
 */
const OPENAI_SSE =
  'data: {"type":"response.output_item.done","output_index":0,"item":{"type":"message","id":"msg_gpt","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello from GPT via the bridge.","annotations":[]}]}}\n\n' +
  'data: {"type":"response.completed","response":{"id":"resp_gpt","usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}}\n\n';

let openai: Server;
let seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
let chatgpt: ChatgptBackend;
let t: TestBridge;
let home: string;
let work: string;

beforeAll(async () => {
  openai = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(OPENAI_SSE);
    });
  });
  await new Promise<void>((resolve) => openai.listen(0, '127.0.0.1', resolve));
  chatgpt = await startChatgptBackend(() => [
    {
      type: 'message',
      role: 'assistant',
      id: 'msg_chatgpt',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Hello from the ChatGPT backend.', annotations: [] }],
    },
  ]);
  const port = (openai.address() as AddressInfo).port;
  t = await startTestBridge({
    env: {
      GPT_MODEL_STRATEGY: 'openai',
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      CHATGPT_BASE_URL: chatgpt.codexBaseUrl,
    },
  });
}, 60_000);
afterAll(async () => {
  await t.close();
  await chatgpt.close();
  await new Promise((resolve) => openai.close(resolve));
});
beforeEach(() => {
  seen = [];
  chatgpt.requests.length = 0;
  home = mkdtempSync(path.join(tmpdir(), 'ocb-codex-login-'));
  work = mkdtempSync(path.join(tmpdir(), 'ocb-gpt-work-'));
  const port = Number(new URL(t.bridge.url).port);
  const provider = providerTable({ port, auth: 'codex', tokenFile: '/unused', token: BRIDGE_KEY });
  writeFileSync(
    path.join(home, 'config.toml'),
    [
      'model_provider = "opencode_bridge"',
      // Codex's own calls to the ChatGPT backend (account checks) go to the stand-in, not the network.
      `chatgpt_base_url = "${chatgpt.backendUrl}"`,
      '[analytics]',
      'enabled = false',
      '[features]',
      'plugins = false',
      '[model_providers.opencode_bridge]',
      toml(provider),
    ].join('\n'),
  );
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CODEX_HOME: home,
      RUST_LOG: 'error',
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: chatgpt.refreshUrl,
    };
    delete env.OPENAI_API_KEY;
    delete env.OPENCODE_BRIDGE_TOKEN;
    const child = execFile(CODEX_BIN, args, { env, timeout: CODEX_TIMEOUT_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

function exec(model: string, prompt: string) {
  return run(['exec', '--json', '--skip-git-repo-check', '--ephemeral', '-C', work, '-m', model, prompt]);
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

const passThroughLines = () => t.logs().filter((line) => String(line.msg).startsWith('gpt pass-through'));

describe('GPT through the bridge with the user’s own Codex sign-in', () => {
  it(
    'an API key: reaches the OpenAI stand-in with the user’s key, not the bridge key',
    async () => {
      const login = await run(['login', '--with-api-key'], `${USER_KEY}\n`);
      expect(login.code, login.stderr).toBe(0);
      const result = await exec('gpt-5.5', 'say hello');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Hello from GPT via the bridge.');
      const [request] = seen;
      expect(request?.headers.authorization).toBe(`Bearer ${USER_KEY}`);
      expect(request?.headers['x-opencode-bridge-key']).toBeUndefined();
      expect(JSON.parse(request?.body ?? '{}').model).toBe('gpt-5.5');
      expect(t.upstream.requests).toEqual([]);
    },
    CODEX_TIMEOUT_MS * 2,
  );

  it(
    'a ChatGPT account: reaches the ChatGPT backend stand-in with the access token and account id, as Codex sent it',
    async () => {
      const login = writeChatgptLogin(home);
      const status = await run(['login', 'status']);
      expect(status.stderr).toContain('Logged in using ChatGPT');
      const result = await exec('gpt-5.5', 'say hello to the backend');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Hello from the ChatGPT backend.');

      const [request] = chatgpt.responses();
      expect(request?.headers.authorization).toBe(`Bearer ${login.accessToken}`);
      expect(request?.headers['chatgpt-account-id']).toBe(login.accountId);
      expect(request?.headers['x-opencode-bridge-key']).toBeUndefined();
      expect(JSON.stringify(request?.headers)).not.toContain(BRIDGE_KEY);
      expect(request?.body).toMatchObject({ model: 'gpt-5.5', stream: true });
      expect(request?.raw).toContain('say hello to the backend');
      expect(seen).toEqual([]); // nothing went to the OpenAI API
      expect(chatgpt.refreshAttempts()).toEqual([]); // and Codex never tried to refresh the stand-in tokens
      expect(passThroughLines().at(-1)).toMatchObject({
        model: 'gpt-5.5',
        target: 'chatgpt',
        credential: 'forwarded_chatgpt',
        status: 200,
        outcome: 'completed',
      });
    },
    CODEX_TIMEOUT_MS * 2,
  );

  it(
    'no sign-in and no OPENAI_API_KEY: Codex shows the bridge’s fix at once, without retrying',
    async () => {
      const before = passThroughLines().length;
      const result = await exec('gpt-5.5', 'say hello');
      expect(result.code).toBe(1);
      const shown = `${result.stdout}\n${result.stderr}`;
      expect(shown).toContain('openai_credentials_missing');
      expect(shown).toContain('Codex is not signed in');
      expect(shown).toContain('`codex login`');
      expect(shown).not.toContain('Reconnecting');
      // One request, answered 400: Codex does not retry it (a 401 or 5xx would be retried three times).
      const refused = passThroughLines().slice(before);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ status: 400, outcome: 'credentials_missing' });
      expect(seen).toEqual([]);
      expect(chatgpt.responses()).toEqual([]);
    },
    CODEX_TIMEOUT_MS * 2,
  );
});
