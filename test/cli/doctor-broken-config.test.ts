/**
 * codex-oss doctor on broken setups that need no bridge: each one FAILs the right check, with the fix that
 * repairs it. The project is installed by the real install first, then broken the way users break it.
 */
import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkResult, useDoctorSandbox } from './support/doctor-sandbox.ts';

const t = useDoctorSandbox();

const install = (...args: string[]) => t.sandbox.install(...args, '--port', String(t.sandbox.port));
const profile = () => t.sandbox.home('codex-oss.config.toml');
const editProfile = (edit: (text: string) => string) =>
  t.sandbox.write('../codex-home/codex-oss.config.toml', edit(readFileSync(profile(), 'utf8')));

async function expectFailure(id: string, detail: RegExp, fix: string | RegExp) {
  const { code, report } = await t.sandbox.doctor();
  const result = checkResult(report, id);
  expect(result, JSON.stringify(result)).toMatchObject({
    status: 'FAIL',
    detail: expect.stringMatching(detail),
  });
  expect(result.status === 'FAIL' && result.fix).toMatch(fix);
  expect(code).toBe(1);
  return report;
}

describe('codex-oss doctor fails the right check', () => {
  it('when the provider is only in the project .codex/config.toml, which Codex ignores for providers', async () => {
    await install('--trust');
    const table = readFileSync(profile(), 'utf8').slice(
      readFileSync(profile(), 'utf8').indexOf('[model_providers'),
    );
    t.sandbox.write('.codex/config.toml', `model_provider = "opencode_bridge"\n\n${table}`);
    rmSync(profile());
    await expectFailure(
      'provider-location',
      /^\[model_providers\.opencode_bridge\] is only in .*\/\.codex\/config\.toml, where Codex ignores provider keys$/,
      /^codex-oss install \(writes it to .*codex-oss\.config\.toml\), then delete \[model_providers\.opencode_bridge\] from .*\.codex\/config\.toml$/,
    );
  });

  it('when the provider says wire_api = "chat"', async () => {
    await install('--trust');
    editProfile((text) => text.replace('wire_api = "responses"', 'wire_api = "chat"'));
    await expectFailure(
      'wire-api',
      /^wire_api = "chat" in .*codex-oss\.config\.toml: the bridge serves only the Responses API/,
      /^set wire_api = "responses" under \[model_providers\.opencode_bridge\] in .*codex-oss\.config\.toml/,
    );
  });

  it('when a config file has a TOML syntax error, naming the line and the backup to restore', async () => {
    t.sandbox.write('../codex-home/config.toml', 'model = "gpt-5.5"\n');
    await install('--trust'); // backs the user config up before adding the trust entry
    const config = t.sandbox.home('config.toml');
    t.sandbox.write(
      '../codex-home/config.toml',
      readFileSync(config, 'utf8').replace('"gpt-5.5"', 'gpt-5.5'),
    );
    const report = await expectFailure(
      'toml-syntax',
      new RegExp(`^${config}:1: Invalid float "gpt-5.5"; Codex cannot read this file$`),
      new RegExp(
        `^edit line 1 of ${config} \\(.*\\), or restore the backup: cp '${config}\\.codex-oss-backup-\\d{8}T\\d{6}Z' '${config}'$`,
      ),
    );
    expect(checkResult(report, 'trust')).toMatchObject({
      status: 'WARN',
      detail: expect.stringContaining('not checked'),
    });
  });

  it('when the project is not trusted (and then Codex does not load the agents)', async () => {
    await install();
    const report = await expectFailure(
      'trust',
      /is not trusted: Codex ignores this project's \.codex\//,
      /^codex-oss install --trust$/,
    );
    expect(checkResult(report, 'agents-loaded').status).toBe('WARN');
  });

  it('when an agent file has a field Codex does not accept, and the real Codex indeed drops the role', async () => {
    await install('--trust');
    t.sandbox.write(
      '.codex/agents/oss-kimi-rapid.toml',
      `${t.sandbox.read('.codex/agents/oss-kimi-rapid.toml')}\ncolor = "blue"\n`,
    );
    const report = await expectFailure(
      'agent-oss-kimi-rapid',
      /^Codex drops this role: unknown field 'color'$/,
      /^fix .*oss-kimi-rapid\.toml, or codex-oss install --force/,
    );
    expect(checkResult(report, 'agents-loaded')).toMatchObject({
      status: 'FAIL',
      detail: 'Codex does not list oss-kimi-rapid with ocg-kimi-k2.6',
    });
    expect(checkResult(report, 'agent-oss-deepseek-pro').status).toBe('PASS');
  });

  it('when AGENTS.md has lost the codex-oss block', async () => {
    await install('--trust');
    t.sandbox.write('AGENTS.md', '# My project\n\nBuild with make.\n');
    await expectFailure(
      'agents-md-block',
      /AGENTS\.md has no <!-- codex-oss:start --> block$/,
      /^codex-oss install/,
    );
  });

  it('when the rules file is missing', async () => {
    await install('--trust');
    rmSync(t.sandbox.file('.codex/rules/codex-oss.rules'));
    const report = await expectFailure('rules-file', /codex-oss\.rules is missing/, /^codex-oss install$/);
    expect(checkResult(report, 'rules-forbid-exec')).toMatchObject({
      status: 'WARN',
      detail: expect.stringContaining('not checked'),
    });
  });

  it('when nothing is installed, with `codex-oss install` as the fix', async () => {
    const report = await expectFailure('provider-location', /is defined in neither/, /^codex-oss install$/);
    expect(report.topology).toBeNull();
  });
});
