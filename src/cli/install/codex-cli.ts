/**
 * What install asks the installed Codex CLI: its version (to pick the topology), its bundled model catalog (to keep
 * GPT models known next to ours), and whether it loads our catalog. Every call runs with a throwaway CODEX_HOME, so
 * the user's Codex state is never read or written, and with a timeout.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Generous: each probe is quick, but a loaded 2-core machine running several at once can take tens of seconds. */
const TIMEOUT_MS = 60_000;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `codex` on the PATH of `env`, else the project's own `node_modules/.bin/codex`. */
export function findCodex(env: Env, projectRoot: string): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'codex');
    if (isExecutable(candidate)) return candidate;
  }
  const local = path.join(projectRoot, 'node_modules', '.bin', 'codex');
  return isExecutable(local) ? local : undefined;
}

export interface CodexRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CodexRunOptions {
  /** Where Codex runs (it reads the project's .codex/ from there); default: this process's directory. */
  cwd?: string;
  /** Files copied into the throwaway CODEX_HOME (name -> content), e.g. the user's config.toml and profile. */
  homeFiles?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

export function runCodexCommand(
  codex: string,
  args: readonly string[],
  env: Env,
  options: CodexRunOptions = {},
): Promise<CodexRunResult> {
  const home = mkdtempSync(path.join(tmpdir(), 'codex-oss-probe-'));
  for (const [name, content] of Object.entries(options.homeFiles ?? {})) {
    writeFileSync(path.join(home, name), content, { mode: 0o600 });
  }
  return new Promise<CodexRunResult>((resolve) => {
    const child = execFile(
      codex,
      [...args],
      {
        cwd: options.cwd,
        env: { ...env, CODEX_HOME: home, RUST_LOG: 'error' },
        timeout: options.timeoutMs ?? TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        rmSync(home, { recursive: true, force: true });
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ exitCode: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

export async function codexVersionOutput(codex: string, env: Env): Promise<string | undefined> {
  const result = await runCodexCommand(codex, ['--version'], env);
  return result.exitCode === 0 ? result.stdout : undefined;
}

/** `codex debug models --bundled`: the catalog compiled into the installed Codex. */
export async function bundledCatalogOutput(codex: string, env: Env): Promise<string> {
  const result = await runCodexCommand(codex, ['debug', 'models', '--bundled'], env);
  if (result.exitCode !== 0) {
    throw new Error(
      `\`codex debug models --bundled\` failed: ${result.stderr.trim().split('\n').at(-1) ?? ''}`,
    );
  }
  return result.stdout;
}

/**
 * Does the installed Codex load this catalog? `codex debug models` with it (from a temporary copy) prints the
 * catalog Codex would use and fails on any schema error; every expected slug must be listed.
 */
export async function catalogLoadProblem(
  codex: string,
  env: Env,
  catalogJson: string,
  expectedSlugs: readonly string[],
): Promise<string | undefined> {
  const dir = mkdtempSync(path.join(tmpdir(), 'codex-oss-catalog-'));
  const file = path.join(dir, 'model-catalog.json');
  writeFileSync(file, catalogJson);
  let result: CodexRunResult;
  try {
    result = await runCodexCommand(
      codex,
      ['debug', 'models', '-c', `model_catalog_json=${JSON.stringify(file)}`],
      env,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (result.exitCode !== 0) {
    const reason = result.stderr
      .split('\n')
      .find((line) => line.startsWith('Error:'))
      ?.trim();
    return reason ?? `codex debug models exited with ${result.exitCode}`;
  }
  let slugs: Set<string>;
  try {
    const listed = (JSON.parse(result.stdout) as { models?: Array<{ slug?: unknown }> }).models ?? [];
    slugs = new Set(listed.map((entry) => String(entry.slug)));
  } catch {
    return 'codex debug models printed something that is not a catalog';
  }
  const missing = expectedSlugs.filter((slug) => !slugs.has(slug));
  return missing.length > 0 ? `Codex did not list ${missing.join(', ')}` : undefined;
}
