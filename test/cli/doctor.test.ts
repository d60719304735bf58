/**
 * codex-oss doctor on a healthy setup: the real install, the real bridge (start --detach) on the mock upstream,
 * the real Codex CLI for the probes. Every check passes except the documented WARNs.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { codexOss } from './daemon-harness.ts';
import { checkResult, DOCTOR_UPSTREAM_KEY, useDoctorSandbox } from './support/doctor-sandbox.ts';

const t = useDoctorSandbox();

/** Expected on a healthy setup in a temporary directory: --live not asked for, and state under /tmp. */
const DOCUMENTED_WARNS = ['live-spawn', 'state-db'];

describe('codex-oss doctor on a healthy setup', () => {
  beforeEach(async () => {
    expect((await t.sandbox.install('--trust', '--port', String(t.sandbox.port))).exitCode).toBe(0);
    const started = await t.sandbox.startBridge('openai');
    expect(started.code, started.stderr).toBe(0);
  });

  it('passes every check but the documented WARNs, and exits 0', async () => {
    const { code, report } = await t.sandbox.doctor();
    const notPassing = report.checks.filter((check) => check.status !== 'PASS');
    expect(notPassing.map((check) => `${check.id}: ${check.status} ${check.detail}`)).toEqual([
      expect.stringMatching(/^state-db: WARN .* is under .*reboot/),
      expect.stringMatching(/^live-spawn: WARN skipped; run with --live/),
    ]);
    expect(notPassing.map((check) => check.id).sort()).toEqual([...DOCUMENTED_WARNS].sort());
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, project: t.sandbox.root, topology: 'router' });
    expect(report.checks.length).toBeGreaterThanOrEqual(22);
  });

  it('proves the bridge end to end: running, its key, a real round trip, GPT passed through', async () => {
    t.upstream.requests.length = 0;
    const { report } = await t.sandbox.doctor();
    expect(checkResult(report, 'bridge-running').detail).toMatch(/version .*, mode openai, up /);
    expect(checkResult(report, 'auth').detail).toMatch(/cat .*bridge-token.*the running bridge accepts it/);
    expect(checkResult(report, 'round-trip').detail).toMatch(
      /^ocg-deepseek-v4-flash answered "OK" in \d+ ms \(model ocg-deepseek-v4-flash\)$/,
    );
    expect(checkResult(report, 'gpt-strategy').detail).toContain('pass through to OpenAI');
    expect(checkResult(report, 'gpt-credential')).toMatchObject({
      status: 'PASS',
      detail: "OPENAI_API_KEY (the running bridge's environment)",
    });
    expect(checkResult(report, 'agents-loaded').detail).toContain('oss-kimi-rapid (ocg-kimi-k2.6)');
    expect(checkResult(report, 'rules-forbid-exec').detail).toContain('`codex exec hi` is forbidden');
    expect(t.upstream.requests.map((request) => request.body?.model)).toEqual(['deepseek-v4-flash']);
  });

  it('never prints a key', async () => {
    const table = await codexOss(t.sandbox.root, t.sandbox.cliEnv, 'doctor');
    const json = await t.sandbox.doctor();
    const token = t.sandbox.read('.codex-oss/state/bridge-token').trim();
    for (const output of [table.stdout, json.stdout]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(DOCTOR_UPSTREAM_KEY);
    }
  });

  it('prints a table by group with PASS/WARN/FAIL, the fix under each WARN, and a verdict', async () => {
    const { code, stdout } = await codexOss(t.sandbox.root, t.sandbox.cliEnv, 'doctor');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^codex-oss doctor: .* \(router topology\)\n/);
    expect(stdout).toMatch(/\nbridge\n {2}PASS {2}Bridge running +pid \d+/);
    expect(stdout).toMatch(/WARN {2}Live subagent spawn .*\n +fix: codex-oss doctor --live\n/);
    expect(stdout).toMatch(/\n\d+ PASS, 2 WARN, 0 FAIL: working; the WARNs say what could be better\.\n$/);
  });
});

describe('codex-oss doctor --help', () => {
  it('says what it checks and that it spends a few tokens', async () => {
    const { code, stdout } = await codexOss(process.cwd(), {}, 'doctor', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: codex-oss doctor [--json] [--live] [--port N]');
    expect(stdout).toMatch(/spends a few OpenCode Go tokens/);
  });

  it('refuses a port that is not one, with exit code 2', async () => {
    const { code, stderr } = await codexOss(process.cwd(), {}, 'doctor', '--port', '70000');
    expect(code).toBe(2);
    expect(stderr).toContain("--port must be a TCP port between 1 and 65535 (got '70000')");
  });
});
