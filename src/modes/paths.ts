/**
 * Paths named in a handoff: whether one names a file (for choosing a mode), how a path a write names is held to the
 * project and to OWNED PATHS (relative, normalised, no `..`, absolute only inside the project), and how a path or a
 * pattern is quoted for the shell Codex runs the bridge's commands in.
 */
import path from 'node:path';

const GLOB = /[*?[\]{}]/;

/** A file, not a directory or a pattern: no trailing `/`, no glob character, and an extension. */
export function looksLikeFile(name: string): boolean {
  if (name.endsWith('/') || GLOB.test(name)) return false;
  return path.posix.extname(name) !== '';
}

/** POSIX single quotes: everything inside is literal; a quote becomes `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export type ProjectPath = { ok: true; path: string } | { ok: false; problem: string };

/**
 * A path relative to the project directory, normalised (`./a//b/` → `a/b`; the directory itself is `.`). Refused:
 * control characters, any `..` segment, and absolute paths outside the project (or any absolute path when the
 * project directory is unknown).
 */
export function projectPath(raw: string, cwd: string | undefined): ProjectPath {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, problem: 'is empty' };
  if ([...name].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f'))
    return { ok: false, problem: 'contains a control character' };
  if (name.split('/').includes('..')) return { ok: false, problem: "contains a '..' segment" };
  let relative = name;
  if (path.posix.isAbsolute(name)) {
    if (!cwd) return { ok: false, problem: 'is absolute and the project directory is not known' };
    const root = path.posix.normalize(cwd).replace(/\/+$/, '');
    const absolute = path.posix.normalize(name).replace(/\/+$/, '');
    if (absolute !== root && !absolute.startsWith(`${root}/`))
      return { ok: false, problem: `is outside the project directory ${root}` };
    relative = absolute === root ? '.' : absolute.slice(root.length + 1);
  }
  const normal = path.posix.normalize(relative).replace(/\/+$/, '');
  return { ok: true, path: normal === '' ? '.' : normal };
}

/** Whether a normalised path is an owned path or lies below it (`.` owns the whole project). */
export function isInside(target: string, owned: string): boolean {
  return owned === '.' || target === owned || target.startsWith(`${owned}/`);
}
