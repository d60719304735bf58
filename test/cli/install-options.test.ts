/**
 * `codex-oss install` options (auth, custom agents, the key file, trust) in throwaway projects with a throwaway
 * CODEX_HOME.
 */
import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseToml } from '../../src/cli/toml/parse-toml.ts';
import { writeChatgptLogin } from '../support/chatgpt-login.ts';
import { createInstallSandbox, type InstallSandbox } from './support/install-sandbox.ts';

// Each install asks the real Codex four things; two installs on a loaded 2-core machine can take a minute.
vi.setConfig({ testTimeout: 90_000 });

let sandbox: InstallSandbox;
beforeEach(() => {
  sandbox = createInstallSandbox();
});
afterEach(() => sandbox.cleanup());

const mode = (file: string) => statSync(file).mode & 0o777;
const toml = (text: string) => parseToml(text, 'test');

describe('codex-oss install picks where GPT requests get their credential', () => {
  const provider = () =>
    (toml(sandbox.read('../codex-home/codex-oss.config.toml')) as any).model_providers.opencode_bridge;

  it('signed in to Codex with a ChatGPT account: forwards that sign-in, with nothing to export', async () => {
    writeChatgptLogin(sandbox.codexHome);
    const run = await sandbox.install();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'Auth: codex — your Codex sign-in (ChatGPT account) is forwarded for GPT requests.',
    );
    expect(run.stdout).toContain(
      'GPT requests: your Codex sign-in (ChatGPT account), forwarded by the bridge.',
    );
    expect(run.stdout).not.toContain('no OpenAI credential');
    expect(run.stdout).not.toContain('export');
    expect(provider()).toMatchObject({
      requires_openai_auth: true,
      http_headers: { 'x-opencode-bridge-key': expect.any(String) },
    });
  });

  it('signed in to Codex with an API key: forwards it too', async () => {
    const login = await sandbox.codex(['login', '--with-api-key'], {}, 'sk-user-own-key-for-install\n');
    expect(login.exitCode, login.stderr).toBe(0);
    const run = await sandbox.install();
    expect(run.stdout).toContain('GPT requests: your Codex sign-in (API key), forwarded by the bridge.');
    expect(run.stdout).not.toContain('sk-user-own-key');
    expect(provider().requires_openai_auth).toBe(true);
  });

  it('only OPENAI_API_KEY: the bridge uses it, and Codex sends only the bridge key', async () => {
    sandbox.env.OPENAI_API_KEY = 'sk-openai-in-the-shell';
    const run = await sandbox.install();
    expect(run.stdout).toContain('Auth: command — Codex is not signed in and OPENAI_API_KEY is set');
    expect(run.stdout).toContain('GPT requests: OPENAI_API_KEY (the environment).');
    expect(provider().auth.command).toBe('cat');
    expect(provider().requires_openai_auth).toBeUndefined();
  });
});

describe('codex-oss install options', () => {
  it('--auth env uses OPENCODE_BRIDGE_TOKEN, and switching back removes it', async () => {
    await sandbox.install('--auth', 'env', '--port', '4100');
    const envProvider = (toml(sandbox.read('../codex-home/codex-oss.config.toml')) as any).model_providers
      .opencode_bridge;
    expect(envProvider).toMatchObject({
      base_url: 'http://127.0.0.1:4100/v1',
      env_key: 'OPENCODE_BRIDGE_TOKEN',
    });
    expect(envProvider.auth).toBeUndefined();
    await sandbox.install('--auth', 'command');
    const back = (toml(sandbox.read('../codex-home/codex-oss.config.toml')) as any).model_providers
      .opencode_bridge;
    expect(back.env_key).toBeUndefined();
    expect(back.auth.command).toBe('cat');
  });

  it('--agent adds a custom OSS agent, lists it in AGENTS.md and the catalog', async () => {
    const run = await sandbox.install(
      '--agent',
      'oss-coder',
      '--model',
      'ocg-qwen3-coder',
      '--effort',
      'high',
      '--sandbox',
      'workspace-write',
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const role = toml(sandbox.read('.codex/agents/oss-coder.toml'));
    expect(Object.keys(role).sort()).toEqual([
      'description',
      'developer_instructions',
      'model',
      'model_provider',
      'model_reasoning_effort',
      'name',
      'nickname_candidates',
      'sandbox_mode',
    ]);
    expect(role).toMatchObject({
      name: 'oss-coder',
      model: 'ocg-qwen3-coder',
      model_reasoning_effort: 'high',
      sandbox_mode: 'workspace-write',
    });
    expect(sandbox.read('AGENTS.md')).toMatch(
      /\| `oss-coder` \| `ocg-qwen3-coder` \| high \| workspace-write \| USE ME WHEN/,
    );
    const catalog = JSON.parse(sandbox.read('.codex-oss/codex/model-catalog.json')) as {
      models: Array<{ slug: string; context_window: number }>;
    };
    expect(catalog.models.find((entry) => entry.slug === 'ocg-qwen3-coder')?.context_window).toBe(128_000);
    // Running plain install later keeps the custom agent in AGENTS.md.
    await sandbox.install();
    expect(sandbox.read('AGENTS.md')).toContain('`oss-coder`');
  });

  it('--key-from-env saves the OpenCode Go key 0600 and never prints it', async () => {
    sandbox.env.OPENCODE_GO_API_KEY = 'sk-opencode-secret-123';
    const run = await sandbox.install('--key-from-env');
    expect(sandbox.read('.codex-oss/env/opencode-go.env')).toMatch(
      /^# .*\nOPENCODE_GO_API_KEY=sk-opencode-secret-123\n$/,
    );
    expect(mode(sandbox.file('.codex-oss/env/opencode-go.env'))).toBe(0o600);
    expect(run.stdout).not.toContain('sk-opencode-secret-123');
  });

  it('--key-from-env without the variable says so and writes no key file', async () => {
    const run = await sandbox.install('--key-from-env');
    expect(run.stdout).toContain('! --key-from-env: OPENCODE_GO_API_KEY is not set');
    expect(() => sandbox.read('.codex-oss/env/opencode-go.env')).toThrow();
  });

  it('counts trust that Codex recorded in the profile (`codex --profile codex-oss exec --trust` writes it there)', async () => {
    sandbox.write(
      '../codex-home/codex-oss.config.toml',
      `[projects."${sandbox.root}"]\ntrust_level = "trusted"\n`,
    );
    const run = await sandbox.install();
    expect(run.stdout).not.toContain("Codex ignores this project's .codex/");
    expect(toml(sandbox.read('../codex-home/codex-oss.config.toml'))).toMatchObject({
      model_provider: 'opencode_bridge',
      projects: { [sandbox.root]: { trust_level: 'trusted' } },
    });
  });

  it('--trust leaves a project the user marked untrusted alone unless forced', async () => {
    sandbox.write('../codex-home/config.toml', `[projects."${sandbox.root}"]\ntrust_level = "untrusted"\n`);
    const run = await sandbox.install('--trust');
    expect(run.stdout).toContain('marks this project as untrusted');
    expect(sandbox.read('../codex-home/config.toml')).toContain('"untrusted"');
    await sandbox.install('--trust', '--force');
    expect(sandbox.read('../codex-home/config.toml')).toContain('trust_level = "trusted"');
  });
});
