import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutChanges, snapshotCheckout, statusPaths } from './checkout-guard.ts';

describe('statusPaths', () => {
  it('reads porcelain -z entries, renames by their new path', () => {
    expect(statusPaths(' M README.md\0?? new file.txt\0R  to.ts\0from.ts\0')).toEqual([
      'README.md',
      'new file.txt',
      'to.ts',
    ]);
  });
});

describe('checkoutChanges', () => {
  let root: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'oss-guard-'));
    git('init', '-q');
    writeFileSync(path.join(root, 'README.md'), '# project\n');
    writeFileSync(path.join(root, 'dirty.txt'), 'one\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'first');
    appendFileSync(path.join(root, 'dirty.txt'), 'edited before the run\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds nothing when nothing changed, dirty files included', () => {
    expect(checkoutChanges(snapshotCheckout(root), snapshotCheckout(root))).toEqual([]);
  });

  it('finds a tracked file changed, a dirty file changed again, a new file and a deleted one', () => {
    writeFileSync(path.join(root, 'untracked.txt'), 'x\n');
    const before = snapshotCheckout(root);
    appendFileSync(path.join(root, 'README.md'), 'pwned\n');
    appendFileSync(path.join(root, 'dirty.txt'), 'and during it\n');
    writeFileSync(path.join(root, 'PWNED.txt'), 'x\n');
    unlinkSync(path.join(root, 'untracked.txt'));
    expect(checkoutChanges(before, snapshotCheckout(root))).toEqual([
      'PWNED.txt',
      'README.md',
      'dirty.txt',
      'untracked.txt',
    ]);
  });

  it('notices a commit', () => {
    const before = snapshotCheckout(root);
    git('commit', '-q', '-am', 'second');
    expect(checkoutChanges(before, snapshotCheckout(root))[0]).toBe('HEAD (a commit, checkout or reset)');
  });
});
