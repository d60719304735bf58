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
    auth: 'command' as const,
    tokenFile: '/work/p/.codex-oss/state/bridge-token',
  };

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
    tokenFile: '/work/p/.codex-oss/state/bridge-token',
    projectRoot: '/work/p',
  };

  it('router: start with GPT passthrough, then the profile', () => {
    const steps = nextSteps({ ...context, topology: 'router', port: 4100 }).join('\n');
    expect(steps).toContain('npx codex-oss start --mode openai --port 4100');
    expect(steps).toContain('codex --profile codex-oss');
    expect(steps).not.toContain('export');
  });

  it('subagent-provider: plain start and plain codex', () => {
    const steps = nextSteps({ ...context, topology: 'subagent-provider' }).join('\n');
    expect(steps).toContain('npx codex-oss start\n');
    expect(steps).not.toContain('--profile');
  });

  it('env and codex auth: says how to export the bridge key for Codex', () => {
    const steps = nextSteps({ ...context, topology: 'router', auth: 'codex' }).join('\n');
    expect(steps).toContain('export OPENCODE_BRIDGE_TOKEN="$(cat .codex-oss/state/bridge-token)"');
    expect(steps).toContain('with your Codex sign-in');
  });
});
