/**
 * A throwaway Codex project and a throwaway CODEX_HOME for running `codex-oss install` in-process, never touching the
 * real home. The context's PATH finds the real Codex CLI (the devDependency) unless a test removes it.
 */
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../../src/cli/command.ts';
import { runCli } from '../../../src/cli/main.ts';
import { CODEX_BIN } from '../../support/codex-bin.ts';

export { CODEX_BIN };

const PATH_WITH_CODEX = [path.dirname(CODEX_BIN), path.dirname(process.execPath), '/usr/bin', '/bin'].join(
  path.delimiter,
);

export interface InstallRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface InstallSandbox {
  root: string;
  codexHome: string;
  env: Record<string, string | undefined>;
  file(relative: string): string;
  write(relative: string, content: string): void;
  read(relative: string): string;
  home(relative: string): string;
  install(...args: string[]): Promise<InstallRun>;
  /** Every file under the project and CODEX_HOME, relative path -> content (large catalogs by size only). */
  snapshot(): Map<string, string>;
  backups(): string[];
  /** Runs the real Codex CLI in the project with this CODEX_HOME (stdin: `input`, else closed). */
  codex(args: readonly string[], extraEnv?: Record<string, string>, input?: string): Promise<InstallRun>;
  cleanup(): void;
}

function walk(dir: string, prefix: string, into: Map<string, string>): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    const stats = statSync(full);
    if (stats.isDirectory()) walk(full, `${prefix}${name}/`, into);
    else if (stats.size > 200_000)
      into.set(`${prefix}${name}`, `<${stats.size} bytes, mode ${stats.mode & 0o777}>`);
    else into.set(`${prefix}${name}`, `${readFileSync(full, 'utf8')}<mode ${stats.mode & 0o777}>`);
  }
}

export function createInstallSandbox(): InstallSandbox {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'codex-oss-install-')));
  const root = path.join(base, 'project');
  const codexHome = path.join(base, 'codex-home');
  mkdirSync(root);
  mkdirSync(codexHome);
  const env: Record<string, string | undefined> = {
    PATH: PATH_WITH_CODEX,
    HOME: base,
    CODEX_HOME: codexHome,
  };
  const sandbox: InstallSandbox = {
    root,
    codexHome,
    env,
    file: (relative) => path.join(root, relative),
    write(relative, content) {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), content);
    },
    read: (relative) => readFileSync(path.join(root, relative), 'utf8'),
    home: (relative) => path.join(codexHome, relative),
    async install(...args) {
      let stdout = '';
      let stderr = '';
      const context: CliContext = {
        cwd: root,
        env,
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
      };
      const exitCode = await runCli(['install', ...args], context);
      return { exitCode, stdout, stderr };
    },
    snapshot() {
      const files = new Map<string, string>();
      walk(root, 'project/', files);
      walk(codexHome, 'codex-home/', files);
      return files;
    },
    backups() {
      return [...sandbox.snapshot().keys()].filter((name) => name.includes('.codex-oss-backup-')).sort();
    },
    codex(args, extraEnv = {}, input = '') {
      return new Promise((resolve) => {
        const child = execFile(
          CODEX_BIN,
          [...args],
          {
            cwd: root,
            env: { ...process.env, ...env, RUST_LOG: 'error', ...extraEnv } as NodeJS.ProcessEnv,
            timeout: 120_000,
            maxBuffer: 64 * 1024 * 1024,
          },
          (error, stdout, stderr) => {
            const code = error ? (error as { code?: unknown }).code : 0;
            resolve({ exitCode: typeof code === 'number' ? code : 1, stdout, stderr });
          },
        );
        child.stdin?.end(input);
      });
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
  return sandbox;
}
