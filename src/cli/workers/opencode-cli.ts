/**
 * Finding the OpenCode CLI (`opencode`) on PATH, and what to tell the user when it is not there.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable named `name` on the PATH of `env`, or undefined. */
export function findOnPath(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

export function missingOpencodeMessage(command: string): string {
  return [
    `${command} runs the OpenCode CLI (\`opencode\`), which is not on your PATH.`,
    'Install it with:  npm i -g opencode-ai',
    'then connect it to OpenCode Go with `opencode auth login` (choose OpenCode Go) and run this again.',
    '',
  ].join('\n');
}
