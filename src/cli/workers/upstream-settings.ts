/**
 * The OpenCode Go key and base URL the workers hand to OpenCode, found where the bridge finds them: the shell's
 * OPENCODE_GO_API_KEY and OPENCODE_GO_BASE_URL, else the project's `.codex-oss/env/opencode-go.env` (what
 * `codex-oss install --key-from-env` writes and `codex-oss start` reads).
 */
import { execFileSync } from 'node:child_process';
import { readEnvFile } from '../daemon/env-file.ts';
import { projectPaths } from '../project.ts';
import { GO_BASE_URL_VARIABLE, GO_KEY_VARIABLE, type UpstreamSettings } from './opencode-environment.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The repository's top level, or `cwd` itself outside a repository. */
export function projectRootOf(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return cwd;
  }
}

export function upstreamSettings(
  env: Env,
  projectRoot: string,
): { settings: UpstreamSettings; warnings: string[] } {
  const file = readEnvFile(projectPaths(projectRoot).envFile);
  const pick = (name: string) => env[name]?.trim() || file.values[name]?.trim() || undefined;
  const key = pick(GO_KEY_VARIABLE);
  const fromFile = !env[GO_KEY_VARIABLE]?.trim() && key !== undefined;
  return {
    settings: { key, baseUrl: pick(GO_BASE_URL_VARIABLE) },
    warnings: fromFile && file.permissionWarning ? [file.permissionWarning] : [],
  };
}
