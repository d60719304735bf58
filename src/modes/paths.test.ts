import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isInside, looksLikeFile, projectPath, shellQuote } from './paths.ts';

describe('looksLikeFile', () => {
  it('is true for a name with an extension and false for directories, patterns and bare names', () => {
    expect(['src/a.ts', 'test-output.txt', 'docs/x.md'].map(looksLikeFile)).toEqual([true, true, true]);
    expect(['src/', 'src', 'src/*.ts', 'a?.md', 'Makefile', '.env'].map(looksLikeFile)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('shellQuote', () => {
  it('passes any text through the shell unchanged', () => {
    for (const text of ["it's", '$(rm -rf /) `x` "y" \\z', '-n', 'a\nb', '*.ts', '']) {
      expect(execFileSync('sh', ['-c', `printf '%s' ${shellQuote(text)}`], { encoding: 'utf8' })).toBe(text);
    }
  });
});

describe('projectPath', () => {
  it('normalises a relative path', () => {
    expect(projectPath('./out//a.txt', undefined)).toEqual({ ok: true, path: 'out/a.txt' });
    expect(projectPath('out/', undefined)).toEqual({ ok: true, path: 'out' });
    expect(projectPath('.', undefined)).toEqual({ ok: true, path: '.' });
  });

  it('makes an absolute path inside the project relative, and refuses one outside it', () => {
    expect(projectPath('/work/p/out/a.txt', '/work/p')).toEqual({ ok: true, path: 'out/a.txt' });
    expect(projectPath('/work/px/a.txt', '/work/p')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('outside'),
    });
    expect(projectPath('/etc/passwd', undefined)).toMatchObject({ ok: false });
  });

  it("refuses '..' segments and control characters", () => {
    expect(projectPath('out/../../etc/x', '/work/p')).toEqual({
      ok: false,
      problem: "contains a '..' segment",
    });
    expect(projectPath('out/a\nb', undefined)).toEqual({
      ok: false,
      problem: 'contains a control character',
    });
  });
});

describe('isInside', () => {
  it('holds for the owned path itself, below it, and anywhere for the project root', () => {
    expect(isInside('out/a.txt', 'out')).toBe(true);
    expect(isInside('out', 'out')).toBe(true);
    expect(isInside('outside/a.txt', 'out')).toBe(false);
    expect(isInside('src/a.ts', '.')).toBe(true);
  });
});
