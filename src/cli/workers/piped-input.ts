/**
 * Input piped to a worker (`git diff | oss-review "review this diff"`) is added to the prompt. OpenCode itself reads
 * its stdin to the end whenever it is not a terminal, so a pipe that stays open (a parent that never closes it)
 * would hang it (docs/opencode-cli.md#opencode-run): the worker reads stdin instead, and OpenCode gets only the
 * prompt.
 *
 * The rule: a terminal is never read. `--stdin` reads to the end, however long that takes. Otherwise piped input is
 * read when something arrives within the grace period, and then to its end; a pipe that stays silent that long is
 * left alone (an inherited pipe nobody writes to), and the run goes on without it.
 */
import type { Readable } from 'node:stream';

export const STDIN_GRACE_MS = 3000;

export interface WorkerStdin {
  stream: Readable;
  isTTY: boolean;
}

export type PipedInput =
  | { kind: 'none' }
  | { kind: 'read'; text: string }
  | { kind: 'silent'; waitedMs: number };

/** Resolves once the stream has something to read or has ended, or after `ms` (then false). */
function somethingArrives(stream: Readable, ms: number): Promise<boolean> {
  if (stream.readableEnded || stream.readableLength > 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (arrived: boolean) => {
      clearTimeout(timer);
      stream.off('readable', onReadable);
      stream.off('end', onReadable);
      stream.off('error', onReadable);
      resolve(arrived);
    };
    const onReadable = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    stream.once('readable', onReadable);
    stream.once('end', onReadable);
    stream.once('error', onReadable);
  });
}

async function readToEnd(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream)
    parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

export async function readPipedInput(
  stdin: WorkerStdin | undefined,
  options: { explicit: boolean; graceMs?: number },
): Promise<PipedInput> {
  if (!stdin || (stdin.isTTY && !options.explicit)) return { kind: 'none' };
  const graceMs = options.graceMs ?? STDIN_GRACE_MS;
  if (!options.explicit && !(await somethingArrives(stdin.stream, graceMs))) {
    // Stop listening, so the open pipe does not keep this process alive after the run.
    stdin.stream.pause();
    if ('unref' in stdin.stream && typeof stdin.stream.unref === 'function') stdin.stream.unref();
    return { kind: 'silent', waitedMs: graceMs };
  }
  const text = await readToEnd(stdin.stream);
  return text.trim() === '' ? { kind: 'none' } : { kind: 'read', text };
}

/** A Markdown fence longer than any run of backticks in `text`, so the input cannot close it early. */
export function fenced(text: string): string {
  const longestRun = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`;
}
