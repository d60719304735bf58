import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureWorktreesIgnored, uniqueWorktreeName } from './patch-worktree.ts';

describe('uniqueWorktreeName', () => {
  it('sorts by time and tells runs of the same second apart', () => {
    const now = new Date('2026-05-14T09:30:12.345Z');
    expect(uniqueWorktreeName(now, '4f1c2a')).toBe('patch-20260514-093012-4f1c2a');
    const names = new Set(Array.from({ length: 50 }, () => uniqueWorktreeName(now)));
    expect(names.size).toBe(50);
  });
});

describe('ensureWorktreesIgnored', () => {
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'oss-patch-ignore-'));
    git('init', '-q');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('adds the worktrees folder to .git/info/exclude once', () => {
    expect(ensureWorktreesIgnored(root)).toBe(true);
    expect(ensureWorktreesIgnored(root)).toBe(false);
    const exclude = readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude.match(/^\/\.codex-oss\/worktrees\/$/gm)).toHaveLength(1);
  });

  it('leaves .git/info/exclude alone when the project’s .gitignore already ignores it', () => {
    writeFileSync(path.join(root, '.gitignore'), '/.codex-oss/worktrees/\n');
    const before = readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8');
    expect(ensureWorktreesIgnored(root)).toBe(false);
    expect(readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8')).toBe(before);
  });
});
