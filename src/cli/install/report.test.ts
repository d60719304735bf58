import { describe, expect, it } from 'vitest';
import { formatInstallReport, nextSteps } from './report.ts';

describe('formatInstallReport', () => {
  const report = {
    projectRoot: '/work/p',
    choice: { topology: 'router' as const, reason: 'because' },
    files: [
      { path: '/home/me/.codex/codex-oss.config.toml', status: 'created' as const },
      {
        path: '/work/p/AGENTS.md',
        status: 'updated' as const,
        backup: '/work/p/AGENTS.md.codex-oss-backup-20261125T194803Z',
      },
      { path: '/work/p/.gitignore', status: 'unchanged' as const },
      { path: '/work/p/.codex/agents/oss-kimi-rapid.toml', status: 'kept' as const, note: 'edited' },
    ],
    dirs: [
      { path: '/work/p/.codex-oss/state', status: 'created' as const },
      { path: '/work/p/.codex-oss/logs', status: 'unchanged' as const },
    ],
    warnings: ['trust it'],
    notes: ['a note'],
    port: 4000,
    auth: {
      auth: 'codex' as const,
      reason: 'your Codex sign-in (ChatGPT account) is forwarded for GPT requests',
    },
    gptCredential: { kind: 'codex_sign_in' as const, signIn: { state: 'chatgpt' as const } },
    tokenFile: '/work/p/.codex-oss/state/bridge-token',
  };

  it('says which auth it chose and what GPT requests travel with', () => {
    const text = formatInstallReport(report);
    expect(text).toContain(
      'Auth: codex — your Codex sign-in (ChatGPT account) is forwarded for GPT requests.\n' +
        'GPT requests: your Codex sign-in (ChatGPT account), forwarded by the bridge.\n',
    );
  });

  it('lists each file with what happened, project files relative, and the backups', () => {
    const text = formatInstallReport(report);
    expect(text).toContain('Topology: router — because.');
    expect(text).toContain('  created   /home/me/.codex/codex-oss.config.toml\n');
    expect(text).toContain('  updated   AGENTS.md  (backup: AGENTS.md.codex-oss-backup-20261125T194803Z)\n');
    expect(text).toContain('  unchanged .gitignore\n');
    expect(text).toContain('  kept      .codex/agents/oss-kimi-rapid.toml  (edited)\n');
    expect(text).toContain('  created   .codex-oss/state/ (0700)\n');
    expect(text).not.toContain('.codex-oss/logs');
    expect(text).toContain('\n- a note\n');
    expect(text).toContain('\n! trust it\n');
  });

  it('says when there was nothing to change', () => {
    const unchanged = { ...report, files: [{ path: '/work/p/x', status: 'unchanged' as const }], dirs: [] };
    expect(formatInstallReport(unchanged)).toContain('Files (nothing to change):');
  });
});

describe('nextSteps', () => {
  const context = {
    port: 4000,
    auth: 'command' as const,
    gptCredential: { kind: 'openai_api_key' as const, where: 'the environment' },
    tokenFile: '/work/p/.codex-oss/state/bridge-token',
    projectRoot: '/work/p',
  };

  it('router: start with GPT passthrough (saying with what), then the profile; commands as a global install runs them', () => {
    const steps = nextSteps({ ...context, topology: 'router', port: 4100 }).join('\n');
    expect(steps).toContain('(GPT requests pass through to OpenAI with OPENAI_API_KEY (the environment))');
    expect(steps).toContain('\n       codex-oss start --detach --mode openai --port 4100\n');
    expect(steps).toContain('codex --profile codex-oss');
    expect(steps).toContain('codex-oss doctor');
    expect(steps).not.toContain('npx');
    expect(steps).not.toContain('export');
  });

  it('router without a credential: points at the warning that says how to get one', () => {
    const none = { kind: 'none' as const, why: 'Codex is not signed in', fix: 'run `codex login`' };
    const steps = nextSteps({ ...context, topology: 'router', auth: 'codex', gptCredential: none }).join(
      '\n',
    );
    expect(steps).toContain(
      '1. Start the bridge (GPT requests have no credential yet: see the ! line above):',
    );
  });

  it('subagent-provider: plain start and plain codex', () => {
    const steps = nextSteps({ ...context, topology: 'subagent-provider', gptCredential: undefined }).join(
      '\n',
    );
    expect(steps).toContain('codex-oss start --detach\n');
    expect(steps).not.toContain('--profile');
  });

  it('env auth: says how to export the bridge key for Codex; codex auth needs no export', () => {
    const env = nextSteps({ ...context, topology: 'router', auth: 'env' }).join('\n');
    expect(env).toContain('export OPENCODE_BRIDGE_TOKEN="$(cat .codex-oss/state/bridge-token)"');
    const codex = nextSteps({ ...context, topology: 'router', auth: 'codex' }).join('\n');
    expect(codex).not.toContain('export');
  });
});
