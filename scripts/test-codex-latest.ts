/**
 * `npm run test:codex-latest`: the tests that drive the real Codex CLI, against the newest Codex on npm instead of
 * the pinned devDependency. The newest `@openai/codex` is installed into a cache directory outside node_modules
 * (so the pinned one, which `npm test` and CI use, stays as it is) and the tests find it through CODEX_TEST_BIN
 * (test/support/codex-bin.ts). Arguments are passed on to vitest (e.g. a test file to run only that one).
 *
 *   CODEX_LATEST_DIR   where to install it (default: $XDG_CACHE_HOME/opencode-bridge/codex-latest, or ~/.cache/…)
 *   CODEX_LATEST_SPEC  what to install (default: @openai/codex@latest), e.g. @openai/codex@0.171.0
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '..');
/** Every test file that runs the real Codex CLI (directly, or through install and doctor). */
const REAL_CODEX_TESTS = ['test/e2e/', 'test/cli/install', 'test/cli/doctor'];

function cacheDir(): string {
  if (process.env.CODEX_LATEST_DIR) return path.resolve(process.env.CODEX_LATEST_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cache, 'opencode-bridge', 'codex-latest');
}

function codexVersion(packageDir: string): string | undefined {
  const manifest = path.join(packageDir, 'node_modules', '@openai', 'codex', 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** npm as `npm run` started it (npm_execpath), else the one on PATH. */
function npm(args: string[], cwd: string): number {
  const execPath = process.env.npm_execpath;
  const run = execPath?.endsWith('.js')
    ? spawnSync(process.execPath, [execPath, ...args], { cwd, stdio: 'inherit' })
    : spawnSync('npm', args, { cwd, stdio: 'inherit' });
  return run.status ?? 1;
}

function main(): number {
  const dir = cacheDir();
  const spec = process.env.CODEX_LATEST_SPEC || '@openai/codex@latest';
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`test:codex-latest: installing ${spec} into ${dir}\n`);
  const installed = npm(
    ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', spec],
    dir,
  );
  const bin = path.join(dir, 'node_modules', '.bin', 'codex');
  if (installed !== 0 || !existsSync(bin)) {
    process.stderr.write(`test:codex-latest: could not install ${spec} (npm exited ${installed})\n`);
    return 1;
  }
  const latest = codexVersion(dir);
  const pinned = codexVersion(REPO);
  const reported = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (reported.status !== 0) {
    process.stderr.write(`test:codex-latest: ${bin} --version failed:\n${reported.stderr}\n`);
    return 1;
  }
  process.stderr.write(
    `test:codex-latest: running the real-Codex tests with ${reported.stdout.trim()} ` +
      `(@openai/codex ${latest}; pinned: ${pinned})\n`,
  );
  const vitest = path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
  const files = process.argv.length > 2 ? process.argv.slice(2) : REAL_CODEX_TESTS;
  // One test file at a time: it is a check run by hand, and a timeout under load would say nothing about the new
  // Codex (the e2e project's timeouts are sized for a loaded machine already).
  const tests = spawnSync(process.execPath, [vitest, 'run', '--maxWorkers=1', ...files], {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, CODEX_TEST_BIN: bin },
  });
  const status = tests.status ?? 1;
  process.stderr.write(
    `test:codex-latest: @openai/codex ${latest} ${status === 0 ? 'passed' : 'FAILED'} (pinned: ${pinned})\n`,
  );
  return status;
}

process.exitCode = main();
