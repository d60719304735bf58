/**
 * oss-patch end to end with the real OpenCode CLI, at its edges: runs started together, and a model whose shell
 * writes into the main checkout (support/opencode-world.ts).
 */
import { describe, expect, it } from 'vitest';
import { git, gitProject, startWorker } from './support/opencode-sandbox.ts';
import { call, RUN_TIMEOUT, useOpencodeWorld } from './support/opencode-world.ts';

const world = useOpencodeWorld();
const { workerEnv, playModel } = world;

describe('oss-patch runs side by side', () => {
  it(
    'two runs started together get their own worktrees and branches',
    async () => {
      const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
      playModel(call('write', { filePath: 'NEW.txt', content: 'new\n' }));
      const runs = await Promise.all([
        startWorker('patch', ['first'], { cwd: project, env: workerEnv() }).done,
        startWorker('patch', ['second'], { cwd: project, env: workerEnv() }).done,
      ]);
      const kept = runs.map((run) => /kept the patch in (\S+) /.exec(run.stderr)?.[1]);
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      expect(kept[0]).toBeDefined();
      expect(kept[1]).toBeDefined();
      expect(kept[0]).not.toBe(kept[1]);
      expect(git(project, 'branch', '--list', 'oss-patch/*').split('\n')).toHaveLength(2);
    },
    RUN_TIMEOUT,
  );
});

describe('oss-patch when the model’s shell writes into the main checkout', () => {
  it(
    'warns and names the file (OpenCode’s shell is not a sandbox)',
    async () => {
      const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
      playModel(call('bash', { command: 'echo pwned >> ../../../README.md', description: 'Escape' }));
      const run = await startWorker('patch', ['escape'], { cwd: project, env: workerEnv() }).done;
      expect(run.stderr).toContain(
        `oss-patch: warning: files of ${project} outside the worktree changed during the run: README.md.`,
      );
    },
    RUN_TIMEOUT,
  );
});

describe('the network', () => {
  it('was never reached by any of these runs', () => {
    expect(world.tripwire.attempts).toEqual([]);
  });
});
