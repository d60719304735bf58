/**
 * One worker run: `opencode run --model opencode-go/<model> --agent <agent> --dir <dir> <preamble + task>`, with
 * the terminal handed to opencode, and the worker's exit code passed back.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CliContext, UsageError } from '../command.ts';
import { findOnPath, missingOpencodeMessage } from './opencode-cli.ts';
import { createPatchWorktree, defaultWorktreeName, worktreeNextSteps } from './patch-worktree.ts';
import type { WorkerRole } from './worker-roles.ts';

interface WorkerArgs {
  task: string;
  model: string;
  dir: string;
  base: string;
  name: string | undefined;
  dryRun: boolean;
  /** Everything after `--`, passed to `opencode run` as is (e.g. `--variant high`). */
  extra: string[];
}

export function workerUsage(role: WorkerRole): string {
  const patchOptions = role.worktree
    ? '  --base REF       commit the worktree starts from (default HEAD)\n' +
      '  --name NAME      worktree and branch name (default patch-<date>-<time>)\n'
    : '  --dir PATH       directory to work in (default: the current one)\n';
  return (
    `Usage: ${role.command} [options] <task…> [-- <opencode run options>]\n\n` +
    `Runs one task with \`opencode run\` on opencode-go/${role.model}: ${role.summary}.\n` +
    'For when the bridge is down or rate-limited; needs the OpenCode CLI (npm i -g opencode-ai).\n\n' +
    `  --model ID       OpenCode Go model instead of ${role.model}\n${patchOptions}` +
    '  --dry-run        print the opencode command instead of running it\n'
  );
}

function parseWorkerArgs(argv: readonly string[], context: CliContext): WorkerArgs {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  let parsed: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }>; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        dir: { type: 'string' },
        base: { type: 'string' },
        name: { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const task = positionals.join(' ').trim();
  if (!task) throw new UsageError('say what the worker should do, e.g. "find where retries are configured"');
  return {
    task,
    model: (values.model as string | undefined) ?? '',
    dir: path.resolve(context.cwd, (values.dir as string | undefined) ?? '.'),
    base: (values.base as string | undefined) ?? 'HEAD',
    name: values.name as string | undefined,
    dryRun: values['dry-run'] === true,
    extra: separator === -1 ? [] : argv.slice(separator + 1),
  };
}

export function taskPrompt(role: WorkerRole, task: string, workdir: string): string {
  return `${role.preamble}\n\nWorking directory: ${workdir}\n\nTask:\n${task}\n`;
}

export function opencodeRunArgs(role: WorkerRole, args: WorkerArgs, workdir: string): string[] {
  const title = `${role.command}: ${args.task.slice(0, 60)}`;
  return [
    'run',
    '--model',
    `opencode-go/${args.model || role.model}`,
    '--agent',
    role.agent,
    '--dir',
    workdir,
    '--title',
    title,
    ...args.extra,
    taskPrompt(role, args.task, workdir),
  ];
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function runOpencode(executable: string, args: string[], cwd: string, context: CliContext): Promise<number> {
  const child = spawn(executable, args, { cwd, env: context.env as NodeJS.ProcessEnv, stdio: 'inherit' });
  // Ctrl-C reaches opencode directly (same process group); we wait for it to wind down instead of dying first.
  const waitForWorker = () => {};
  process.on('SIGINT', waitForWorker);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  }).finally(() => process.off('SIGINT', waitForWorker));
}

export async function runWorker(
  role: WorkerRole,
  argv: readonly string[],
  context: CliContext,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    context.stdout(workerUsage(role));
    return 0;
  }
  const args = parseWorkerArgs(argv, context);
  const opencode = findOnPath('opencode', context.env);
  if (!opencode) {
    context.stderr(missingOpencodeMessage(role.command));
    return 127;
  }
  if (args.dryRun) {
    const workdir = role.worktree ? '<new worktree>' : args.dir;
    context.stdout(`${[opencode, ...opencodeRunArgs(role, args, workdir)].map(shellQuote).join(' ')}\n`);
    return 0;
  }
  const worktree = role.worktree
    ? createPatchWorktree(context.cwd, args.name ?? defaultWorktreeName(), args.base)
    : undefined;
  const workdir = worktree?.path ?? args.dir;
  if (worktree) context.stderr(`${role.command}: working in ${worktree.path} (branch ${worktree.branch})\n`);
  const code = await runOpencode(opencode, opencodeRunArgs(role, args, workdir), workdir, context);
  if (worktree) context.stderr(worktreeNextSteps(worktree));
  return code;
}
