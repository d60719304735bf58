/**
 * Where things live for one Codex project and one user. Project-local: `.codex/` (what Codex reads when the
 * project is trusted) and `.codex-oss/` (the bridge's state, logs, pid file and key file). User-level: CODEX_HOME
 * (`~/.codex` unless set), where Codex reads provider definitions.
 */
import { homedir } from 'node:os';
import path from 'node:path';

export interface ProjectPaths {
  root: string;
  codexDir: string;
  agentsDir: string;
  rulesDir: string;
  projectConfig: string;
  agentsMd: string;
  gitignore: string;
  ossDir: string;
  stateDir: string;
  stateDb: string;
  logsDir: string;
  logFile: string;
  runDir: string;
  pidFile: string;
  envDir: string;
  envFile: string;
  catalogFile: string;
}

export function projectPaths(root: string): ProjectPaths {
  const codexDir = path.join(root, '.codex');
  const ossDir = path.join(root, '.codex-oss');
  return {
    root,
    codexDir,
    agentsDir: path.join(codexDir, 'agents'),
    rulesDir: path.join(codexDir, 'rules'),
    projectConfig: path.join(codexDir, 'config.toml'),
    agentsMd: path.join(root, 'AGENTS.md'),
    gitignore: path.join(root, '.gitignore'),
    ossDir,
    stateDir: path.join(ossDir, 'state'),
    stateDb: path.join(ossDir, 'state', 'bridge.sqlite3'),
    logsDir: path.join(ossDir, 'logs'),
    logFile: path.join(ossDir, 'logs', 'bridge.log'),
    runDir: path.join(ossDir, 'run'),
    pidFile: path.join(ossDir, 'run', 'bridge.pid'),
    envDir: path.join(ossDir, 'env'),
    envFile: path.join(ossDir, 'env', 'opencode-go.env'),
    catalogFile: path.join(ossDir, 'codex', 'model-catalog.json'),
  };
}

export function codexHome(env: Readonly<Record<string, string | undefined>>): string {
  return env.CODEX_HOME?.trim() || path.join(env.HOME?.trim() || homedir(), '.codex');
}

export interface UserPaths {
  codexHome: string;
  userConfig: string;
  /** The profile used with `codex --profile codex-oss` in the router topology. */
  profileConfig: string;
}

export function userPaths(env: Readonly<Record<string, string | undefined>>): UserPaths {
  const home = codexHome(env);
  return {
    codexHome: home,
    userConfig: path.join(home, 'config.toml'),
    profileConfig: path.join(home, 'codex-oss.config.toml'),
  };
}

/** The provider id the bridge is registered under in Codex's config. */
export const PROVIDER_ID = 'opencode_bridge';
export const PROFILE_NAME = 'codex-oss';
