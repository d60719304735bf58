/**
 * The worker wrappers (oss-scout, oss-review, oss-docs, oss-patch) against a fake `opencode` on PATH that records
 * its arguments, working directory, environment and stdin, prints the JSON events it is told to, and may write a
 * file: fast checks of how a worker calls OpenCode and what it makes of the result. What OpenCode itself does
 * with that (permissions, keys, errors) is checked with the real CLI in workers-opencode-*.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWorker } from '../../src/cli/workers/run-worker.ts';
import { WORKER_ROLES, type WorkerName } from '../../src/cli/workers/worker-roles.ts';
import { startWorker } from './support/opencode-sandbox.ts';

let sandbox: string;
let fakeBin: string;
let record: string;

const ANSWER_EVENT = JSON.stringify({ type: 'text', part: { type: 'text', text: 'The answer.' } });

beforeEach(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'codex-oss-workers-'));
  fakeBin = path.join(sandbox, 'bin');
  record = path.join(sandbox, 'opencode-call.json');
  mkdirSync(fakeBin, { recursive: true });
  const fake = path.join(fakeBin, 'opencode');
  writeFileSync(
    fake,
    `#!${process.execPath}\n` +
      "const fs = require('node:fs');\n" +
      "const stdin = fs.readFileSync(0, 'utf8');\n" +
      // The first FAKE_OPENCODE_LOCKED_RUNS runs find OpenCode's database locked, as a second OpenCode started at
      // the same moment may: two lines on stderr, exit 1, no event.
      "const runsFile = process.env.FAKE_OPENCODE_RECORD + '.runs';\n" +
      "const runs = fs.existsSync(runsFile) ? Number(fs.readFileSync(runsFile, 'utf8')) : 0;\n" +
      'fs.writeFileSync(runsFile, String(runs + 1));\n' +
      "if (runs < Number(process.env.FAKE_OPENCODE_LOCKED_RUNS ?? 0)) { process.stderr.write('Error: Unexpected error\\ndatabase is locked\\n'); process.exit(1); }\n" +
      'fs.writeFileSync(process.env.FAKE_OPENCODE_RECORD, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, stdin }));\n' +
      "if (process.env.FAKE_OPENCODE_WRITE) fs.writeFileSync(process.env.FAKE_OPENCODE_WRITE, 'changed\\n');\n" +
      "for (const line of JSON.parse(process.env.FAKE_OPENCODE_EVENTS ?? '[]')) process.stdout.write(line + '\\n');\n" +
      "for (const line of JSON.parse(process.env.FAKE_OPENCODE_STDERR ?? '[]')) process.stderr.write(line + '\\n');\n" +
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
  options: { cwd?: string; env?: Record<string, string>; events?: string[]; stdin?: PassThrough } = {},
) {
  const result: Run = { code: -1, stdout: '', stderr: '' };
  result.code = await runWorker(WORKER_ROLES[name], argv, {
    cwd: options.cwd ?? sandbox,
    env: {
      PATH: `${fakeBin}${path.delimiter}${process.env.PATH}`,
      HOME: sandbox,
      FAKE_OPENCODE_RECORD: record,
      FAKE_OPENCODE_EVENTS: JSON.stringify(options.events ?? [ANSWER_EVENT]),
      ...options.env,
    },
    stdout: (text) => {
      result.stdout += text;
    },
    stderr: (text) => {
      result.stderr += text;
    },
    stdin: options.stdin ? { stream: options.stdin, isTTY: false } : undefined,
  });
  return result;
}

function recordedCall(): { argv: string[]; cwd: string; env: Record<string, string>; stdin: string } {
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

function agentConfig(call: { env: Record<string, string> }, agent: string) {
  return JSON.parse(call.env.OPENCODE_CONFIG_CONTENT ?? '{}').agent?.[agent];
}

describe('read-only workers', () => {
  it.each([
    ['scout', 'kimi-k2.6', 'oss-scout, a read-only exploration worker'],
    ['review', 'kimi-k2.6', 'oss-review, a first-pass code reviewer'],
    ['docs', 'deepseek-v4-flash', 'oss-docs, a documentation worker'],
  ] as const)(
    'oss-%s runs `opencode run` on opencode-go/%s with its own read-only agent',
    async (name, model, preamble) => {
      const run = await worker(name, ['find', 'where', 'retries', 'are', 'configured']);
      expect(run.code).toBe(0);
      const call = recordedCall();
      expect(call.argv.slice(0, 3)).toEqual(['run', '--format', 'json']);
      expect(option(call.argv, '--model')).toBe(`opencode-go/${model}`);
      expect(option(call.argv, '--agent')).toBe(`oss-${name}`);
      expect(option(call.argv, '--dir')).toBe(sandbox);
      expect(call.cwd).toBe(sandbox);
      const agent = agentConfig(call, `oss-${name}`);
      expect(agent.mode).toBe('primary');
      expect(agent.permission).toMatchObject({ '*': 'deny', bash: 'deny', edit: 'deny', grep: 'allow' });
      expect(JSON.parse(call.env.OPENCODE_PERMISSION ?? '{}')).toMatchObject({ '*': 'deny', bash: 'deny' });
      expect(call.stdin).toContain(preamble);
      expect(call.stdin).toMatch(/Task:\nfind where retries are configured\n$/);
      expect(call.stdin).toContain('confidence HIGH, MEDIUM or LOW');
    },
  );

  it('hands the prompt over on stdin, never as an argument, so OpenCode cannot re-quote it', async () => {
    await worker('scout', ['say "hi" and \'bye\'']);
    const call = recordedCall();
    expect(call.stdin).toContain('Task:\nsay "hi" and \'bye\'\n');
    expect(call.argv.some((arg) => arg.includes('Task:'))).toBe(false);
  });

  it('prints the model’s text on stdout and each tool call on stderr', async () => {
    const tool = {
      type: 'tool_use',
      part: { type: 'tool', tool: 'grep', state: { status: 'completed', input: { pattern: 'retries' } } },
    };
    const run = await worker('scout', ['look'], { events: [JSON.stringify(tool), ANSWER_EVENT] });
    expect(run.stdout).toBe('The answer.\n');
    expect(run.stderr).toBe('  grep retries\n');
  });

  it('passes the environment through; a failed opencode run exits 1 and says why', async () => {
    const run = await worker('scout', ['look around'], {
      env: { FAKE_OPENCODE_EXIT: '3', MY_SETTING: 'kept' },
      events: [],
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('oss-scout: opencode exited with code 3\n');
    expect(recordedCall().env.MY_SETTING).toBe('kept');
  });

  it('runs OpenCode again when it found its database locked before it started (another run held it)', async () => {
    const run = await worker('scout', ['look around'], { env: { FAKE_OPENCODE_LOCKED_RUNS: '2' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The answer.\n');
    expect(run.stderr.match(/^oss-scout: .*$/gm)).toEqual([
      "oss-scout: OpenCode's database was locked by another OpenCode run; starting again (2 of 3).",
      "oss-scout: OpenCode's database was locked by another OpenCode run; starting again (3 of 3).",
    ]);
    expect(readFileSync(`${record}.runs`, 'utf8')).toBe('3');
  });

  it('gives up after three locked starts, and says what to do', async () => {
    const run = await worker('scout', ['look around'], { env: { FAKE_OPENCODE_LOCKED_RUNS: '5' } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      "oss-scout: OpenCode's database was locked by another OpenCode run each of 3 times; try again once the other run is done.",
    );
    expect(readFileSync(`${record}.runs`, 'utf8')).toBe('3');
  });

  it('does not run OpenCode again when it failed after it started', async () => {
    const run = await worker('scout', ['look around'], {
      env: { FAKE_OPENCODE_EXIT: '1', FAKE_OPENCODE_STDERR: JSON.stringify(['database is locked']) },
      events: [JSON.stringify({ type: 'step_start', part: { type: 'step-start' } })],
    });
    expect(run.code).toBe(1);
    expect(readFileSync(`${record}.runs`, 'utf8')).toBe('1');
  });

  it('exits 1 when the model ends without an answer', async () => {
    const run = await worker('scout', ['look'], { events: [] });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('oss-scout: the model ended without an answer.\n');
  });

  it('stops when OpenCode falls back to its default agent (whose permissions are not the worker’s)', async () => {
    const run = await worker('scout', ['look'], {
      env: {
        FAKE_OPENCODE_STDERR: JSON.stringify([
          '! agent "oss-scout" not found. Falling back to default agent',
        ]),
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("oss-scout: OpenCode did not load the worker's agent 'oss-scout'");
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
    const { argv, stdin } = recordedCall();
    expect(option(argv, '--model')).toBe('opencode-go/kimi-k2.5');
    expect(option(argv, '--dir')).toBe(sub);
    expect(option(argv, '--variant')).toBe('high');
    expect(stdin).toMatch(/Task:\nreview it\n$/);
  });

  it('prints the command, its settings and the prompt with --dry-run, and runs nothing', async () => {
    const run = await worker('docs', ['--dry-run', 'document the config']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${path.join(fakeBin, 'opencode')} run --format json --print-logs --log-level ERROR --model opencode-go/deepseek-v4-flash --agent oss-docs`,
    );
    expect(run.stdout).toContain("OPENCODE_PERMISSION='{");
    expect(run.stdout).toContain("<<'OSS_PROMPT'\nYou are oss-docs");
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

describe('the OpenCode Go key and base URL', () => {
  it('hands OPENCODE_GO_API_KEY and OPENCODE_GO_BASE_URL to the opencode-go provider', async () => {
    await worker('scout', ['look'], {
      env: { OPENCODE_GO_API_KEY: 'sk-go', OPENCODE_GO_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    const call = recordedCall();
    const config = JSON.parse(call.env.OPENCODE_CONFIG_CONTENT ?? '{}');
    expect(config.provider['opencode-go'].options).toEqual({
      apiKey: '{env:OPENCODE_GO_API_KEY}',
      baseURL: 'http://127.0.0.1:9/v1',
    });
    expect(call.env.OPENCODE_GO_API_KEY).toBe('sk-go');
  });

  it('reads the key from the project’s .codex-oss/env/opencode-go.env, as codex-oss start does', async () => {
    const envDir = path.join(sandbox, '.codex-oss', 'env');
    mkdirSync(envDir, { recursive: true });
    writeFileSync(path.join(envDir, 'opencode-go.env'), 'OPENCODE_GO_API_KEY=sk-from-file\n', {
      mode: 0o600,
    });
    await worker('scout', ['look']);
    const call = recordedCall();
    expect(call.env.OPENCODE_GO_API_KEY).toBe('sk-from-file');
    expect(JSON.parse(call.env.OPENCODE_CONFIG_CONTENT ?? '{}').provider['opencode-go'].options.apiKey).toBe(
      '{env:OPENCODE_GO_API_KEY}',
    );
  });

  it('leaves the provider alone without them (OPENCODE_API_KEY or `opencode auth login` then apply)', async () => {
    await worker('scout', ['look']);
    expect(JSON.parse(recordedCall().env.OPENCODE_CONFIG_CONTENT ?? '{}').provider).toBeUndefined();
  });

  it('merges a user’s own OPENCODE_CONFIG_CONTENT, and refuses one that is not JSON', async () => {
    await worker('scout', ['look'], { env: { OPENCODE_CONFIG_CONTENT: '{"theme":"dark"}' } });
    const config = JSON.parse(recordedCall().env.OPENCODE_CONFIG_CONTENT ?? '{}');
    expect(config.theme).toBe('dark');
    expect(config.agent['oss-scout']).toBeDefined();
    await expect(worker('scout', ['look'], { env: { OPENCODE_CONFIG_CONTENT: '{oops' } })).rejects.toThrow(
      'OPENCODE_CONFIG_CONTENT is not valid JSON',
    );
  });
});

describe('piped input', () => {
  it('adds what is piped to the prompt, fenced, and says so', async () => {
    const stdin = new PassThrough();
    stdin.end('+ a changed line\n');
    const run = await worker('review', ['review this diff'], { stdin });
    expect(recordedCall().stdin).toMatch(
      /Task:\nreview this diff\n\nInput \(piped to oss-review on stdin\):\n```\n\+ a changed line\n```\n$/,
    );
    expect(run.stderr).toContain('oss-review: added 17 bytes of piped input to the prompt.');
  });
});

// git on a loaded machine: a patch run creates, inspects and removes a worktree.
describe('oss-patch', { timeout: 120_000 }, () => {
  function gitProject(): string {
    const root = path.join(sandbox, 'project');
    mkdirSync(root, { recursive: true });
    git(root, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(root, 'README.md'), '# project\n');
    git(root, 'add', 'README.md');
    git(root, 'commit', '-q', '-m', 'first');
    return root;
  }

  it('exits 130 and cleans up on Ctrl-C while it waits to start a locked OpenCode again', async () => {
    const root = gitProject();
    const worker = startWorker('patch', ['--name', 'locked', 'change it'], {
      cwd: root,
      env: {
        ...process.env,
        PATH: `${fakeBin}${path.delimiter}${process.env.PATH}`,
        HOME: sandbox,
        FAKE_OPENCODE_RECORD: record,
        FAKE_OPENCODE_LOCKED_RUNS: '5',
      } as Record<string, string>,
    });
    let seen = '';
    let interrupted = false;
    worker.child.stderr?.on('data', (data: Buffer) => {
      seen += data.toString();
      if (interrupted || !seen.includes('starting again (2 of 3)')) return;
      interrupted = true; // once, as one Ctrl-C
      worker.child.kill('SIGINT');
    });
    const { code, stderr } = await worker.done;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('oss-patch: interrupted (SIGINT).');
    expect(readFileSync(`${record}.runs`, 'utf8')).toBe('1');
    expect(git(root, 'branch', '--list', 'oss-patch/*')).toBe('');
    expect(existsSync(path.join(root, '.codex-oss', 'worktrees', 'locked'))).toBe(false);
  });

  it('finishes its clean-up and exits 130 when a Ctrl-C comes while it removes the worktree', async () => {
    const root = gitProject();
    // A git in front of the real one: the first `git worktree remove` gets a Ctrl-C as a terminal sends it, to
    // the worker (its parent) and to git itself (the whole foreground process group).
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const interruptingBin = path.join(sandbox, 'interrupting-bin');
    const mark = path.join(sandbox, 'interrupted-once');
    mkdirSync(interruptingBin);
    writeFileSync(
      path.join(interruptingBin, 'git'),
      '#!/bin/sh\n' +
        `if [ "$1" = worktree ] && [ "$2" = remove ] && [ ! -e '${mark}' ]; then\n` +
        `  touch '${mark}'; kill -INT "$PPID"; kill -INT $$\n` +
        'fi\n' +
        `exec '${realGit}' "$@"\n`,
    );
    chmodSync(path.join(interruptingBin, 'git'), 0o755);
    const worker = startWorker('patch', ['--name', 'cut-short', 'do nothing'], {
      cwd: root,
      env: {
        ...process.env,
        PATH: [interruptingBin, fakeBin, process.env.PATH].join(path.delimiter),
        HOME: sandbox,
        FAKE_OPENCODE_RECORD: record,
        FAKE_OPENCODE_EVENTS: JSON.stringify([ANSWER_EVENT]),
      } as Record<string, string>,
    });
    const { code, stderr } = await worker.done;
    expect(existsSync(mark)).toBe(true);
    expect(stderr).toContain('oss-patch: no change was made; removed');
    expect(stderr).toContain('oss-patch: interrupted (SIGINT) after the run had ended.');
    expect(code, stderr).toBe(130);
    expect(git(root, 'branch', '--list', 'oss-patch/*')).toBe('');
    expect(existsSync(path.join(root, '.codex-oss', 'worktrees', 'cut-short'))).toBe(false);
  });

  it('runs deepseek-v4-pro with its agent in a new worktree, and keeps it when there is a change', async () => {
    const root = gitProject();
    const worktree = path.join(root, '.codex-oss', 'worktrees', 'fix-typo');
    const run = await worker('patch', ['--name', 'fix-typo', 'fix the typo in README'], {
      cwd: root,
      env: { FAKE_OPENCODE_WRITE: path.join(worktree, 'README.md') },
    });
    expect(run.code).toBe(0);
    const call = recordedCall();
    expect(option(call.argv, '--model')).toBe('opencode-go/deepseek-v4-pro');
    expect(option(call.argv, '--agent')).toBe('oss-patch');
    expect(agentConfig(call, 'oss-patch').permission).toMatchObject({ external_directory: 'deny' });
    expect(option(call.argv, '--dir')).toBe(worktree);
    expect(call.cwd).toBe(worktree);
    expect(call.stdin).toContain('You are oss-patch');
    expect(git(root, 'branch', '--list', 'oss-patch/fix-typo')).toContain('oss-patch/fix-typo');
    expect(run.stderr).toContain(
      `kept the patch in ${worktree} (branch oss-patch/fix-typo, from HEAD; 1 file changed)`,
    );
    expect(run.stderr).toContain('git merge oss-patch/fix-typo');
  });

  it('removes the worktree and branch and exits 1 when nothing changed', async () => {
    const root = gitProject();
    const run = await worker('patch', ['--name', 'idle', 'do nothing'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('oss-patch: no change was made; removed');
    expect(existsSync(path.join(root, '.codex-oss', 'worktrees', 'idle'))).toBe(false);
    expect(git(root, 'branch', '--list', 'oss-patch/*')).toBe('');
  });

  it('removes them after a failed run too', async () => {
    const root = gitProject();
    const run = await worker('patch', ['do it'], { cwd: root, env: { FAKE_OPENCODE_EXIT: '1' }, events: [] });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('oss-patch: opencode exited with code 1');
    expect(git(root, 'branch', '--list', 'oss-patch/*')).toBe('');
  });

  it('ignores .codex-oss/worktrees/ through .git/info/exclude when nothing else does', async () => {
    const root = gitProject();
    await worker('patch', ['--name', 'one', 'x'], {
      cwd: root,
      env: { FAKE_OPENCODE_WRITE: path.join(root, '.codex-oss', 'worktrees', 'one', 'NEW.txt') },
    });
    expect(readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8')).toContain(
      '\n/.codex-oss/worktrees/\n',
    );
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('gives each run its own name, unique within the same second', async () => {
    const root = gitProject();
    const runs = await Promise.all(
      [1, 2, 3].map((n) =>
        worker('patch', [`task ${n}`], { cwd: root, env: { FAKE_OPENCODE_WRITE: `NEW-${n}.txt` } }),
      ),
    );
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0]);
    const names = runs.map(
      (run) => /branch oss-patch\/(patch-\d{8}-\d{6}-[0-9a-f]{6})/.exec(run.stderr)?.[1],
    );
    expect(new Set(names).size).toBe(3);
  });

  it('works from a subdirectory: the worktree goes under the repository’s top level', async () => {
    const root = gitProject();
    const sub = path.join(root, 'src');
    mkdirSync(sub);
    await worker('patch', ['--name', 'from-sub', 'x'], { cwd: sub, env: { FAKE_OPENCODE_WRITE: 'NEW.txt' } });
    expect(existsSync(path.join(root, '.codex-oss', 'worktrees', 'from-sub', 'NEW.txt'))).toBe(true);
  });

  it('refuses to run outside a git repository', async () => {
    await expect(worker('patch', ['change something'])).rejects.toThrow('is not inside a git repository');
    expect(existsSync(record)).toBe(false);
  });

  it('refuses a --name that is taken, without suggesting to remove the other run’s worktree', async () => {
    const root = gitProject();
    await worker('patch', ['--name', 'same', 'first'], {
      cwd: root,
      env: { FAKE_OPENCODE_WRITE: 'NEW.txt' },
    });
    const second = worker('patch', ['--name', 'same', 'second'], { cwd: root });
    await expect(second).rejects.toThrow("the worktree or branch for --name 'same' already exists");
    await expect(second).rejects.not.toThrow('git worktree remove');
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
