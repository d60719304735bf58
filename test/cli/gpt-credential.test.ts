/**
 * Where the GPT parent's credential comes from, through install, start and doctor, with the real Codex answering
 * `codex login status` for a temporary CODEX_HOME in each sign-in state: none, a ChatGPT account (a stand-in
 * auth.json), and OPENAI_API_KEY only. No state needs anything exported in every shell; a missing credential is
 * named at install, again at start, and is a doctor FAIL with the fix.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { readPidFile } from '../../src/cli/daemon/pid-file.ts';
import { projectPaths } from '../../src/cli/project.ts';
import { writeChatgptLogin } from '../support/chatgpt-login.ts';
import { checkResult, useDoctorSandbox } from './support/doctor-sandbox.ts';

const t = useDoctorSandbox();

beforeEach(() => {
  // The doctor sandbox's user has OPENAI_API_KEY; these users start without one.
  delete t.sandbox.env.OPENAI_API_KEY;
  delete t.sandbox.cliEnv.OPENAI_API_KEY;
});

const install = async (...args: string[]) => {
  const run = await t.sandbox.install('--trust', '--port', String(t.sandbox.port), ...args);
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
};

describe('no Codex sign-in and no OPENAI_API_KEY', () => {
  it('install, start and doctor each name the fix; doctor FAILs', async () => {
    const installed = await install();
    expect(installed.stdout).toContain('! GPT requests have no OpenAI credential yet');
    const started = await t.sandbox.startBridge('openai');
    expect(started.code, started.stderr).toBe(0); // open models still work
    expect(started.stderr).toContain(
      'codex-oss start: warning: GPT requests have no OpenAI credential: Codex is not signed in, and the bridge ' +
        'has no OPENAI_API_KEY. Fix: run `codex login`',
    );
    expect(started.stdout).toContain('  GPT        no credential (see the warning above)');
    expect(readPidFile(projectPaths(t.sandbox.root).pidFile)?.openai_api_key).toBe(false);

    const { code, report } = await t.sandbox.doctor();
    expect(checkResult(report, 'gpt-credential')).toMatchObject({
      status: 'FAIL',
      detail: 'Codex is not signed in, and the bridge has no OPENAI_API_KEY: every GPT request fails',
      fix: expect.stringMatching(
        /^run `codex login` \(your ChatGPT account; .*the codex-oss profile forwards it/,
      ),
    });
    expect(checkResult(report, 'auth')).toMatchObject({
      status: 'PASS',
      detail: expect.stringContaining('x-opencode-bridge-key header in the profile'),
    });
    expect(code).toBe(1);
  });
});

describe('signed in to Codex with a ChatGPT account', () => {
  it('install forwards the sign-in, start says so, and doctor passes, with nothing exported', async () => {
    writeChatgptLogin(t.sandbox.codexHome);
    await install();
    const started = await t.sandbox.startBridge('openai');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).not.toContain('warning');
    expect(started.stdout).toContain(
      '  GPT        your Codex sign-in (ChatGPT account), forwarded by the bridge',
    );

    const { code, report } = await t.sandbox.doctor();
    expect(checkResult(report, 'gpt-credential')).toMatchObject({
      status: 'PASS',
      detail: 'your Codex sign-in (ChatGPT account), forwarded by the bridge',
    });
    expect(report.checks.filter((check) => check.status === 'FAIL')).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('only OPENAI_API_KEY, at install but not at start', () => {
  it('start warns and doctor FAILs, naming OPENAI_API_KEY and the sign-in route', async () => {
    t.sandbox.env.OPENAI_API_KEY = 'sk-openai-at-install';
    const installed = await install();
    expect(installed.stdout).toContain('GPT requests: OPENAI_API_KEY (the environment).');
    delete t.sandbox.env.OPENAI_API_KEY;

    const started = await t.sandbox.startBridge('openai');
    expect(started.stderr).toContain(
      'GPT requests have no OpenAI credential: the bridge has no OPENAI_API_KEY, and the codex-oss profile sends only the bridge key',
    );
    const { report } = await t.sandbox.doctor();
    expect(checkResult(report, 'gpt-credential')).toMatchObject({
      status: 'FAIL',
      fix: expect.stringContaining('set OPENAI_API_KEY for the bridge and restart it, or run `codex login`'),
    });
  });

  it('with the key where start finds it, start and doctor pass', async () => {
    t.sandbox.env.OPENAI_API_KEY = 'sk-openai-at-install';
    await install();
    const started = await t.sandbox.startBridge('openai', { OPENAI_API_KEY: 'sk-openai-at-start' });
    expect(started.stdout).toContain('  GPT        OPENAI_API_KEY (the environment)');
    const { report } = await t.sandbox.doctor();
    expect(checkResult(report, 'gpt-credential')).toMatchObject({
      status: 'PASS',
      detail: "OPENAI_API_KEY (the running bridge's environment)",
    });
  });
});
