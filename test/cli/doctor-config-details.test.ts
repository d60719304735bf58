/**
 * codex-oss doctor on the finer points of the Codex config: the model catalog against the installed Codex, the
 * main session's model_provider in the router topology, the idle timeout, and agent lanes that drifted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkResult, useDoctorSandbox } from './support/doctor-sandbox.ts';

const t = useDoctorSandbox();

const install = () => t.sandbox.install('--trust', '--port', String(t.sandbox.port));
const catalogFile = () => t.sandbox.file('.codex-oss/codex/model-catalog.json');

function editCatalog(edit: (models: Array<{ slug: string }>) => Array<{ slug: string }>) {
  const catalog = JSON.parse(readFileSync(catalogFile(), 'utf8')) as { models: Array<{ slug: string }> };
  writeFileSync(catalogFile(), JSON.stringify({ models: edit(catalog.models) }));
}

function editHomeFile(name: string, edit: (text: string) => string) {
  writeFileSync(t.sandbox.home(name), edit(readFileSync(t.sandbox.home(name), 'utf8')));
}

async function resultOf(id: string) {
  return checkResult((await t.sandbox.doctor()).report, id);
}

describe('codex-oss doctor on the model catalog', () => {
  it('fails when the catalog lacks the GPT model the user config picks', async () => {
    await install();
    editHomeFile('config.toml', (text) => `model = "gpt-5.5"\n${text}`);
    editCatalog((models) => models.filter((model) => model.slug !== 'gpt-5.5'));
    expect(await resultOf('model-catalog')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(/lacks gpt-5\.5, the model your config uses/),
      fix: expect.stringMatching(/^codex-oss install/),
    });
  });

  it('warns when the installed Codex knows models the catalog lacks (a catalog from an older Codex)', async () => {
    await install();
    editCatalog((models) => models.filter((model) => model.slug !== 'gpt-5.5'));
    expect(await resultOf('model-catalog')).toMatchObject({
      status: 'WARN',
      detail: expect.stringMatching(
        /knows models the catalog lacks \(gpt-5\.5\): it was made for an older Codex$/,
      ),
      fix: 'codex-oss install (refreshes the catalog from the installed Codex)',
    });
  });

  it('fails when the installed Codex does not load the catalog', async () => {
    await install();
    editCatalog((models) => models.map((model) => ({ ...model, context_window: 'big' })));
    expect(await resultOf('model-catalog')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(/^Codex does not load .*model-catalog\.json: /),
    });
  });
});

describe('codex-oss doctor on the router profile and the agents', () => {
  it('fails when the profile does not send the main session to the bridge', async () => {
    await install();
    editHomeFile('codex-oss.config.toml', (text) => text.replace('model_provider = "opencode_bridge"\n', ''));
    expect(await resultOf('model-provider')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining("the main session's model_provider is the default (openai)"),
      fix: expect.stringMatching(/^codex-oss install \(sets model_provider = "opencode_bridge" in /),
    });
  });

  it('warns when the idle timeout is shorter than a thinking model may pause', async () => {
    await install();
    editHomeFile('codex-oss.config.toml', (text) =>
      text.replace('stream_idle_timeout_ms = 600000', 'stream_idle_timeout_ms = 60000'),
    );
    expect(await resultOf('idle-timeout')).toMatchObject({
      status: 'WARN',
      fix: expect.stringContaining(
        'set stream_idle_timeout_ms = 600000 under [model_providers.opencode_bridge]',
      ),
    });
  });

  it("warns when an agent's reasoning effort or sandbox drifted from its lane", async () => {
    await install();
    const file = '.codex/agents/oss-kimi-rapid.toml';
    t.sandbox.write(
      file,
      t.sandbox.read(file).replace('sandbox_mode = "read-only"', 'sandbox_mode = "workspace-write"'),
    );
    expect(await resultOf('agent-oss-kimi-rapid')).toMatchObject({
      status: 'WARN',
      detail: "ocg-kimi-k2.6, but sandbox workspace-write (the lane's is read-only)",
      fix: expect.stringMatching(/^codex-oss install --force/),
    });
  });
});
