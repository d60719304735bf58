/**
 * Runs the real Codex CLI (`@openai/codex`, a devDependency) against a bridge: a fresh CODEX_HOME whose only
 * provider is the bridge, no network side trips (plugins and analytics off), stdin closed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CODEX_BIN } from './codex-bin.ts';

export interface CodexRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  events: Array<{ type: string; item?: Record<string, any>; [key: string]: any }>;
  /** Text of the final agent message. */
  finalMessage: string | undefined;
  /** Commands Codex ran for the model. */
  commands: Array<{ command: string; output: string; exitCode: number | null }>;
}

export interface CodexOptions {
  bridgeUrl: string;
  bridgeKey: string;
  model: string;
  prompt: string;
  workDir: string;
  /** Extra `-c key=value` overrides. */
  config?: string[];
  /** A model_catalog_json entry list to make Codex treat the model as known (e.g. freeform apply_patch). */
  catalog?: Array<Record<string, unknown>>;
  /** Run commands in Codex's own sandbox (approvals off, as in `codex exec`); default: no sandbox at all. */
  sandbox?: 'read-only' | 'workspace-write';
  timeoutMs?: number;
}

function providerConfig(bridgeUrl: string): string {
  return [
    'model_provider = "opencode-bridge"',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
    '[model_providers.opencode-bridge]',
    'name = "opencode-bridge"',
    `base_url = "${bridgeUrl}/v1"`,
    'wire_api = "responses"',
    'env_key = "OPENCODE_BRIDGE_TOKEN"',
    // Fail fast in tests instead of retrying: a retry would hide a bridge bug.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    'stream_idle_timeout_ms = 20000',
    '',
  ].join('\n');
}

/** A minimal catalog entry (the fields Codex 0.169 requires) for an ocg-* slug. */
export function catalogEntry(slug: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug,
    display_name: `${slug} (opencode-bridge)`,
    supported_reasoning_levels: [],
    shell_type: 'unified_exec',
    visibility: 'list',
    supported_in_api: true,
    priority: 100,
    support_verbosity: false,
    truncation_policy: { mode: 'tokens', limit: 10000 },
    experimental_supported_tools: [],
    base_instructions:
      'You are a coding agent running in the Codex CLI. Use the tools to inspect and edit files.',
    context_window: 128000,
    ...overrides,
  };
}

export async function runCodex(options: CodexOptions): Promise<CodexRun> {
  const codexHome = mkdtempSync(path.join(tmpdir(), 'ocb-codex-home-'));
  try {
    writeFileSync(path.join(codexHome, 'config.toml'), providerConfig(options.bridgeUrl));
    const args = [
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--ephemeral',
      ...(options.sandbox ? ['-s', options.sandbox] : ['--dangerously-bypass-approvals-and-sandbox']),
      '-C',
      options.workDir,
      '-m',
      options.model,
    ];
    if (options.catalog) {
      const catalogPath = path.join(codexHome, 'catalog.json');
      writeFileSync(catalogPath, JSON.stringify({ models: options.catalog }));
      args.push('-c', `model_catalog_json=${JSON.stringify(catalogPath)}`);
    }
    for (const override of options.config ?? []) args.push('-c', override);
    args.push(options.prompt);
    const { exitCode, stdout, stderr } = await new Promise<{
      exitCode: number;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = execFile(
        CODEX_BIN,
        args,
        {
          env: {
            ...process.env,
            CODEX_HOME: codexHome,
            OPENCODE_BRIDGE_TOKEN: options.bridgeKey,
            RUST_LOG: 'error',
          },
          timeout: options.timeoutMs ?? 180_000,
          maxBuffer: 32 * 1024 * 1024,
        },
        (error, out, err) => {
          const code = error ? ((error as { code?: number }).code ?? 1) : 0;
          resolve({ exitCode: typeof code === 'number' ? code : 1, stdout: out, stderr: err });
        },
      );
      child.stdin?.end();
    });
    const events = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as CodexRun['events'][number]);
    const completed = events
      .filter((event) => event.type === 'item.completed')
      .map((event) => event.item ?? {});
    const messages = completed.filter((item) => item.type === 'agent_message');
    return {
      exitCode,
      stdout,
      stderr,
      events,
      finalMessage: messages.at(-1)?.text,
      commands: completed
        .filter((item) => item.type === 'command_execution')
        .map((item) => ({
          command: item.command,
          output: item.aggregated_output ?? '',
          exitCode: item.exit_code ?? null,
        })),
    };
  } finally {
    rmSync(codexHome, { recursive: true, force: true });
  }
}
