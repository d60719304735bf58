/**
 * codex-oss dashboard: the login link for this project's bridge, and what it says when there is none to give.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { BRIDGE_KEY, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dashboard(args: string[], env: Record<string, string> = {}) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'ocb-cli-dashboard-'));
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  let stdout = '';
  let stderr = '';
  const code = await runCli(['dashboard', ...args], {
    cwd,
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

describe('codex-oss dashboard', () => {
  it('says how to start the bridge when this project has none running', async () => {
    const { code, stderr } = await dashboard([]);
    expect(code).toBe(1);
    expect(stderr).toContain('not running (no pid file); start it with `codex-oss start --detach`');
  });

  it('prints a one-time link that does not carry the key', async () => {
    const t: TestBridge = await startTestBridge();
    cleanups.push(() => t.close());
    const { code, stdout } = await dashboard(['--url', `${t.bridge.url}/v1`], { PROXY_API_KEY: BRIDGE_KEY });
    expect(code).toBe(0);
    const link = /http:\/\/\S+/.exec(stdout)?.[0] ?? '';
    expect(link).toMatch(new RegExp(`^${t.bridge.url}/dashboard/login\\?token=[\\w-]{43}$`));
    expect(stdout).not.toContain(BRIDGE_KEY);
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303);
  });

  it('says which keys it tried when the bridge accepts none of them', async () => {
    const t: TestBridge = await startTestBridge();
    cleanups.push(() => t.close());
    const { code, stderr } = await dashboard(['--url', t.bridge.url], { PROXY_API_KEY: 'not-the-key' });
    expect(code).toBe(1);
    expect(stderr).toContain('accepts none of the keys this project knows');
    expect(stderr).not.toContain('not-the-key');
  });
});
