/**
 * Codex's model metadata with the README's by-hand provider config (command auth): the real Codex asks the bridge
 * for `GET /v1/models?client_version=…` and must get its own catalog shape, so it runs ocg-* models on their true
 * metadata — no "failed to decode models response", no "Model metadata … not found", the served context window,
 * and the request shape that metadata gives (the freeform apply_patch tool, the model's default reasoning effort).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTool, textReply } from '../mock-upstream/index.ts';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { CODEX_BIN } from '../support/codex-bin.ts';

const README = path.join(import.meta.dirname, '..', '..', 'README.md');

/** The README's provider block for command auth, pointed at this bridge and a file holding its key. */
function readmeProviderConfig(bridgeUrl: string, tokenFile: string): string {
  const blocks = [...readFileSync(README, 'utf8').matchAll(/```toml\n([\s\S]*?)```/g)].map(
    (match) => match[1],
  );
  const block = blocks.find((text) => text?.includes('[model_providers.opencode_bridge.auth]'));
  if (!block) throw new Error('README.md has no provider block with an auth command');
  const configured = block
    .replace('http://127.0.0.1:4000/v1', `${bridgeUrl}/v1`)
    .replace('/absolute/path/to/project/.codex-oss/state/bridge-token', tokenFile);
  expect(configured).toContain(tokenFile);
  return configured;
}

let t: TestBridge;
let codexHome: string;
let workDir: string;

beforeAll(async () => {
  t = await startTestBridge();
  codexHome = mkdtempSync(path.join(tmpdir(), 'ocb-codex-home-'));
  workDir = mkdtempSync(path.join(tmpdir(), 'ocb-e2e-work-'));
  const tokenFile = path.join(codexHome, 'bridge-token');
  writeFileSync(tokenFile, t.bridge.apiKey, { mode: 0o600 });
  writeFileSync(
    path.join(codexHome, 'config.toml'),
    // No network side trips, and no retries that would hide a bridge error; the provider is the README's.
    '[analytics]\nenabled = false\n\n[features]\nplugins = false\n\n' +
      readmeProviderConfig(t.bridge.url, tokenFile),
  );
});
afterAll(async () => {
  await t.close();
  rmSync(codexHome, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

function codex(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      CODEX_BIN,
      args,
      { env: { ...process.env, CODEX_HOME: codexHome }, timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

describe("Codex's model metadata from the bridge (README by-hand config)", () => {
  it('runs codex exec on an ocg-* model with no model-metadata warning or error, on its true metadata', async () => {
    t.upstream.script(() => textReply('Hello from DeepSeek.'));
    const run = await codex([
      'exec',
      '--skip-git-repo-check',
      '--ephemeral',
      '-C',
      workDir,
      '-c',
      'model_provider=opencode_bridge',
      '-m',
      'ocg-deepseek-v4-pro',
      'say hello',
    ]);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    expect(run.stdout).toContain('Hello from DeepSeek.');
    expect(output).not.toMatch(/failed to decode models response/i);
    expect(output).not.toMatch(/Model metadata for .* not found/i);
    expect(output).not.toMatch(/fallback metadata/i);

    // The request Codex built from the served metadata: the freeform apply_patch tool (none on fallback metadata)
    // and the model's default reasoning effort (no effort at all on fallback metadata).
    const sent = t.upstream.requests.at(-1)?.body;
    expect((sent?.tools as ChatTool[] | undefined)?.map((tool) => tool.function?.name)).toContain(
      'apply_patch',
    );
    expect(sent?.reasoning_effort).toBe('high');
  }, 120_000);

  it('makes Codex use the served context window and reasoning levels (codex debug models)', async () => {
    const run = await codex(['debug', 'models', '-c', 'model_provider=opencode_bridge']);
    expect(run.code, run.stderr).toBe(0);
    const models = (JSON.parse(run.stdout) as { models: Array<Record<string, any>> }).models;
    const deepseek = models.find((model) => model.slug === 'ocg-deepseek-v4-pro');
    expect(deepseek).toMatchObject({
      context_window: 1_000_000,
      apply_patch_tool_type: 'freeform',
      default_reasoning_level: 'high',
      input_modalities: ['text'],
    });
    expect(models.find((model) => model.slug === 'ocg-kimi-k2.6')?.context_window).toBe(262_144);
    // Codex keeps its own GPT models next to ours.
    expect(models.some((model) => String(model.slug).startsWith('gpt-'))).toBe(true);
  }, 120_000);
});
