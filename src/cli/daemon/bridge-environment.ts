/**
 * The environment the bridge process gets from `codex-oss start`: the user's environment, the project's key file
 * underneath it, the mode's GPT strategy, the port, and project-local state. It is validated with the bridge's own
 * config loader before anything is spawned, so every mistake is reported here, at once, and not in a log file.
 */
import { type Config, ConfigError, loadConfig } from '../../config.ts';
import { DEFAULT_BRIDGE_PORT } from '../../fixes.ts';
import type { ProjectPaths } from '../project.ts';
import { readEnvFile } from './env-file.ts';
import type { StartMode } from './pid-file.ts';
import { modeProblems, START_MODES } from './start-mode.ts';

export const DEFAULT_PORT = DEFAULT_BRIDGE_PORT;

export interface BridgeEnvironmentRequest {
  mode: StartMode;
  /** From --port; otherwise PROXY_PORT, otherwise 4000. */
  port: number | undefined;
  detached: boolean;
  env: Readonly<Record<string, string | undefined>>;
  paths: ProjectPaths;
}

export interface BridgeEnvironment {
  env: Record<string, string>;
  config: Config;
  warnings: string[];
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export function bridgeEnvironment(request: BridgeEnvironmentRequest): BridgeEnvironment {
  const { paths } = request;
  const file = readEnvFile(paths.envFile);
  const env: Record<string, string> = { ...file.values, ...definedOnly(request.env) };

  const problems = modeProblems(request.mode, env, paths.envFile);
  if (problems.length > 0) throw new Error(problems.join('\n'));

  env.GPT_MODEL_STRATEGY = START_MODES[request.mode].strategy;
  env.PROXY_STATE_DB = paths.stateDb;
  env.PROXY_PORT = String(request.port ?? env.PROXY_PORT ?? DEFAULT_PORT);
  // Detached, everything the bridge writes (JSON log lines and crash output alike) goes to the project's log file.
  if (request.detached) delete env.PROXY_LOG_PATH;

  let config: Config;
  try {
    config = loadConfig(env, paths.root);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`the bridge would not start. ${error.message}`);
    throw error;
  }
  if (config.server.port === 0) {
    throw new Error(
      'the port must be fixed so Codex can reach the bridge: pass --port N (e.g. --port 4000).',
    );
  }
  const warnings = file.permissionWarning ? [file.permissionWarning] : [];
  return { env, config, warnings };
}
