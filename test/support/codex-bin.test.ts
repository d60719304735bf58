/**
 * `npm run test:codex-latest` swaps the Codex the real-Codex tests run through CODEX_TEST_BIN; without it they run
 * the pinned devDependency (what `npm test` and CI use).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('the Codex CLI the end-to-end tests run', () => {
  it('is the pinned devDependency by default', async () => {
    vi.stubEnv('CODEX_TEST_BIN', '');
    const { CODEX_BIN } = await import('./codex-bin.ts');
    expect(CODEX_BIN).toBe(path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex'));
  });

  it('is the binary CODEX_TEST_BIN names, for runCodex and the install sandbox alike', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocb-fake-codex-'));
    try {
      const fake = path.join(dir, 'codex');
      const event = { type: 'item.completed', item: { type: 'agent_message', text: 'from the other Codex' } };
      writeFileSync(fake, `#!/bin/sh\necho '${JSON.stringify(event)}'\n`);
      chmodSync(fake, 0o755);
      vi.stubEnv('CODEX_TEST_BIN', fake);
      const { runCodex } = await import('./codex-cli.ts');
      const run = await runCodex({
        bridgeUrl: 'http://127.0.0.1:9',
        bridgeKey: 'k',
        model: 'm',
        prompt: 'p',
        workDir: dir,
        timeoutMs: 15_000,
      });
      expect(run.finalMessage).toBe('from the other Codex');
      const sandbox = await import('../cli/support/install-sandbox.ts');
      expect(sandbox.CODEX_BIN).toBe(fake);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
