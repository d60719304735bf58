/**
 * The repository explains itself: nothing in it cites a file outside it, and every citation of a docs page points at
 * a page and a heading that exist: `docs/<page>.md#<anchor>` anywhere, and in the repository's own Markdown (docs/,
 * the README, fixtures' SOURCES.md) also a bare `docs/<page>.md` and relative links. A bare `docs/x.md` in code is not
 * a citation: tests use such paths for the projects they build. See docs/README.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCANNED = ['src', 'test', 'bench', 'bin', 'docs', 'orchestration', 'README.md'];
const THIS_FILE = path.relative(ROOT, import.meta.filename);

/**
 * Ways a file outside the repository gets cited: the team's reference desk beside the repository (`../shared/…`)
 * and its documents by name. Their facts belong in docs/.
 */
const OUTSIDE_CITATIONS: readonly RegExp[] = [
  /\.\.\/shared\//,
  /\bshared\/reference\b/,
  /\bPROTOCOL(\.md|\s*§)/,
  /\bCODEX-CLIENT(\.md)?\b/,
  /\bENV\.md\b/,
  /\bcodex-captures\b/,
];

const DOC_CITATION = /\bdocs\/([\w.-]+\.md)(?:#([\w-]+))?/g;

/** The repository's own Markdown, where every mention of a docs page is a citation. */
function isRepositoryDoc(file: string): boolean {
  return file.startsWith('docs/') || file === 'README.md' || file.endsWith('/SOURCES.md');
}
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown page's headings (outside code fences); a repeated heading gets `-1`, `-2`, … */
function pageAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = headingAnchor(heading[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function trackedFiles(): string[] {
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...SCANNED],
      { cwd: ROOT, encoding: 'utf8' },
    );
    return out.split('\0').filter((file) => file && existsSync(path.join(ROOT, file)));
  } catch {
    // Not a git checkout (an unpacked tarball): every file under the scanned paths.
    return SCANNED.flatMap((entry) => walk(entry));
  }
}

function walk(relative: string): string[] {
  const absolute = path.join(ROOT, relative);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute)
    .filter((name) => name !== 'node_modules')
    .flatMap((name) => walk(path.join(relative, name)));
}

interface Citation {
  file: string;
  line: number;
  target: string;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

const anchorCache = new Map<string, Set<string> | null>();
function anchorsOf(page: string): Set<string> | null {
  if (!anchorCache.has(page)) {
    const file = path.join(ROOT, page);
    anchorCache.set(page, existsSync(file) ? pageAnchors(readFileSync(file, 'utf8')) : null);
  }
  return anchorCache.get(page) ?? null;
}

/** Why a citation of `page` (a path from the repository root) with `anchor` does not resolve, if it does not. */
function brokenTarget(page: string, anchor: string | undefined): string | undefined {
  if (!page.endsWith('.md')) return existsSync(path.join(ROOT, page)) ? undefined : 'no such file';
  const anchors = anchorsOf(page);
  if (!anchors) return 'no such page';
  if (anchor && !anchors.has(anchor)) return `no heading with anchor #${anchor}`;
  return undefined;
}

function scan() {
  const outside: Citation[] = [];
  const broken: Array<Citation & { why: string }> = [];
  for (const file of trackedFiles()) {
    if (file === THIS_FILE) continue;
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const pattern of OUTSIDE_CITATIONS) {
      for (const match of text.matchAll(new RegExp(pattern.source, 'g'))) {
        outside.push({ file, line: lineOf(text, match.index), target: match[0] });
      }
    }
    for (const match of text.matchAll(DOC_CITATION)) {
      if (match[2] === undefined && !isRepositoryDoc(file)) continue;
      const why = brokenTarget(`docs/${match[1]}`, match[2]);
      if (why) broken.push({ file, line: lineOf(text, match.index), target: match[0], why });
    }
    if (!isRepositoryDoc(file)) continue;
    for (const match of text.matchAll(MARKDOWN_LINK)) {
      const link = match[1] as string;
      if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
      const [target = '', anchor] = link.split('#');
      const page =
        target === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
      const why = brokenTarget(page, anchor);
      if (why) broken.push({ file, line: lineOf(text, match.index), target: link, why });
    }
  }
  return { outside, broken };
}

describe('headingAnchor and pageAnchors', () => {
  it('make the anchors GitHub makes: lower case, no punctuation, hyphens for spaces, numbered repeats', () => {
    expect(headingAnchor('Kimi (Moonshot)')).toBe('kimi-moonshot');
    expect(headingAnchor('`x-opencode-session`')).toBe('x-opencode-session');
    expect(headingAnchor('The /models call')).toBe('the-models-call');
    expect([...pageAnchors('# A\n```\n# not a heading\n```\n## B\n## B\n')]).toEqual(['a', 'b', 'b-1']);
  });
});

describe('citations in the repository', () => {
  const { outside, broken } = scan();

  it('never point at a file outside the repository', () => {
    expect(outside.map((c) => `${c.file}:${c.line}: ${c.target}`)).toEqual([]);
  });

  it('point at docs pages and headings that exist', () => {
    expect(broken.map((c) => `${c.file}:${c.line}: ${c.target} (${c.why})`)).toEqual([]);
  });
});
