/**
 * Renders one table as readable TOML sections (`[a.b]` then `[a.b.sub]`), the way a person would write it, instead
 * of the dotted inline keys a generic patcher produces for new tables. Keys and values are encoded by the TOML
 * library, so quoting and escaping are never hand-made.
 */
import { stringify, TomlFormat } from '@decimalturn/toml-patch';
import { isTable, type TomlTable } from './parse-toml.ts';

const FORMAT = (() => {
  const format = TomlFormat.default();
  format.bracketSpacing = false;
  format.trailingNewline = 0;
  return format;
})();

/** One key segment, bare when TOML allows it, quoted otherwise. */
export function renderKey(segment: string): string {
  return stringify({ [segment]: 0 }, FORMAT).replace(/ = 0$/, '');
}

export function renderKeyPath(keyPath: readonly string[]): string {
  return keyPath.map(renderKey).join('.');
}

/** `key = value` on one line; arrays of tables have no one-line form and are refused. */
export function renderKeyValue(key: string, value: unknown): string {
  const line = stringify({ [key]: value }, FORMAT);
  if (line.includes('\n')) throw new Error(`cannot render ${key} on one line`);
  return line;
}

export interface SectionOptions {
  /** Comment lines placed right under the header, inside the table (so they move with it). */
  comments?: readonly string[];
}

/** The table at `keyPath` as a `[header]` section plus one section per sub-table; lines without a final newline. */
export function renderSection(
  keyPath: readonly string[],
  table: TomlTable,
  options: SectionOptions = {},
): string[] {
  const lines = [`[${renderKeyPath(keyPath)}]`, ...(options.comments ?? []).map((comment) => `# ${comment}`)];
  const subTables: Array<[string, TomlTable]> = [];
  for (const [key, value] of Object.entries(table)) {
    if (isTable(value)) subTables.push([key, value]);
    else lines.push(renderKeyValue(key, value));
  }
  for (const [key, value] of subTables) lines.push('', ...renderSection([...keyPath, key], value));
  return lines;
}
