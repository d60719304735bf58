/**
 * A worker's command line: its own options, the task (the remaining words), and everything after `--`, which goes
 * to `opencode run` untouched.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../command.ts';
import type { WorkerRole } from './worker-roles.ts';

export interface WorkerArgs {
  task: string;
  /** OpenCode Go model id (without the `opencode-go/` prefix). */
  model: string;
  dir: string;
  base: string;
  name: string | undefined;
  dryRun: boolean;
  /** Wait for piped input to end, however long it takes (piped-input.ts). */
  stdin: boolean;
  extra: string[];
}

const OPTIONS = {
  model: { type: 'string' },
  dir: { type: 'string' },
  base: { type: 'string' },
  name: { type: 'string' },
  'dry-run': { type: 'boolean' },
  stdin: { type: 'boolean' },
} as const;

export function workerUsage(role: WorkerRole): string {
  const placeOptions =
    role.access === 'patch'
      ? '  --base REF       commit the worktree starts from (default HEAD)\n' +
        '  --name NAME      worktree and branch name (default patch-<date>-<time>-<random>)\n'
      : '  --dir PATH       directory to work in (default: the current one)\n';
  return (
    `Usage: ${role.command} [options] <task…> [-- <opencode run options>]\n\n` +
    `Runs one task with \`opencode run\` on opencode-go/${role.model}: ${role.summary}.\n` +
    'For when the bridge is down or rate-limited; needs the OpenCode CLI (npm i -g opencode-ai) and the key in\n' +
    'OPENCODE_GO_API_KEY (or `opencode auth login`). Piped input is added to the prompt.\n\n' +
    `  --model ID       OpenCode Go model instead of ${role.model}\n${placeOptions}` +
    '  --stdin          wait for piped input to end (otherwise a pipe silent for 3 s is not read)\n' +
    '  --dry-run        print the opencode command and prompt instead of running them\n'
  );
}

export function parseWorkerArgs(role: WorkerRole, argv: readonly string[], cwd: string): WorkerArgs {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: own, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (role.access === 'patch' && values.dir !== undefined)
    throw new UsageError(`${role.command} works in its own worktree; --dir does not apply`);
  const task = positionals.join(' ').trim();
  if (!task) throw new UsageError('say what the worker should do, e.g. "find where retries are configured"');
  return {
    task,
    model: values.model ?? role.model,
    dir: path.resolve(cwd, values.dir ?? '.'),
    base: values.base ?? 'HEAD',
    name: values.name,
    dryRun: values['dry-run'] === true,
    stdin: values.stdin === true,
    extra: separator === -1 ? [] : argv.slice(separator + 1),
  };
}
