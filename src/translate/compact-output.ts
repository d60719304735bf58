/**
 * Tool output compaction: an output longer than the limits goes upstream as its head and tail around a marker that
 * says what was left out and the sha256 of the full text, so the model knows it saw a cut and can ask for a part.
 */
import { createHash } from 'node:crypto';

export interface CompactionLimits {
  maxChars: number;
  maxLines: number;
}

export interface Compacted {
  text: string;
  omittedChars: number;
  omittedLines: number;
}

/** Returns the text unchanged when it is within both limits. */
export function compactToolOutput(text: string, limits: CompactionLimits): Compacted {
  const lines = text.split('\n');
  if (text.length <= limits.maxChars && lines.length <= limits.maxLines)
    return { text, omittedChars: 0, omittedLines: 0 };
  const keepLines = Math.floor(limits.maxLines / 2);
  const keepChars = Math.floor(limits.maxChars / 2);
  const head = lines.slice(0, keepLines).join('\n').slice(0, keepChars);
  // The tail comes from what follows the head, so the two never overlap.
  const rest = text.slice(head.length);
  const tail = rest.split('\n').slice(-keepLines).join('\n').slice(-keepChars);
  const omitted = rest.slice(0, rest.length - tail.length);
  const omittedChars = omitted.length;
  const omittedLines = Math.max(0, omitted.split('\n').length - 1);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const marker =
    `\n[opencode-bridge: ${omittedChars} characters (${omittedLines} lines) of this output omitted; ` +
    `full output: ${text.length} characters, ${lines.length} lines, sha256 ${sha256}. ` +
    'Ask for a narrower command (a line range, grep) if you need the middle.]\n';
  return { text: `${head}${marker}${tail}`, omittedChars, omittedLines };
}
