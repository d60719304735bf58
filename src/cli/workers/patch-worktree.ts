/**
 * The git worktree oss-patch works in: `.codex-oss/worktrees/<name>` on a new branch `oss-patch/<name>`, so the
 * model's edits never touch the checkout the user (or Codex) is working in.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { projectPaths } from '../project.ts';

export interface PatchWorktree {
  path: string;
  branch: string;
  base: string;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const failure = error as { code?: string; stderr?: string };
    if (failure.code === 'ENOENT') throw new Error('oss-patch needs git, which is not on your PATH.');
    throw new Error(`git ${args.join(' ')} failed: ${failure.stderr?.trim() || String(error)}`);
  }
}

export function defaultWorktreeName(now = new Date()): string {
  return `patch-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
}

function checkedName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new Error(`--name '${name}' must be letters, digits, '.', '_' or '-' (at most 64).`);
  }
  return name;
}

export function createPatchWorktree(projectRoot: string, name: string, base: string): PatchWorktree {
  const worktreeName = checkedName(name);
  try {
    git(projectRoot, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new Error(`oss-patch works in a git worktree, but ${projectRoot} is not inside a git repository.`);
  }
  try {
    git(projectRoot, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  } catch {
    throw new Error(`'${base}' is not a commit in this repository (a new repository needs a first commit).`);
  }
  const worktrees = path.join(projectPaths(projectRoot).ossDir, 'worktrees');
  const target = path.join(worktrees, worktreeName);
  if (existsSync(target)) {
    throw new Error(
      `${target} already exists; pick another --name or remove it with \`git worktree remove ${target}\`.`,
    );
  }
  mkdirSync(worktrees, { recursive: true });
  const branch = `oss-patch/${worktreeName}`;
  git(projectRoot, ['worktree', 'add', '-b', branch, target, base]);
  return { path: target, branch, base };
}

/** What to do with the patch once the worker is done. */
export function worktreeNextSteps(worktree: PatchWorktree): string {
  return [
    `The patch is in ${worktree.path} (branch ${worktree.branch}, from ${worktree.base}).`,
    `  review it:  git -C ${worktree.path} add -A && git -C ${worktree.path} diff --cached`,
    `  keep it:    git -C ${worktree.path} add -A && git -C ${worktree.path} commit -m "<message>" && git merge ${worktree.branch}`,
    `  drop it:    git worktree remove --force ${worktree.path} && git branch -D ${worktree.branch}`,
    '',
  ].join('\n');
}
