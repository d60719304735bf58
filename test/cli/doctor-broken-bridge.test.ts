/**
 * codex-oss doctor on broken bridges: not running, its port taken by another program, the upstream rejecting its
 * key, GPT requests refused in the router topology, a key Codex cannot read. The bridges are real (start --detach)
 * and talk to the scripted mock upstream.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { textReply, toolCallReply } from '../mock-upstream/index.ts';
import { checkResult, useDoctorSandbox } from './support/doctor-sandbox.ts';

const t = useDoctorSandbox();
beforeEach(async () => {
  expect((await t.sandbox.install('--trust', '--port', String(t.sandbox.port))).exitCode).toBe(0);
});

const start = () => `codex-oss start --detach --mode openai --port ${t.sandbox.port}`;

describe('codex-oss doctor on the bridge', () => {
  it('fails when the bridge is not running, with the start command, and leaves what needs it "not checked"', async () => {
    const { code, report } = await t.sandbox.doctor();
    expect(checkResult(report, 'bridge-running')).toMatchObject({
      status: 'FAIL',
      detail: 'not running (no pid file)',
      fix: start(),
    });
    for (const id of ['gpt-strategy', 'round-trip', 'upstream-key']) {
      expect(checkResult(report, id)).toMatchObject({
        status: 'WARN',
        detail: 'not checked: the bridge is not running',
      });
    }
    expect(checkResult(report, 'bridge-port')).toMatchObject({
      status: 'PASS',
      detail: `${t.sandbox.port} is free`,
    });
    expect(code).toBe(1);
  });

  it('fails when another program holds the port, naming it and how to stop or avoid it', async () => {
    const holder = await t.sandbox.occupyPort();
    const { report } = await t.sandbox.doctor();
    const port = checkResult(report, 'bridge-port');
    expect(port).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        new RegExp(
          `^port ${t.sandbox.port} on 127\\.0\\.0\\.1 is already in use by another program \\(not an opencode-bridge\\): pid ${holder} \`.*node`,
        ),
      ),
    });
    expect(port.status === 'FAIL' && port.fix).toMatch(
      new RegExp(
        `^stop it \\(\`kill ${holder}\`\\), or move: codex-oss install --port (\\d+) && codex-oss start --detach --mode openai --port \\1$`,
      ),
    );
  });

  it('fails the key check when the upstream rejects the key, and the round trip names the error', async () => {
    expect(
      (await t.sandbox.startBridge('openai', { OPENCODE_GO_API_KEY: 'sk-rejected-by-upstream' })).code,
    ).toBe(0);
    const { code, report } = await t.sandbox.doctor();
    expect(checkResult(report, 'upstream-key')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining("rejects the bridge's key"),
      fix: expect.stringMatching(
        /^put a valid `OPENCODE_GO_API_KEY=<key>` in .*opencode-go\.env .*: codex-oss stop && codex-oss start --detach --mode openai/,
      ),
    });
    expect(checkResult(report, 'round-trip')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        /^ocg-deepseek-v4-flash failed after \d+ ms: upstream_authentication_failed: /,
      ),
    });
    expect(checkResult(report, 'bridge-running').status).toBe('PASS');
    expect(code).toBe(1);
  });

  it('warns in production mode that GPT requests are refused, so the main session needs an open model', async () => {
    expect((await t.sandbox.startBridge('production')).code).toBe(0);
    const { report } = await t.sandbox.doctor();
    expect(checkResult(report, 'gpt-strategy')).toMatchObject({
      status: 'WARN',
      detail: expect.stringMatching(
        /^production mode: GPT requests are refused, so the main session must use an open/,
      ),
      fix: `for a GPT main session: codex-oss stop && ${start()}`,
    });
    expect(checkResult(report, 'bridge-running').detail).toContain('mode production,');
    expect(checkResult(report, 'round-trip').status).toBe('PASS');
  });

  it('passes production mode when the profile makes an open model the main model', async () => {
    const profile = t.sandbox.home('codex-oss.config.toml');
    writeFileSync(profile, `model = "ocg-deepseek-v4-pro"\n${readFileSync(profile, 'utf8')}`);
    expect((await t.sandbox.startBridge('production')).code).toBe(0);
    const { report } = await t.sandbox.doctor();
    expect(checkResult(report, 'gpt-strategy')).toMatchObject({
      status: 'PASS',
      detail: 'production mode: the main session uses ocg-deepseek-v4-pro, an open model',
    });
  });

  it('fails the round trip on an empty answer', async () => {
    t.upstream.script(() => textReply(''));
    expect((await t.sandbox.startBridge('openai')).code).toBe(0);
    const { code, report } = await t.sandbox.doctor();
    expect(checkResult(report, 'round-trip')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        /^ocg-deepseek-v4-flash failed after \d+ ms: empty_answer: the answer has no text$/,
      ),
    });
    expect(checkResult(report, 'upstream-key').status).toBe('PASS');
    expect(code).toBe(1);
  });

  it('fails the round trip on an answer that calls a tool the request never declared', async () => {
    t.upstream.script(() => toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"rm -rf /"}' }]));
    expect((await t.sandbox.startBridge('openai')).code).toBe(0);
    const { report } = await t.sandbox.doctor();
    expect(checkResult(report, 'round-trip')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining(
        'undeclared_tool_call: the answer called exec_command, but the request declared no tools',
      ),
    });
  });

  it('fails auth when the bridge runs with PROXY_API_KEY, so the token file Codex reads does not exist', async () => {
    expect((await t.sandbox.startBridge('openai', { PROXY_API_KEY: 'sk-bridge-own-key' })).code).toBe(0);
    const { report } = await t.sandbox.doctor();
    expect(checkResult(report, 'auth')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        /bridge-token does not exist: the running bridge uses PROXY_API_KEY or LITELLM_MASTER_KEY instead$/,
      ),
      fix: expect.stringMatching(
        /^unset PROXY_API_KEY LITELLM_MASTER_KEY .*codex-oss stop && codex-oss start --detach/,
      ),
    });
    expect(checkResult(report, 'round-trip').status).toBe('WARN');
  });
});
