/**
 * Edits a user's TOML file the way a careful person would: only the table (or root keys) we own changes; every other
 * line — comments, order, formatting, other tables — stays byte for byte. Each edit is parse → change → write, and
 * the result is re-parsed and must equal the intended data exactly, or nothing is returned.
 *
 * A table of ours is written as readable `[a.b]` sections: replaced where it already stands as sections, appended
 * when new. When the file defines it another way (dotted keys, an inline table), the edit falls back to the TOML
 * library's comment-preserving patch, which is verified the same way.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseDocument, patch } from '@decimalturn/toml-patch';
import { parseToml, type TomlTable, valueAt, withValueAt } from './parse-toml.ts';
import { renderKeyValue, renderSection, type SectionOptions } from './render-section.ts';

export class TomlEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TomlEditError';
  }
}

/** Dates become strings, so two parses compare by value. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function sameData(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(plain(a), plain(b));
}

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function startsWithPath(keyPath: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= keyPath.length && prefix.every((segment, index) => keyPath[index] === segment);
}

interface CstNode {
  type: string;
  loc: { start: { line: number }; end: { line: number } };
}
interface CstTable extends CstNode {
  key: CstNode & { item: { value: string[] } };
  items: CstNode[];
}

/** 1-based, inclusive line range of a `[table]` block: header to its last key (trailing comments stay put). */
function ownedLines(table: CstTable): { first: number; last: number } {
  const keyLines = table.items.filter((item) => item.type === 'KeyValue').map((item) => item.loc.end.line);
  return { first: table.loc.start.line, last: Math.max(table.key.loc.end.line, ...keyLines) };
}

function appendSection(text: string, section: readonly string[]): string {
  const eol = lineEnding(text);
  if (text.trim() === '') return `${section.join(eol)}${eol}`;
  const body = text.endsWith('\n') ? text : `${text}${eol}`;
  return `${body}${eol}${section.join(eol)}${eol}`;
}

/** Our table rewritten in place (or appended); undefined when the file defines it in a way sections cannot cover. */
function replaceSections(
  text: string,
  current: TomlTable,
  keyPath: readonly string[],
  section: readonly string[],
): string | undefined {
  const blocks = parseDocument(text).cst as unknown as CstNode[];
  if (
    blocks.some(
      (block) => block.type === 'TableArray' && startsWithPath((block as CstTable).key.item.value, keyPath),
    )
  )
    return undefined;
  const owned = blocks
    .filter((block): block is CstTable => block.type === 'Table')
    .filter((block) => startsWithPath(block.key.item.value, keyPath))
    .map(ownedLines);
  if (owned.length === 0)
    return valueAt(current, keyPath) === undefined ? appendSection(text, section) : undefined;

  const eol = lineEnding(text);
  const lines = text.split(/\r?\n/);
  // Bottom-up, so earlier line numbers stay valid; the first block's place receives the new section.
  const [first, ...rest] = owned;
  for (const range of [...rest].reverse()) {
    let from = range.first - 1;
    while (from > 0 && lines[from - 1]?.trim() === '') from -= 1; // the blank lines that separated it go too
    lines.splice(from, range.last - from);
  }
  if (first) lines.splice(first.first - 1, first.last - first.first + 1, ...section);
  return lines.join(eol);
}

function verified(
  candidates: ReadonlyArray<() => string | undefined>,
  intended: TomlTable,
): string | undefined {
  for (const candidate of candidates) {
    let result: string | undefined;
    try {
      result = candidate();
      if (result !== undefined && sameData(parseToml(result, 'result'), intended)) return result;
    } catch {
      // A candidate that throws or breaks the file is simply not used.
    }
  }
  return undefined;
}

/** `text` with the table at `keyPath` set to exactly `table`; the rest of the file untouched. */
export function setTable(
  text: string,
  file: string,
  keyPath: readonly string[],
  table: TomlTable,
  options: SectionOptions = {},
): string {
  const current = parseToml(text, file);
  if (sameData(valueAt(current, keyPath), table)) return text;
  const intended = withValueAt(current, keyPath, table);
  const result = verified(
    [
      () => replaceSections(text, current, keyPath, renderSection(keyPath, table, options)),
      () => patch(text, intended),
    ],
    intended,
  );
  if (result === undefined) {
    throw new TomlEditError(
      `could not set [${keyPath.join('.')}] in ${file} without disturbing the rest of the file; ` +
        'move that table to its own [section] by hand and run again',
    );
  }
  return result;
}

/** `text` with top-level keys set (`undefined` removes one); tables and comments untouched. */
export function setRootKeys(text: string, file: string, keys: Readonly<Record<string, unknown>>): string {
  const current = parseToml(text, file);
  let intended: TomlTable = current;
  for (const [key, value] of Object.entries(keys)) intended = withValueAt(intended, [key], value);
  if (sameData(current, intended)) return text;
  const fresh = () => {
    if (text.trim() !== '') return undefined;
    const lines = Object.entries(keys)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => renderKeyValue(key, value));
    return `${lines.join('\n')}\n`;
  };
  const result = verified([fresh, () => patch(text, intended)], intended);
  if (result === undefined) {
    throw new TomlEditError(
      `could not set ${Object.keys(keys).join(', ')} in ${file}; set them by hand at the top of the file`,
    );
  }
  return result;
}
