/**
 * What changed in the main checkout while oss-patch ran. OpenCode refuses edits outside the worktree, but its shell
 * is not a sandbox (docs/opencode-cli.md#what-is-not-a-sandbox): `echo x >> ../../../README.md` goes through. The worker cannot prevent that, so it looks:
 * HEAD, and the content of every file `git status` lists (changed or untracked, not ignored), before and after.
 * A difference may also be the user's own edit made meanwhile, and is reported as such.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export interface CheckoutSnapshot {
  head: string;
  /** Path (relative to the top level) → a digest of its content, or `deleted`. */
  files: ReadonlyMap<string, string>;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

function digest(file: string): string {
  try {
    const stat = lstatSync(file);
    if (stat.isSymbolicLink()) return `link:${readlinkSync(file)}`;
    if (!stat.isFile()) return `other:${stat.mode}`;
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'deleted';
  }
}

/** Paths of `git status --porcelain -z` entries (for a rename, the new path). */
export function statusPaths(porcelainZ: string): string[] {
  const fields = porcelainZ.split('\0');
  const paths: string[] = [];
  for (let index = 0; index < fields.length; index += 1) {
    const entry = fields[index] ?? '';
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    // A rename or copy is followed by its original path, which is not an entry of its own.
    if (entry[0] === 'R' || entry[0] === 'C') index += 1;
  }
  return paths;
}

export function snapshotCheckout(root: string): CheckoutSnapshot {
  const head = git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']).trim();
  const listed = statusPaths(git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all']));
  return { head, files: new Map(listed.map((file) => [file, digest(path.join(root, file))])) };
}

/** Files whose state differs between the two snapshots, and whether HEAD moved. */
export function checkoutChanges(before: CheckoutSnapshot, after: CheckoutSnapshot): string[] {
  const changed = new Set<string>();
  for (const [file, state] of after.files) if (before.files.get(file) !== state) changed.add(file);
  for (const file of before.files.keys()) if (!after.files.has(file)) changed.add(file);
  const files = [...changed].sort();
  return before.head === after.head ? files : ['HEAD (a commit, checkout or reset)', ...files];
}
