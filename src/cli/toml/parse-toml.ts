/**
 * Parsing TOML from a user's file: a syntax error names the file, line and column and says what to do, so a
 * broken config is reported instead of being overwritten.
 */
import { parse } from '@decimalturn/toml-patch';

export type TomlTable = Record<string, unknown>;

export class TomlSyntaxError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** What is wrong, without the location (e.g. "Expected \"=\" after a key"). */
  readonly reason: string;

  constructor(file: string, reason: string, line?: number, column?: number) {
    const where = line === undefined ? file : `${file}:${line}:${(column ?? 0) + 1}`;
    super(`${where}: invalid TOML: ${reason}. Fix the file (or restore one of its backups) and run again.`);
    this.name = 'TomlSyntaxError';
    this.reason = reason;
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** The library's message is "Error parsing TOML (line, col):\n<source line>\n^\n<reason>"; keep the reason. */
function reasonOf(error: Error): string {
  const lines = error.message.split('\n').filter((line) => line.trim() !== '');
  return lines.at(-1)?.trim() ?? 'unreadable';
}

export function parseToml(text: string, file: string): TomlTable {
  try {
    return parse(text, { integersAsBigInt: false }) as TomlTable;
  } catch (error) {
    const { line, column } = error as { line?: number; column?: number };
    throw new TomlSyntaxError(file, reasonOf(error as Error), line, column);
  }
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The value at a key path, or undefined when any step is missing or not a table. */
export function valueAt(root: TomlTable, keyPath: readonly string[]): unknown {
  let current: unknown = root;
  for (const key of keyPath) {
    if (!isTable(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** A copy of `root` with `value` at `keyPath` (intermediate tables created); `undefined` removes the key. */
export function withValueAt(root: TomlTable, keyPath: readonly string[], value: unknown): TomlTable {
  const [key, ...rest] = keyPath;
  if (key === undefined) throw new Error('withValueAt: empty key path');
  const copy: TomlTable = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const child = isTable(root[key]) ? root[key] : {};
  copy[key] = withValueAt(child, rest, value);
  return copy;
}
