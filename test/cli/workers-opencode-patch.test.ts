/**
 * oss-patch end to end with the real OpenCode CLI against the scripted mock upstream (support/opencode-world.ts):
 * a change kept in its own worktree and branch, and every way a run ends with nothing to keep (cleaned up).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ChatRequestBody, textReply } from '../mock-upstream/index.ts';
import { waitFor } from '../support/wait.ts';
import { git, gitProject, startWorker } from './support/opencode-sandbox.ts';
import {
  call,
  FINAL_ANSWER,
  type Finished,
  RUN_TIMEOUT,
  useOpencodeWorld,
  userPrompt,
  worktreeList,
} from './support/opencode-world.ts';

const world = useOpencodeWorld();
const { workerEnv, playModel, chatRequestsSince } = world;

describe('oss-patch with a change to keep, in a repository where codex-oss install never ran', () => {
  let project: string;
  let run: Finished;
  let requests: ChatRequestBody[];

  beforeAll(async () => {
    project = gitProject(world.sandbox.root, {
      'README.md': '# project\n',
      '.gitignore': 'node_modules/\n',
      'package.json': JSON.stringify({
        name: 'project',
        private: true,
        scripts: { test: 'greet-dependency' },
      }),
    });
    // Installed in the main checkout only (ignored, not committed), as `npm ci` would leave it.
    mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(
      path.join(project, 'node_modules', '.bin', 'greet-dependency'),
      '#!/bin/sh\necho "dependency from the main checkout ran"\n',
    );
    chmodSync(path.join(project, 'node_modules', '.bin', 'greet-dependency'), 0o755);
    playModel(
      call('bash', { command: 'npm test', description: 'Run the tests' }),
      call('write', { filePath: 'NEW.txt', content: 'new\n' }),
    );
    const start = world.upstream.requests.length;
    run = await startWorker('patch', ['add NEW.txt'], { cwd: project, env: workerEnv() }).done;
    requests = chatRequestsSince(start);
  }, RUN_TIMEOUT);

  function keptWorktree(): string {
    const match = /kept the patch in (\S+) \(branch (\S+),/.exec(run.stderr);
    if (!match?.[1]) throw new Error(`no kept worktree in:\n${run.stderr}`);
    return match[1];
  }

  it('exits 0 with the answer and keeps the worktree and its branch, with the change', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(FINAL_ANSWER);
    const worktree = keptWorktree();
    expect(readFileSync(path.join(worktree, 'NEW.txt'), 'utf8')).toBe('new\n');
    expect(worktreeList(project)).toContain(worktree);
    expect(git(project, 'branch', '--list', 'oss-patch/*')).toContain(path.basename(worktree));
  });

  it('says how to review, keep and drop it', () => {
    const worktree = keptWorktree();
    expect(run.stderr).toContain(`review it:  git -C ${worktree} add -A && git -C ${worktree} diff --cached`);
    expect(run.stderr).toContain(`git merge oss-patch/${path.basename(worktree)}`);
    expect(run.stderr).toContain(`drop it:    git worktree remove --force ${worktree}`);
  });

  it('leaves the main checkout clean: .codex-oss/worktrees/ is ignored through .git/info/exclude', () => {
    expect(git(project, 'status', '--porcelain')).toBe('');
    expect(readFileSync(path.join(project, '.git', 'info', 'exclude'), 'utf8')).toContain(
      '/.codex-oss/worktrees/',
    );
    expect(existsSync(path.join(project, 'NEW.txt'))).toBe(false);
  });

  it('runs the tests with the main checkout’s dependencies, and says where they come from', () => {
    const toolResults = requests.flatMap((request) =>
      request.messages.filter((message) => message.role === 'tool'),
    );
    expect(JSON.stringify(toolResults)).toContain('dependency from the main checkout ran');
    expect(run.stderr).toContain(
      `oss-patch: Dependencies: none are installed in the worktree; Node and npm find the main checkout's ` +
        `${path.join(project, 'node_modules')} from it.`,
    );
    expect(userPrompt(requests[0])).toContain('Do not install, update or remove packages');
  });
});

describe('oss-patch when there is nothing to keep', () => {
  it(
    'exits 1 and removes its worktree and branch when the model changed nothing',
    async () => {
      const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
      playModel(textReply('I looked and there is nothing to change.'));
      const run = await startWorker('patch', ['fix nothing'], { cwd: project, env: workerEnv() }).done;
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/oss-patch: no change was made; removed \S+ and branch oss-patch\/patch-/);
      expect(worktreeList(project).match(/^worktree /gm)).toHaveLength(1);
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
      expect(git(project, 'status', '--porcelain')).toBe('');
    },
    RUN_TIMEOUT,
  );

  it(
    'exits 1 and says so when the model’s write outside the worktree was refused, then cleans up',
    async () => {
      const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
      playModel(call('write', { filePath: path.join(project, 'OUTSIDE.txt'), content: 'x\n' }));
      const run = await startWorker('patch', ['write outside'], { cwd: project, env: workerEnv() }).done;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`refused: write ${path.join(project, 'OUTSIDE.txt')}`);
      expect(run.stderr).toContain('oss-patch: 1 tool call was refused');
      expect(run.stderr).toContain('oss-patch: no change was made; removed');
      expect(existsSync(path.join(project, 'OUTSIDE.txt'))).toBe(false);
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
    },
    RUN_TIMEOUT,
  );

  it(
    'exits 1 with the fix when OpenCode Go refuses the key, and cleans up',
    async () => {
      const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
      playModel();
      const run = await startWorker('patch', ['anything'], {
        cwd: project,
        env: workerEnv({ OPENCODE_GO_API_KEY: 'sk-wrong-key' }),
      }).done;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('oss-patch: OpenCode Go refused the key (HTTP 401');
      expect(run.stderr).toContain('oss-patch: no change was made; removed');
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
      expect(worktreeList(project).match(/^worktree /gm)).toHaveLength(1);
    },
    RUN_TIMEOUT,
  );

  it(
    'exits 130 on Ctrl-C (SIGINT) and cleans up',
    async () => {
      const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
      playModel({ kind: 'hang-before-headers', ms: 10 * 60_000 });
      const start = world.upstream.requests.length;
      const worker = startWorker('patch', ['take forever'], { cwd: project, env: workerEnv() });
      await waitFor(() => world.upstream.requests.length > start, RUN_TIMEOUT / 2, 'the model request');
      worker.child.kill('SIGINT');
      const run = await worker.done;
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('oss-patch: interrupted (SIGINT).');
      expect(run.stderr).toContain('oss-patch: no change was made; removed');
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
      expect(worktreeList(project).match(/^worktree /gm)).toHaveLength(1);
    },
    RUN_TIMEOUT,
  );
});

describe('the network', () => {
  it('was never reached by any of these runs', () => {
    expect(world.tripwire.attempts).toEqual([]);
  });
});
