import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyFile, ensureDir } from './apply-changes.ts';
import { backupPath, backupStamp } from './backup.ts';

let dir: string;
const now = new Date('2026-11-25T19:48:03.120Z');

beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'codex-oss-fs-'))); // macOS: /var is a link
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

describe('backup names', () => {
  it('use a compact UTC timestamp and never overwrite an earlier backup', () => {
    expect(backupStamp(now)).toBe('20261125T194803Z');
    const taken = new Set(['/p/a.toml.codex-oss-backup-20261125T194803Z']);
    expect(backupPath('/p/a.toml', now, (p) => taken.has(p))).toBe(
      '/p/a.toml.codex-oss-backup-20261125T194803Z-2',
    );
  });
});

describe('applyFile', () => {
  it('creates a missing file, with its parent directories and the requested mode', () => {
    const file = path.join(dir, 'a', 'b', 'secret.env');
    const outcome = applyFile({ path: file, before: undefined, after: 'K=v\n', mode: 0o600 }, now);
    expect(outcome).toEqual({ path: file, status: 'created' });
    expect(readFileSync(file, 'utf8')).toBe('K=v\n');
    expect(mode(file)).toBe(0o600);
  });

  it('writes nothing and makes no backup when the content is unchanged', () => {
    const file = path.join(dir, 'same.txt');
    writeFileSync(file, 'x');
    expect(applyFile({ path: file, before: 'x', after: 'x' }, now).status).toBe('unchanged');
    expect(readdirSync(dir)).toEqual(['same.txt']);
  });

  it('backs an existing file up, with its permissions, before changing it', () => {
    const file = path.join(dir, 'config.toml');
    writeFileSync(file, 'old', { mode: 0o600 });
    const outcome = applyFile({ path: file, before: 'old', after: 'new' }, now);
    expect(outcome.status).toBe('updated');
    expect(outcome.backup).toBe(`${file}.codex-oss-backup-20261125T194803Z`);
    expect(readFileSync(outcome.backup as string, 'utf8')).toBe('old');
    expect(mode(outcome.backup as string)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(mode(file)).toBe(0o600);
  });

  it('updates a symlinked file where it lives, keeping the link (a dotfiles config.toml)', () => {
    mkdirSync(path.join(dir, 'dotfiles'));
    const real = path.join(dir, 'dotfiles', 'config.toml');
    const link = path.join(dir, 'config.toml');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    const outcome = applyFile({ path: link, before: 'old', after: 'new' }, now);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(outcome.backup).toBe(`${real}.codex-oss-backup-20261125T194803Z`);
    expect(outcome.note).toContain(real);
  });

  it('reports a file it leaves alone on purpose as kept, with the reason', () => {
    const file = path.join(dir, 'agent.toml');
    writeFileSync(file, 'mine');
    expect(applyFile({ path: file, before: 'mine', after: 'mine', keptBecause: 'edited' }, now)).toEqual({
      path: file,
      status: 'kept',
      note: 'edited',
    });
  });

  it('tightens the permissions of an unchanged secret file', () => {
    const file = path.join(dir, 'key.env');
    writeFileSync(file, 'K=v', { mode: 0o644 });
    const outcome = applyFile({ path: file, before: 'K=v', after: 'K=v', mode: 0o600 }, now);
    expect(outcome.note).toMatch(/0600/);
    expect(mode(file)).toBe(0o600);
  });

  it('refuses to overwrite a file that changed since it was read', () => {
    const file = path.join(dir, 'race.txt');
    writeFileSync(file, 'changed meanwhile');
    expect(() => applyFile({ path: file, before: 'as read', after: 'ours' }, now)).toThrow(/changed on disk/);
    expect(readFileSync(file, 'utf8')).toBe('changed meanwhile');
  });
});

describe('ensureDir', () => {
  it('creates a private directory once', () => {
    const target = path.join(dir, '.codex-oss', 'state');
    expect(ensureDir({ path: target, mode: 0o700 }).status).toBe('created');
    expect(mode(target)).toBe(0o700);
    expect(ensureDir({ path: target, mode: 0o700 }).status).toBe('unchanged');
  });
});
