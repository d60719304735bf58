/**
 * What install writes, checked by the real Codex CLI (0.169, the devDependency) — always with the sandbox's own
 * CODEX_HOME. Few, fast runs: `debug prompt-input` (no HTTP) shows which agent roles loaded, `execpolicy check`
 * evaluates the rules, and one `exec` through the router profile against a loopback Responses server proves the
 * topology: a spawned OSS agent reaches the bridge with its own model.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInstallSandbox, type InstallSandbox } from './support/install-sandbox.ts';
import {
  assistantMessage,
  functionCall,
  type LoopbackResponses,
  type RecordedRequest,
  startLoopbackResponses,
} from './support/loopback-responses.ts';

// Install asks the real Codex four things, then each test runs Codex itself: slow on a loaded 2-core machine.
vi.setConfig({ testTimeout: 90_000 });

let sandbox: InstallSandbox;
beforeEach(() => {
  sandbox = createInstallSandbox();
});
afterEach(() => sandbox.cleanup());

/** The agent roles Codex lists in spawn_agent's `agent_type` (gpt-6.1-sol renders its tools into the input). */
async function listedRoles(
  ...profile: string[]
): Promise<{ roles: string[]; run: Awaited<ReturnType<InstallSandbox['codex']>> }> {
  const run = await sandbox.codex([...profile, 'debug', 'prompt-input', '-c', 'model="gpt-6.1-sol"', 'hi']);
  const roles = [...run.stdout.matchAll(/\\n([a-z][a-z0-9-]*): \{\\n(.*?)\\n\}/g)].map(
    ([, name, text]) => `${name}: ${text}`,
  );
  return { roles, run };
}

describe('the agent roles install writes', () => {
  it('all load in the real Codex, with their model and reasoning effort', async () => {
    await sandbox.install(
      '--trust',
      '--agent',
      'oss-coder',
      '--model',
      'ocg-qwen3-coder',
      '--sandbox',
      'workspace-write',
    );
    const { roles, run } = await listedRoles('--profile', 'codex-oss');
    expect(run.exitCode, run.stderr).toBe(0);
    const ours = roles.filter((role) => role.startsWith('oss-'));
    expect(ours).toEqual([
      expect.stringMatching(
        /^oss-coder: USE ME WHEN .*model is set to `ocg-qwen3-coder` and its reasoning effort is set to `medium`/,
      ),
      expect.stringMatching(
        /^oss-deepseek-pro: USE ME WHEN .*DO NOT USE FOR .*`ocg-deepseek-v4-pro` and its reasoning effort is set to `high`/,
      ),
      expect.stringMatching(
        /^oss-flash-support: USE ME WHEN .*`ocg-deepseek-v4-flash` and its reasoning effort is set to `medium`/,
      ),
      expect.stringMatching(
        /^oss-kimi-rapid: USE ME WHEN .*`ocg-kimi-k2.6` and its reasoning effort is set to `medium`/,
      ),
    ]);
  });

  it('are ignored by Codex while the project is not trusted (which install warns about)', async () => {
    const run = await sandbox.install();
    expect(run.stdout).toContain("! Codex ignores this project's .codex/");
    const { roles } = await listedRoles('--profile', 'codex-oss');
    expect(roles.filter((role) => role.startsWith('oss-'))).toEqual([]);
  });
});

describe('the rules install writes', () => {
  it('forbid running Codex from inside Codex, and nothing else', async () => {
    await sandbox.install();
    const decision = async (...command: string[]) => {
      const run = await sandbox.codex([
        'execpolicy',
        'check',
        '--rules',
        '.codex/rules/codex-oss.rules',
        ...command,
      ]);
      expect(run.exitCode, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { decision?: string }).decision ?? 'no rule';
    };
    for (const command of [
      ['codex', 'exec', 'fix it'],
      ['codex', 'e', 'fix it'],
      ['codex', '--profile', 'codex-oss', 'exec', 'x'],
      ['npx', 'codex', 'exec', 'x'],
      ['npx', '-y', '@openai/codex', 'exec', 'x'],
      ['./node_modules/.bin/codex', 'exec', 'x'],
    ]) {
      expect(await decision(...command), command.join(' ')).toBe('forbidden');
    }
    for (const command of [
      ['codex', '--version'],
      ['npx', 'codex-oss', 'status'],
      ['git', 'status'],
    ]) {
      expect(await decision(...command), command.join(' ')).toBe('no rule');
    }
  });
});

describe('the router topology, through the real Codex', () => {
  let bridge: LoopbackResponses;
  const token = 'ocb_test-token-from-the-token-file';

  afterEach(() => bridge?.close());

  const isSubagent = (request: RecordedRequest) => request.headers['x-openai-subagent'] !== undefined;
  const outputsOf = (request: RecordedRequest): Array<Record<string, any>> =>
    (request.body?.input ?? []).filter((item: any) => item.type === 'function_call_output');

  it('sends the main session and a spawned OSS agent to the bridge, each with its own model', async () => {
    bridge = await startLoopbackResponses((request) => {
      if (isSubagent(request))
        return [assistantMessage('RESULT: found it\nCONFIDENCE: HIGH - read the file')];
      const outputs = outputsOf(request);
      if (outputs.length === 0) {
        return [
          functionCall(
            'spawn_agent',
            { agent_type: 'oss-kimi-rapid', message: 'TASK: find the entry point', fork_context: false },
            'multi_agent_v1',
          ),
        ];
      }
      if (outputs.length === 1) {
        const agentId = JSON.parse(outputs[0]?.output ?? '{}').agent_id;
        return [functionCall('wait_agent', { targets: [agentId], timeout_ms: 20_000 }, 'multi_agent_v1')];
      }
      return [assistantMessage('parent done')];
    });
    sandbox.write('.codex-oss/state/bridge-token', `${token}\n`);
    expect((await sandbox.install('--trust', '--port', String(bridge.port))).exitCode).toBe(0);
    sandbox.write(
      '../codex-home/config.toml',
      `${sandbox.read('../codex-home/config.toml')}\n[analytics]\nenabled = false\n\n[features]\nplugins = false\n`,
    );

    const run = await sandbox.codex([
      '--profile',
      'codex-oss',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--ephemeral',
      '-m',
      'ocg-deepseek-v4-pro',
      'delegate the search',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/Model metadata for .* not found/);
    expect(run.stdout).not.toMatch(/malformed agent role/i);

    const responses = bridge.responses();
    // Not signed in and no OPENAI_API_KEY: the profile forwards a sign-in (none yet), the bridge token rides in its header.
    expect(responses.every((request) => request.headers['x-opencode-bridge-key'] === token)).toBe(true);
    expect(responses.every((request) => request.headers.authorization === undefined)).toBe(true);
    const parent = responses.filter((request) => !isSubagent(request));
    const children = responses.filter(isSubagent);
    expect(parent[0]?.body.model).toBe('ocg-deepseek-v4-pro');
    // The catalog gives ocg-* models Codex's freeform apply_patch tool (the bridge translates it).
    expect(parent[0]?.body.tools).toContainEqual(
      expect.objectContaining({ type: 'custom', name: 'apply_patch' }),
    );
    expect(children.length).toBeGreaterThan(0);
    expect(children[0]?.body.model).toBe('ocg-kimi-k2.6');
    expect(children[0]?.body.reasoning).toMatchObject({ effort: 'medium' });
    expect(JSON.stringify(children[0]?.body.input)).toContain('You are oss-kimi-rapid');
  });

  it('keeps GPT models known: the catalog carries the bundled entries of the installed Codex', async () => {
    bridge = await startLoopbackResponses(() => [assistantMessage('hi from gpt')]);
    sandbox.write('.codex-oss/state/bridge-token', `${token}\n`);
    await sandbox.install('--port', String(bridge.port));
    const run = await sandbox.codex([
      '--profile',
      'codex-oss',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--ephemeral',
      '-m',
      'gpt-5.5',
      'hi',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/Model metadata for .* not found/);
    expect(bridge.responses()[0]?.body).toMatchObject({ model: 'gpt-5.5', reasoning: { effort: 'medium' } });
  });
});

describe('the subagent-provider topology, through the real Codex', () => {
  it('defines a provider Codex accepts in the user config', async () => {
    const bridge = await startLoopbackResponses(() => [assistantMessage('ok')]);
    try {
      sandbox.write('.codex-oss/state/bridge-token', 'tok\n');
      await sandbox.install('--topology', 'subagent-provider', '--port', String(bridge.port));
      const run = await sandbox.codex([
        'exec',
        '--json',
        '--skip-git-repo-check',
        '--ephemeral',
        '-c',
        'model_provider="opencode_bridge"',
        '-m',
        'ocg-kimi-k2.6',
        'hi',
      ]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(bridge.responses()[0]?.headers.authorization).toBe('Bearer tok');
    } finally {
      await bridge.close();
    }
  });
});
