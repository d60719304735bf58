/**
 * The worker wrappers (oss-scout, oss-review, oss-docs, oss-patch) against a fake `opencode` on PATH that records
 * its arguments, working directory and environment.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWorker } from '../../src/cli/workers/run-worker.ts';
import { WORKER_ROLES, type WorkerName } from '../../src/cli/workers/worker-roles.ts';

let sandbox: string;
let fakeBin: string;
let record: string;

beforeEach(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'codex-oss-workers-'));
  fakeBin = path.join(sandbox, 'bin');
  record = path.join(sandbox, 'opencode-call.json');
  execFileSync('mkdir', ['-p', fakeBin]);
  const fake = path.join(fakeBin, 'opencode');
  writeFileSync(
    fake,
    `#!${process.execPath}\n` +
      "const fs = require('node:fs');\n" +
      'fs.writeFileSync(process.env.FAKE_OPENCODE_RECORD, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env }));\n' +
      'process.exitCode = Number(process.env.FAKE_OPENCODE_EXIT ?? 0);\n',
  );
  chmodSync(fake, 0o755);
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function worker(
  name: WorkerName,
  argv: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const result: Run = { code: -1, stdout: '', stderr: '' };
  result.code = await runWorker(WORKER_ROLES[name], argv, {
    cwd: options.cwd ?? sandbox,
    env: {
      PATH: `${fakeBin}${path.delimiter}${process.env.PATH}`,
      FAKE_OPENCODE_RECORD: record,
      ...options.env,
    },
    stdout: (text) => {
      result.stdout += text;
    },
    stderr: (text) => {
      result.stderr += text;
    },
  });
  return result;
}

function recordedCall(): { argv: string[]; cwd: string; env: Record<string, string> } {
  return JSON.parse(readFileSync(record, 'utf8'));
}

function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

describe('read-only workers', () => {
  it.each([
    ['scout', 'kimi-k2.6', 'oss-scout, a read-only exploration worker'],
    ['review', 'kimi-k2.6', 'oss-review, a first-pass code reviewer'],
    ['docs', 'deepseek-v4-flash', 'oss-docs, a documentation worker'],
  ] as const)(
    'oss-%s runs `opencode run` on opencode-go/%s with the plan agent and its preamble',
    async (name, model, preamble) => {
      const run = await worker(name, ['find', 'where', 'retries', 'are', 'configured']);
      expect(run.code).toBe(0);
      const call = recordedCall();
      expect(call.argv[0]).toBe('run');
      expect(option(call.argv, '--model')).toBe(`opencode-go/${model}`);
      expect(option(call.argv, '--agent')).toBe('plan');
      expect(option(call.argv, '--dir')).toBe(sandbox);
      expect(call.cwd).toBe(sandbox);
      const prompt = call.argv.at(-1) as string;
      expect(prompt).toContain(preamble);
      expect(prompt).toMatch(/Task:\nfind where retries are configured\n$/);
      expect(prompt).toContain('confidence HIGH, MEDIUM or LOW');
    },
  );

  it('passes the environment through and returns opencode’s exit code', async () => {
    const run = await worker('scout', ['look around'], {
      env: { FAKE_OPENCODE_EXIT: '3', MY_SETTING: 'kept' },
    });
    expect(run.code).toBe(3);
    expect(recordedCall().env.MY_SETTING).toBe('kept');
  });

  it('takes another model with --model, a directory with --dir, and opencode options after --', async () => {
    const sub = mkdtempSync(path.join(sandbox, 'sub-'));
    const run = await worker('review', [
      '--model',
      'kimi-k2.5',
      '--dir',
      sub,
      'review',
      'it',
      '--',
      '--variant',
      'high',
    ]);
    expect(run.code).toBe(0);
    const { argv } = recordedCall();
    expect(option(argv, '--model')).toBe('opencode-go/kimi-k2.5');
    expect(option(argv, '--dir')).toBe(sub);
    expect(option(argv, '--variant')).toBe('high');
    expect(argv.at(-1)).toMatch(/Task:\nreview it\n$/);
  });

  it('prints the command with --dry-run and runs nothing', async () => {
    const run = await worker('docs', ['--dry-run', 'document the config']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${path.join(fakeBin, 'opencode')} run --model opencode-go/deepseek-v4-flash --agent plan`,
    );
    expect(existsSync(record)).toBe(false);
  });

  it('says how to install opencode when it is not on PATH', async () => {
    const run = await worker('scout', ['anything'], { env: { PATH: path.join(sandbox, 'empty') } });
    expect(run.code).toBe(127);
    expect(run.stderr).toContain('oss-scout runs the OpenCode CLI (`opencode`), which is not on your PATH');
    expect(run.stderr).toContain('npm i -g opencode-ai');
  });

  it('asks for a task when given none', async () => {
    await expect(worker('scout', [])).rejects.toThrow('say what the worker should do');
  });
});

describe('oss-patch', () => {
  function gitProject(): string {
    const root = path.join(sandbox, 'project');
    execFileSync('mkdir', ['-p', root]);
    git(root, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(root, 'README.md'), '# project\n');
    git(root, 'add', 'README.md');
    git(root, 'commit', '-q', '-m', 'first');
    return root;
  }

  it('runs deepseek-v4-pro with the build agent in a new worktree under .codex-oss/worktrees/', async () => {
    const root = gitProject();
    const run = await worker('patch', ['--name', 'fix-typo', 'fix the typo in README'], { cwd: root });
    expect(run.code).toBe(0);
    const worktree = path.join(root, '.codex-oss', 'worktrees', 'fix-typo');
    const call = recordedCall();
    expect(option(call.argv, '--model')).toBe('opencode-go/deepseek-v4-pro');
    expect(option(call.argv, '--agent')).toBe('build');
    expect(option(call.argv, '--dir')).toBe(worktree);
    expect(call.cwd).toBe(worktree);
    expect(call.argv.at(-1)).toContain('You are oss-patch');
    expect(existsSync(path.join(worktree, 'README.md'))).toBe(true);
    expect(git(root, 'branch', '--list', 'oss-patch/fix-typo')).toContain('oss-patch/fix-typo');
    expect(run.stderr).toContain(`git -C ${worktree} diff`);
    expect(run.stderr).toContain('git merge oss-patch/fix-typo');
  });

  it('refuses to run outside a git repository', async () => {
    await expect(worker('patch', ['change something'])).rejects.toThrow('is not inside a git repository');
    expect(existsSync(record)).toBe(false);
  });

  it('refuses to reuse an existing worktree name', async () => {
    const root = gitProject();
    await worker('patch', ['--name', 'same', 'first'], { cwd: root });
    await expect(worker('patch', ['--name', 'same', 'second'], { cwd: root })).rejects.toThrow(
      'already exists',
    );
  });
});

describe('worker launchers', () => {
  const packageJson = JSON.parse(readFileSync('package.json', 'utf8'));

  it.each(['scout', 'review', 'docs', 'patch'])(
    'bin/oss-%s.js runs the compiled worker entry for its role',
    (name) => {
      expect(packageJson.bin[`oss-${name}`]).toBe(`bin/oss-${name}.js`);
      const launcher = readFileSync(`bin/oss-${name}.js`, 'utf8');
      const target = /import\('\.\.\/dist\/(.+)\.js'\)/.exec(launcher)?.[1];
      expect(target).toBe('cli/workers/worker-main');
      expect(existsSync(`src/${target}.ts`)).toBe(true);
      expect(launcher).toContain(`runWorkerProcess('${name}')`);
    },
  );
});
