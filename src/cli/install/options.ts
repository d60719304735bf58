/**
 * `codex-oss install` options: argv in, a validated InstallOptions out, or a UsageError that names the fix.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../command.ts';
import { BUILT_IN_AGENTS } from './orchestration.ts';

export const TOPOLOGIES = ['router', 'subagent-provider'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export const AUTH_MODES = ['command', 'env', 'codex'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Efforts a role may ask for (Codex's `model_reasoning_effort` values). */
export const EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type Effort = (typeof EFFORTS)[number];

/** Sandboxes an OSS role may get; full access is never handed to an open model by install. */
export const SANDBOXES = ['read-only', 'workspace-write'] as const;
export type Sandbox = (typeof SANDBOXES)[number];

/** Roles Codex ships; a custom role must not shadow them. */
const BUILT_IN_ROLE_NAMES = ['default', 'explorer', 'worker', 'awaiter'];

export interface CustomAgentRequest {
  name: string;
  model: string;
  effort: Effort;
  sandbox: Sandbox;
  description?: string;
}

export interface InstallOptions {
  /** Unset: chosen from the installed Codex version. */
  topology?: Topology;
  port: number;
  /** Unset: chosen from the user's credentials (see chooseAuth). */
  auth?: AuthMode;
  trust: boolean;
  force: boolean;
  keyFromEnv: boolean;
  agent?: CustomAgentRequest;
}

export const DEFAULT_PORT = 4000;

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
}

function port(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 65_535) {
    throw new UsageError(`--port must be a TCP port between 1 and 65535 (got '${value}')`);
  }
  return parsed;
}

function customAgent(values: Record<string, string | boolean | undefined>): CustomAgentRequest | undefined {
  const name = values.agent as string | undefined;
  const model = values.model as string | undefined;
  const roleFlags = ['model', 'effort', 'sandbox', 'description'].filter(
    (flag) => values[flag] !== undefined,
  );
  if (name === undefined) {
    if (roleFlags.length > 0) throw new UsageError(`--${roleFlags[0]} only goes with --agent NAME`);
    return undefined;
  }
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) {
    throw new UsageError(
      `--agent must be lowercase letters, digits and hyphens, starting with a letter (got '${name}')`,
    );
  }
  if (BUILT_IN_ROLE_NAMES.includes(name)) {
    throw new UsageError(`--agent ${name} would shadow Codex's built-in '${name}' role; pick another name`);
  }
  if (BUILT_IN_AGENTS.some((agent) => agent.name === name)) {
    throw new UsageError(
      `--agent ${name} is one of the shipped agents; edit .codex/agents/${name}.toml instead`,
    );
  }
  if (!model) throw new UsageError('--agent needs --model ID (e.g. --model ocg-glm-5.1)');
  const agent: CustomAgentRequest = {
    name,
    model,
    effort: oneOf('--effort', values.effort as string | undefined, EFFORTS) ?? 'medium',
    sandbox: oneOf('--sandbox', values.sandbox as string | undefined, SANDBOXES) ?? 'read-only',
  };
  if (typeof values.description === 'string') agent.description = values.description;
  return agent;
}

export function parseInstallArgs(args: readonly string[]): InstallOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        topology: { type: 'string' },
        port: { type: 'string' },
        auth: { type: 'string' },
        trust: { type: 'boolean' },
        force: { type: 'boolean' },
        'key-from-env': { type: 'boolean' },
        agent: { type: 'string' },
        model: { type: 'string' },
        effort: { type: 'string' },
        sandbox: { type: 'string' },
        description: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options: InstallOptions = {
    port: port(values.port as string | undefined),
    trust: values.trust === true,
    force: values.force === true,
    keyFromEnv: values['key-from-env'] === true,
  };
  const auth = oneOf('--auth', values.auth as string | undefined, AUTH_MODES);
  if (auth) options.auth = auth;
  const topology = oneOf('--topology', values.topology as string | undefined, TOPOLOGIES);
  if (topology) options.topology = topology;
  const agent = customAgent(values);
  if (agent) options.agent = agent;
  return options;
}

export const INSTALL_USAGE = `Usage: codex-oss install [options]

Sets this Codex project up to run OSS subagents through opencode-bridge. Safe to run again: only what changed is
written, every changed file is backed up first (<file>.codex-oss-backup-<UTC time>), and content outside
codex-oss's own tables and markers is never touched.

Options:
  --topology router|subagent-provider
                      router: a Codex profile sends every request to the bridge, which routes by model
                      (needed while Codex ignores an agent's model_provider, as 0.169 does).
                      subagent-provider: only the provider is added; the main session stays native.
                      Default: chosen from the installed Codex version.
  --port N            the bridge's port (default ${DEFAULT_PORT})
  --auth command|env|codex
                      how Codex authenticates to the bridge, and so where GPT requests get their
                      OpenAI credential. codex: Codex sends your own sign-in (requires_openai_auth)
                      and the bridge forwards it; the bridge token rides in x-opencode-bridge-key,
                      written into the profile. command: Codex runs \`cat <token file>\`, and GPT
                      requests use the bridge's OPENAI_API_KEY. env: as command, but the token
                      comes from $OPENCODE_BRIDGE_TOKEN.
                      Default (router): codex when you are signed in to Codex (\`codex login status\`)
                      or have neither; command when only OPENAI_API_KEY is set. subagent-provider: command.
  --trust             record this project as trusted in your Codex config (Codex ignores .codex/
                      in untrusted projects)
  --force             rewrite codex-oss's own files even where they were edited (backed up first)
  --key-from-env      save $OPENCODE_GO_API_KEY to .codex-oss/env/opencode-go.env (mode 0600)
  --agent NAME --model ID [--effort E] [--sandbox S] [--description TEXT]
                      add a custom OSS agent (.codex/agents/NAME.toml); effort: ${EFFORTS.join('|')}
                      (default medium); sandbox: ${SANDBOXES.join('|')} (default read-only)`;
