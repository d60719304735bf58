/**
 * `.codex-oss/env/opencode-go.env`: where the OpenCode Go key may live instead of the shell environment. One
 * `KEY=value` a line (`export ` prefix, quotes and `#` comments allowed). It holds a secret, so it must be 0600.
 */
import { readFileSync, statSync } from 'node:fs';

export interface EnvFile {
  values: Record<string, string>;
  /** A sentence to show the user when the file is readable by others; undefined when its mode is fine. */
  permissionWarning: string | undefined;
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2)
    return value.slice(1, -1);
  return value.replace(/\s+#.*$/, '');
}

export function parseEnvText(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const match = LINE.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = unquote(match[2]);
  }
  return values;
}

/** The file's values, or none when it does not exist. */
export function readEnvFile(file: string): EnvFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { values: {}, permissionWarning: undefined };
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const mode = statSync(file).mode & 0o777;
  const permissionWarning =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? `${file} holds a key but is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\`.`
      : undefined;
  return { values: parseEnvText(text), permissionWarning };
}
