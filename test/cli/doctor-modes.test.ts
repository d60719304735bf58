/**
 * The three `codex-oss start` modes as a user meets them: `status` and `doctor` name each one the same way, and the
 * modes the README suggests (openai for work, compat-test for trying the setup out) leave doctor without a FAIL.
 */
import { describe, expect, it } from 'vitest';
import { codexOss } from './daemon-harness.ts';
import { checkResult, useDoctorSandbox } from './support/doctor-sandbox.ts';

const t = useDoctorSandbox();

async function modeNames(mode: 'openai' | 'compat-test' | 'production') {
  expect((await t.sandbox.install('--trust', '--port', String(t.sandbox.port))).exitCode).toBe(0);
  const started = await t.sandbox.startBridge(mode);
  expect(started.code, started.stderr).toBe(0);
  const status = await codexOss(t.sandbox.root, t.sandbox.cliEnv, 'status', '--json');
  const doctor = await t.sandbox.doctor();
  return { status: JSON.parse(status.stdout) as { mode: string }, doctor };
}

describe('start modes in status and doctor', () => {
  for (const mode of ['openai', 'compat-test', 'production'] as const) {
    it(`${mode}: status and doctor name it "${mode}"`, async () => {
      const { status, doctor } = await modeNames(mode);
      expect(status.mode).toBe(mode);
      expect(checkResult(doctor.report, 'bridge-running').detail).toContain(`, mode ${mode}, `);
      expect(checkResult(doctor.report, 'gpt-strategy').detail).toMatch(new RegExp(`^${mode} mode: `));
    });
  }

  it('compat-test, the mode for trying the setup out, passes doctor with a WARN that says what it does', async () => {
    const { doctor } = await modeNames('compat-test');
    expect(checkResult(doctor.report, 'gpt-strategy')).toMatchObject({
      status: 'WARN',
      detail: expect.stringContaining('GPT requests are answered by an open model'),
    });
    expect(checkResult(doctor.report, 'gpt-credential')).toMatchObject({
      status: 'PASS',
      detail: 'not needed in compat-test mode: GPT requests do not go to OpenAI',
    });
    expect(doctor.report.checks.filter((check) => check.status === 'FAIL')).toEqual([]);
    expect(doctor.code).toBe(0);
  });
});
