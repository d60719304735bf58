/**
 * `codex-oss install` in throwaway projects with a throwaway CODEX_HOME: what it writes, what it leaves alone, and
 * that running it again changes nothing.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseToml } from '../../src/cli/toml/parse-toml.ts';
import { createInstallSandbox, type InstallSandbox } from './support/install-sandbox.ts';

// Each install asks the real Codex four things; two installs on a loaded 2-core machine can take a minute.
vi.setConfig({ testTimeout: 90_000 });

let sandbox: InstallSandbox;
beforeEach(() => {
  sandbox = createInstallSandbox();
});
afterEach(() => sandbox.cleanup());

const AGENT_FILES = ['oss-deepseek-pro', 'oss-kimi-rapid', 'oss-flash-support'].map(
  (name) => `.codex/agents/${name}.toml`,
);
const mode = (file: string) => statSync(file).mode & 0o777;
const toml = (text: string) => parseToml(text, 'test');

const USER_CONFIG = `# My Codex settings
model = "gpt-5.5"            # my favourite
approval_policy = "on-request"

[model_providers.azure]      # another provider of mine
name = "Azure"
base_url = "https://example.openai.azure.com/openai"
env_key = "AZURE_OPENAI_API_KEY"

# per-project trust below
[projects."/somewhere/else"]
trust_level = "trusted"
`;

describe('codex-oss install on an empty project (router, Codex 0.169)', () => {
  it('writes the profile, agents, rules, AGENTS.md, .gitignore, catalog and runtime dirs, and says what to run', async () => {
    const run = await sandbox.install();
    expect(run.exitCode, run.stderr).toBe(0);

    const profile = toml(sandbox.read('../codex-home/codex-oss.config.toml'));
    expect(profile.model_provider).toBe('opencode_bridge');
    expect(profile.model_catalog_json).toBe(sandbox.file('.codex-oss/codex/model-catalog.json'));
    // Not signed in and no OPENAI_API_KEY: the profile forwards the sign-in `codex login` will make.
    const token = sandbox.read('.codex-oss/state/bridge-token').trim();
    expect(token).toMatch(/^ocb_[\w-]{43}$/);
    expect(profile.model_providers).toEqual({
      opencode_bridge: {
        name: 'opencode-bridge',
        base_url: 'http://127.0.0.1:4000/v1',
        wire_api: 'responses',
        request_max_retries: 4,
        stream_max_retries: 3,
        stream_idle_timeout_ms: 600_000,
        requires_openai_auth: true,
        http_headers: { 'x-opencode-bridge-key': token },
      },
    });
    // Both hold the bridge's key.
    expect(mode(sandbox.file('.codex-oss/state/bridge-token'))).toBe(0o600);
    expect(mode(sandbox.home('codex-oss.config.toml'))).toBe(0o600);
    expect(run.stdout).not.toContain(token);
    expect(() => sandbox.read('../codex-home/config.toml')).toThrow(); // the user's config is not created

    for (const file of AGENT_FILES) expect(toml(sandbox.read(file)).model_provider).toBe('opencode_bridge');
    expect(sandbox.read('.codex/rules/codex-oss.rules')).toContain('decision = "forbidden"');
    expect(sandbox.read('AGENTS.md')).toMatch(
      /^<!-- codex-oss:start -->\n[\s\S]*fork_turns: "none"[\s\S]*<!-- codex-oss:end -->\n$/,
    );
    expect(sandbox.read('.gitignore')).toMatch(
      /^# codex-oss:start\n[\s\S]*\/\.codex-oss\/state\/[\s\S]*# codex-oss:end\n$/,
    );
    const catalog = JSON.parse(sandbox.read('.codex-oss/codex/model-catalog.json')) as {
      models: Array<{ slug: string }>;
    };
    const slugs = catalog.models.map((entry) => entry.slug);
    expect(slugs).toEqual(
      expect.arrayContaining(['ocg-deepseek-v4-pro', 'ocg-kimi-k2.6', 'ocg-deepseek-v4-flash', 'gpt-5.5']),
    );
    for (const dir of ['state', 'logs', 'run', 'env'])
      expect(mode(sandbox.file(`.codex-oss/${dir}`))).toBe(0o700);

    // The version of the Codex under test (test:codex-latest runs the newest one).
    expect(run.stdout).toMatch(/Topology: router — Codex \d+\.\d+\.\d+ ignores an agent's model_provider/);
    expect(run.stdout).toMatch(/created {3}\.codex\/agents\/oss-deepseek-pro\.toml/);
    expect(run.stdout).toContain('Auth: codex — Codex is not signed in yet and OPENAI_API_KEY is not set');
    expect(run.stdout).toContain(
      '! GPT requests have no OpenAI credential yet: Codex is not signed in, and the bridge has no OPENAI_API_KEY. ' +
        'Fix: run `codex login`',
    );
    expect(run.stdout).toContain('\n       codex-oss start --detach --mode openai\n');
    expect(run.stdout).toContain('codex --profile codex-oss');
    expect(run.stdout).toContain("! Codex ignores this project's .codex/");
    expect(sandbox.backups()).toEqual([]);
  });

  it('writes an AGENTS.md whose every file reference exists in the project', async () => {
    expect((await sandbox.install()).exitCode).toBe(0);
    const prose = sandbox.read('AGENTS.md').replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, ''); // examples aside
    const references = [...prose.matchAll(/`([^`\s]+)`/g)]
      .map(([, span]) => span ?? '')
      .filter((span) => span.includes('/') || /\.(md|toml|rules|json)$/.test(span));
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(existsSync(sandbox.file(reference)), reference).toBe(true);
  });

  it('changes nothing and makes no backup when run a second time', async () => {
    expect((await sandbox.install('--trust')).exitCode).toBe(0);
    const before = sandbox.snapshot();
    const again = await sandbox.install('--trust');
    expect(again.exitCode).toBe(0);
    expect(sandbox.snapshot()).toEqual(before);
    expect(again.stdout).toContain('Files (nothing to change):');
    expect(again.stdout).not.toMatch(/^ {2}(created|updated) /m);
  });
});

describe('codex-oss install in a second project with the same CODEX_HOME', () => {
  it('points the one codex-oss profile at this project, warning that the other project loses it', async () => {
    expect((await sandbox.install('--trust', '--auth', 'command')).exitCode).toBe(0);
    const profile = sandbox.home('codex-oss.config.toml');
    const ours = sandbox.file('.codex-oss/state/bridge-token');
    writeFileSync(profile, readFileSync(profile, 'utf8').replaceAll(ours, '/other/project/bridge-token'));
    const again = await sandbox.install('--trust', '--auth', 'command');
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('! the codex-oss profile used the bridge token of another project');
    expect(readFileSync(profile, 'utf8')).toContain(ours);
  });

  it('says so too when the profile carried another bridge token in its header (codex auth)', async () => {
    expect((await sandbox.install('--trust')).exitCode).toBe(0);
    const profile = sandbox.home('codex-oss.config.toml');
    const token = sandbox.read('.codex-oss/state/bridge-token').trim();
    writeFileSync(profile, readFileSync(profile, 'utf8').replaceAll(token, 'ocb_other-projects-token'));
    const again = await sandbox.install('--trust');
    expect(again.stdout).toContain('! the codex-oss profile used the bridge token of another project');
    expect(readFileSync(profile, 'utf8')).toContain(token);
    expect(again.stdout).not.toContain('ocb_other-projects-token');
  });
});

describe('codex-oss install run twice with other options', () => {
  for (const args of [
    ['--topology', 'subagent-provider', '--trust'],
    ['--auth', 'env', '--agent', 'oss-coder', '--model', 'ocg-qwen3-coder', '--key-from-env'],
  ]) {
    it(`changes nothing the second time: ${args.join(' ')}`, async () => {
      sandbox.write('../codex-home/config.toml', USER_CONFIG);
      sandbox.env.OPENCODE_GO_API_KEY = 'sk-test';
      expect((await sandbox.install(...args)).exitCode).toBe(0);
      const before = sandbox.snapshot();
      expect((await sandbox.install(...args)).stdout).toContain('Files (nothing to change):');
      expect(sandbox.snapshot()).toEqual(before);
    });
  }
});

describe('codex-oss install on a project with its own files', () => {
  beforeEach(() => {
    sandbox.write('../codex-home/config.toml', USER_CONFIG);
    sandbox.write('.codex/config.toml', '# project settings\nmodel_reasoning_effort = "high"\n');
    sandbox.write('AGENTS.md', '# Project rules\n\nUse tabs.\n');
    sandbox.write('.gitignore', 'node_modules/\ndist/\n');
  });

  it('keeps everything outside its own parts and backs up every file it changes', async () => {
    const run = await sandbox.install('--trust');
    expect(run.exitCode, run.stderr).toBe(0);

    const config = sandbox.read('../codex-home/config.toml');
    expect(config.startsWith(USER_CONFIG)).toBe(true);
    expect(toml(config).projects).toEqual({
      '/somewhere/else': { trust_level: 'trusted' },
      [sandbox.root]: { trust_level: 'trusted' },
    });
    expect(toml(config).model_provider).toBeUndefined(); // router: the user's own setup stays as it was
    expect(sandbox.read('.codex/config.toml')).toBe('# project settings\nmodel_reasoning_effort = "high"\n');
    expect(
      sandbox.read('AGENTS.md').startsWith('# Project rules\n\nUse tabs.\n\n<!-- codex-oss:start -->\n'),
    ).toBe(true);
    expect(sandbox.read('.gitignore').startsWith('node_modules/\ndist/\n\n# codex-oss:start\n')).toBe(true);

    const backups = sandbox.backups();
    expect(backups).toHaveLength(3);
    const snapshot = sandbox.snapshot();
    const backupOf = (name: string) =>
      snapshot.get(backups.find((backup) => backup.startsWith(name)) as string);
    expect(backupOf('codex-home/config.toml.codex-oss-backup-')).toMatch(/^# My Codex settings/);
    expect(backupOf('project/AGENTS.md.codex-oss-backup-')).toMatch(/^# Project rules\n\nUse tabs\.\n<mode/);
    expect(backupOf('project/.gitignore.codex-oss-backup-')).toMatch(/^node_modules\/\ndist\/\n<mode/);
    expect(run.stdout).toMatch(
      /updated {3}AGENTS\.md {2}\(backup: AGENTS\.md\.codex-oss-backup-\d{8}T\d{6}Z\)/,
    );
  });

  it('with --force rewrites only what it owns', async () => {
    await sandbox.install();
    sandbox.write(
      '.codex/agents/oss-kimi-rapid.toml',
      `${sandbox.read('.codex/agents/oss-kimi-rapid.toml')}# my note\n`,
    );
    sandbox.write('AGENTS.md', `${sandbox.read('AGENTS.md')}\nMy own closing words.\n`);
    const profile = sandbox.read('../codex-home/codex-oss.config.toml');
    sandbox.write(
      '../codex-home/codex-oss.config.toml',
      profile.replace('wire_api = "responses"', 'wire_api = "responses"\nsupports_websockets = false'),
    );

    const kept = await sandbox.install();
    expect(kept.stdout).toMatch(
      /kept {6}\.codex\/agents\/oss-kimi-rapid\.toml {2}\(differs from what install writes/,
    );
    expect(sandbox.read('.codex/agents/oss-kimi-rapid.toml')).toContain('# my note');
    expect(toml(sandbox.read('../codex-home/codex-oss.config.toml'))).toMatchObject({
      model_providers: { opencode_bridge: { supports_websockets: false } },
    });

    const forced = await sandbox.install('--force');
    expect(forced.exitCode).toBe(0);
    expect(sandbox.read('.codex/agents/oss-kimi-rapid.toml')).not.toContain('# my note');
    expect(sandbox.read('AGENTS.md')).toContain('My own closing words.');
    expect(sandbox.read('AGENTS.md').startsWith('# Project rules\n')).toBe(true);
    expect(sandbox.read('.codex/config.toml')).toBe('# project settings\nmodel_reasoning_effort = "high"\n');
    const forcedProfile = toml(sandbox.read('../codex-home/codex-oss.config.toml')) as any;
    expect(forcedProfile.model_providers.opencode_bridge.supports_websockets).toBeUndefined();
    expect(forced.stdout).toMatch(/updated {3}\.codex\/agents\/oss-kimi-rapid\.toml {2}\(backup: /);
  });

  it('reports invalid TOML in the user config with its line and writes nothing', async () => {
    sandbox.write('../codex-home/config.toml', `${USER_CONFIG}\n[broken\n`);
    const before = sandbox.snapshot();
    const run = await sandbox.install('--trust');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/config\.toml:14:\d+: invalid TOML: .*Fix the file/);
    expect(sandbox.snapshot()).toEqual(before);
  });

  it('refuses an AGENTS.md whose markers do not pair up, and writes nothing', async () => {
    sandbox.write('AGENTS.md', '# Rules\n<!-- codex-oss:start -->\nhalf a block\n');
    const before = sandbox.snapshot();
    const run = await sandbox.install();
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/AGENTS\.md has unmatched codex-oss markers/);
    expect(sandbox.snapshot()).toEqual(before);
  });
});

describe('codex-oss install --topology', () => {
  it('subagent-provider adds only the provider table to the user config, never a top-level model_provider', async () => {
    sandbox.write('../codex-home/config.toml', USER_CONFIG);
    const run = await sandbox.install('--topology', 'subagent-provider');
    expect(run.exitCode, run.stderr).toBe(0);
    const config = sandbox.read('../codex-home/config.toml');
    expect(config.startsWith(USER_CONFIG)).toBe(true);
    const parsed = toml(config) as any;
    expect(parsed.model_provider).toBeUndefined();
    expect(Object.keys(parsed.model_providers)).toEqual(['azure', 'opencode_bridge']);
    expect(parsed.model_providers.opencode_bridge.wire_api).toBe('responses');
    expect(() => sandbox.read('../codex-home/codex-oss.config.toml')).toThrow();
    expect(run.stdout).toMatch(
      /Topology: subagent-provider — chosen with --topology subagent-provider; note: Codex \d+\.\d+\.\d+ ignores/,
    );
    expect(run.stdout).toContain('model catalog written but not referenced');
    expect(sandbox.backups()).toEqual([
      expect.stringMatching(/^codex-home\/config\.toml\.codex-oss-backup-\d{8}T\d{6}Z$/),
    ]);
  });

  it('router can be chosen explicitly', async () => {
    const run = await sandbox.install('--topology', 'router');
    expect(run.stdout).toContain('Topology: router — chosen with --topology router.');
  });

  it('falls back to router, without a catalog, when the Codex CLI is not found', async () => {
    sandbox.env.PATH = '/nonexistent';
    const run = await sandbox.install();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Topology: router — the Codex CLI was not found');
    expect(run.stdout).toContain('! Codex CLI not found');
    expect(toml(sandbox.read('../codex-home/codex-oss.config.toml')).model_catalog_json).toBeUndefined();
  });
});
