/**
 * One worker run: finds `opencode`, prepares where it works (a fresh worktree for oss-patch), hands the terminal
 * to `opencode run`, and passes its exit code back.
 */
import { spawn } from 'node:child_process';
import type { CliContext } from '../command.ts';
import { findOnPath, missingOpencodeMessage } from './opencode-cli.ts';
import { opencodeRunArgs, shellQuote } from './opencode-command.ts';
import { createPatchWorktree, defaultWorktreeName, worktreeNextSteps } from './patch-worktree.ts';
import { parseWorkerArgs, workerUsage } from './worker-args.ts';
import type { WorkerRole } from './worker-roles.ts';

/** Exit code when opencode is missing, as a shell reports a command it cannot find. */
export const MISSING_OPENCODE_EXIT = 127;

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
  const args = parseWorkerArgs(role, argv, context.cwd);
  const opencode = findOnPath('opencode', context.env);
  if (!opencode) {
    context.stderr(missingOpencodeMessage(role.command));
    return MISSING_OPENCODE_EXIT;
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
