/**
 * A block we own inside a user's file (AGENTS.md, .gitignore), between a start and an end marker line. Only the
 * lines between the markers are ever rewritten; everything outside them is returned exactly as it was.
 */

export interface Markers {
  start: string;
  end: string;
}

export const MARKDOWN_MARKERS: Markers = { start: '<!-- codex-oss:start -->', end: '<!-- codex-oss:end -->' };
export const HASH_MARKERS: Markers = { start: '# codex-oss:start', end: '# codex-oss:end' };

export class MarkedBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarkedBlockError';
  }
}

function lineIndexes(lines: readonly string[], marker: string): number[] {
  return lines.flatMap((line, index) => (line.trim() === marker ? [index] : []));
}

/** The text between the markers, or undefined when the file has no block. */
export function readMarkedBlock(text: string, markers: Markers, file = 'the file'): string | undefined {
  const range = blockRange(text.split(/\r?\n/), markers, file);
  if (!range) return undefined;
  return text
    .split(/\r?\n/)
    .slice(range.start + 1, range.end)
    .join('\n');
}

function blockRange(lines: readonly string[], markers: Markers, file: string) {
  const starts = lineIndexes(lines, markers.start);
  const ends = lineIndexes(lines, markers.end);
  if (starts.length === 0 && ends.length === 0) return undefined;
  const [start] = starts;
  const [end] = ends;
  if (starts.length !== 1 || ends.length !== 1 || start === undefined || end === undefined || end < start) {
    throw new MarkedBlockError(
      `${file} has unmatched codex-oss markers (${starts.length} "${markers.start}", ${ends.length} "${markers.end}"); ` +
        'leave exactly one pair around the codex-oss block (or delete both and the block) and run again',
    );
  }
  return { start, end };
}

/**
 * `text` with the block between the markers set to `body` (without the markers): replaced where it is, or appended
 * after a blank line. Returns the text unchanged when the block already holds `body`.
 */
export function upsertMarkedBlock(text: string, body: string, markers: Markers, file = 'the file'): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const bodyLines = body.replace(/\n+$/, '').split('\n');
  const block = [markers.start, ...bodyLines, markers.end];
  const range = blockRange(lines, markers, file);
  if (range) {
    lines.splice(range.start, range.end - range.start + 1, ...block);
    return lines.join(eol);
  }
  if (text.trim() === '') return `${block.join(eol)}${eol}`;
  const separator = text.endsWith('\n') ? eol : `${eol}${eol}`;
  return `${text}${separator}${block.join(eol)}${eol}`;
}
