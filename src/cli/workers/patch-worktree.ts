/**
 * The git worktree oss-patch works in: `.codex-oss/worktrees/<name>` of the repository's top level, on a new branch
 * `oss-patch/<name>`, so the model's edits never touch the checkout the user (or Codex) is working in.
 *
 * - Names are unique per run (date, time and a random part), so concurrent runs never meet; an explicit `--name`
 *   that is taken is refused.
 * - `.codex-oss/worktrees/` is ignored through the repository's local `.git/info/exclude` when nothing ignores it
 *   yet (`codex-oss install` puts it in `.gitignore`), so it never shows as untracked or gets added as an embedded
 *   repository by `git add -A`.
 * - Dependencies are not installed or linked: the worktree lies inside the project, so Node's module lookup and
 *   npm's `node_modules/.bin` lookup (both walk up the directory tree) find the main checkout's `node_modules`.
 * - Afterwards the worktree and its branch are kept only when they hold a change; otherwise they are removed.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface PatchWorktree {
  /** The repository's top level (the main checkout). */
  root: string;
  path: string;
  branch: string;
  /** The commit the branch starts from, as given (`HEAD` by default) and resolved. */
  base: string;
  baseCommit: string;
}

export interface WorktreeChanges {
  /** `git status --porcelain` lines: changed, added, deleted and untracked files. */
  files: string[];
  /** Commits on the branch since its base (the model was asked not to commit, but may have). */
  commits: number;
}

export const WORKTREES_DIR = path.join('.codex-oss', 'worktrees');
const EXCLUDE_LINE = '/.codex-oss/worktrees/';

export class GitError extends Error {
  /** The signal that ended git, when one did (a Ctrl-C reaches the whole foreground process group). */
  readonly signal: string | undefined;

  constructor(message: string, signal?: string) {
    super(message);
    this.name = 'GitError';
    this.signal = signal;
  }
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
  } catch (error) {
    const failure = error as { code?: string; stderr?: string; signal?: string | null };
    if (failure.code === 'ENOENT') throw new GitError('oss-patch needs git, which is not on your PATH.');
    throw new GitError(
      `git ${args.join(' ')} failed: ${failure.stderr?.trim() || String(error)}`,
      failure.signal ?? undefined,
    );
  }
}

function succeeds(cwd: string, args: string[]): boolean {
  try {
    git(cwd, args);
    return true;
  } catch {
    return false;
  }
}

/** `patch-20260514-093012-4f1c2a`: sorts by time, and the random part keeps runs in the same second apart. */
export function uniqueWorktreeName(now = new Date(), random = randomBytes(3).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `patch-${stamp}-${random}`;
}

function checkedName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || name.includes('..') || name.endsWith('.lock')) {
    throw new GitError(`--name '${name}' must be letters, digits, '.', '_' or '-' (at most 64).`);
  }
  return name;
}

function repositoryRoot(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new GitError(`oss-patch works in a git worktree, but ${cwd} is not inside a git repository.`);
  }
}

/** Adds `/.codex-oss/worktrees/` to `.git/info/exclude` unless something already ignores it. */
export function ensureWorktreesIgnored(root: string): boolean {
  if (succeeds(root, ['check-ignore', '-q', '--no-index', `${WORKTREES_DIR}/x/`])) return false;
  const exclude = path.resolve(root, git(root, ['rev-parse', '--git-path', 'info/exclude']));
  mkdirSync(path.dirname(exclude), { recursive: true });
  const before = existsSync(exclude) ? readFileSync(exclude, 'utf8') : '';
  const separator = before === '' || before.endsWith('\n') ? '' : '\n';
  appendFileSync(exclude, `${separator}# oss-patch worktrees (codex-oss)\n${EXCLUDE_LINE}\n`);
  return true;
}

function addWorktree(
  root: string,
  name: string,
  base: string,
  baseCommit: string,
): PatchWorktree | undefined {
  const target = path.join(root, WORKTREES_DIR, name);
  const branch = `oss-patch/${name}`;
  if (existsSync(target) || succeeds(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])) {
    return undefined;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  git(root, ['worktree', 'add', '--quiet', '-b', branch, target, baseCommit]);
  return { root, path: target, branch, base, baseCommit };
}

export function createPatchWorktree(cwd: string, name: string | undefined, base: string): PatchWorktree {
  const root = repositoryRoot(cwd);
  let baseCommit: string;
  try {
    baseCommit = git(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  } catch {
    throw new GitError(
      `'${base}' is not a commit in this repository (a new repository needs a first commit).`,
    );
  }
  ensureWorktreesIgnored(root);
  if (name !== undefined) {
    const worktree = addWorktree(root, checkedName(name), base, baseCommit);
    if (!worktree) {
      throw new GitError(
        `the worktree or branch for --name '${name}' already exists (another oss-patch run may be using it); ` +
          'pick another --name.',
      );
    }
    return worktree;
  }
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const worktree = addWorktree(root, uniqueWorktreeName(), base, baseCommit);
    if (worktree) return worktree;
  }
  throw new GitError('could not find a free worktree name under .codex-oss/worktrees/; try --name.');
}

export function worktreeChanges(worktree: PatchWorktree): WorktreeChanges {
  const status = git(worktree.path, ['status', '--porcelain=v1', '--untracked-files=all']);
  const commits = Number(git(worktree.path, ['rev-list', '--count', `${worktree.baseCommit}..HEAD`]));
  return { files: status.split('\n').filter((line) => line.trim() !== ''), commits };
}

export function hasChanges(changes: WorktreeChanges): boolean {
  return changes.files.length > 0 || changes.commits > 0;
}

/** A clean-up step of git, run once more if a signal ended it (a Ctrl-C pressed during the clean-up). */
function gitCleanUp(cwd: string, args: string[]): void {
  try {
    git(cwd, args);
  } catch (error) {
    if (!(error instanceof GitError) || error.signal === undefined) throw error;
    git(cwd, args);
  }
}

/** Removes the worktree and its branch; returns what could not be removed, as sentences. */
export function removePatchWorktree(worktree: PatchWorktree): string[] {
  const problems: string[] = [];
  try {
    gitCleanUp(worktree.root, ['worktree', 'remove', '--force', worktree.path]);
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    gitCleanUp(worktree.root, ['branch', '-D', worktree.branch]);
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}

/** Where the worktree's dependencies come from, for the user and the model. */
export function dependencyNote(root: string): string | undefined {
  if (!existsSync(path.join(root, 'package.json'))) return undefined;
  if (existsSync(path.join(root, 'node_modules'))) {
    return (
      `Dependencies: none are installed in the worktree; Node and npm find the main checkout's ` +
      `${path.join(root, 'node_modules')} from it. Do not install, update or remove packages; if the change ` +
      'needs a new dependency, say so.'
    );
  }
  return (
    `Dependencies: none are installed, here or in the main checkout (${root} has no node_modules), so ` +
    'commands that need them will fail; do not install any, say so instead.'
  );
}

export function keepOrDropSteps(worktree: PatchWorktree): string {
  const wt = worktree.path;
  return [
    `  review it:  git -C ${wt} add -A && git -C ${wt} diff --cached ${worktree.baseCommit}`,
    `  keep it:    git -C ${wt} add -A && git -C ${wt} commit -m "<message>" && git merge ${worktree.branch}`,
    `              then: git worktree remove ${wt} && git branch -d ${worktree.branch}`,
    `  drop it:    git worktree remove --force ${wt} && git branch -D ${worktree.branch}`,
  ].join('\n');
}
