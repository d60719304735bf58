/**
 * oss-patch end to end with the real OpenCode CLI, at its edges: a model whose shell writes into the main checkout,
 * and runs started together (support/opencode-world.ts).
 */
import { describe, expect, it } from 'vitest';
import { git, gitProject, startWorker } from './support/opencode-sandbox.ts';
import { call, RUN_TIMEOUT, useOpencodeWorld } from './support/opencode-world.ts';

const world = useOpencodeWorld();
const { workerEnv, playModel } = world;

// First: OpenCode sets its fresh HOME up on its first run (database, plugins); the runs side by side below test
// oss-patch's names, not two OpenCode processes setting up one HOME at once.
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
      const stderr = runs.map((run) => run.stderr).join('\n----- the other run:\n');
      expect(
        runs.map((run) => run.code),
        stderr,
      ).toEqual([0, 0]);
      expect(kept[0]).toBeDefined();
      expect(kept[1]).toBeDefined();
      expect(kept[0]).not.toBe(kept[1]);
      expect(git(project, 'branch', '--list', 'oss-patch/*').split('\n')).toHaveLength(2);
    },
    RUN_TIMEOUT,
  );
});

describe('the network', () => {
  it('was never reached by any of these runs', () => {
    expect(world.tripwire.attempts).toEqual([]);
  });
});
