/**
 * One worker run: finds `opencode`, gives it the role's agent, permissions and key (opencode-environment.ts), reads
 * piped input, runs the task where the role works — the directory itself for read-only workers, a fresh worktree
 * for oss-patch — and turns the outcome into an exit code and a last line that says what happened.
 */
import type { CliContext } from '../command.ts';
import { checkoutChanges, snapshotCheckout } from './checkout-guard.ts';
import { findOnPath, missingOpencodeMessage } from './opencode-cli.ts';
import { opencodeRunArgs, shellQuote, taskPrompt } from './opencode-command.ts';
import { opencodeEnvironment } from './opencode-environment.ts';
import {
  createPatchWorktree,
  dependencyNote,
  hasChanges,
  keepOrDropSteps,
  type PatchWorktree,
  removePatchWorktree,
  worktreeChanges,
} from './patch-worktree.ts';
import { type PipedInput, readPipedInput, type WorkerStdin } from './piped-input.ts';
import { outcomeExitCode, outcomeMessage, runTask, type TaskOutcome } from './run-task.ts';
import { type SignalLatch, signalExitCode, signalLatch } from './signal-latch.ts';
import { projectRootOf, upstreamSettings } from './upstream-settings.ts';
import { parseWorkerArgs, type WorkerArgs, workerUsage } from './worker-args.ts';
import type { WorkerRole } from './worker-roles.ts';

/** Exit code when opencode is missing, as a shell reports a command it cannot find. */
export const MISSING_OPENCODE_EXIT = 127;

export interface WorkerContext extends CliContext {
  /** The worker's stdin; undefined = none (as for a terminal). */
  stdin?: WorkerStdin;
}

interface Prepared {
  role: WorkerRole;
  args: WorkerArgs;
  executable: string;
  env: Record<string, string>;
  input: PipedInput;
}

function inputNote(role: WorkerRole, input: PipedInput): string | undefined {
  switch (input.kind) {
    case 'none':
      return undefined;
    case 'read':
      return `${role.command}: added ${Buffer.byteLength(input.text)} bytes of piped input to the prompt.`;
    case 'silent':
      return (
        `${role.command}: stdin is a pipe but nothing arrived within ${input.waitedMs / 1000} s; not reading it ` +
        '(pass --stdin to wait for it).'
      );
    default: {
      const unknown: never = input;
      throw new Error(`unknown input ${JSON.stringify(unknown)}`);
    }
  }
}

function pipedText(input: PipedInput): string | undefined {
  return input.kind === 'read' ? input.text : undefined;
}

function finish(role: WorkerRole, outcome: TaskOutcome, context: CliContext): number {
  const message = outcomeMessage(role, outcome);
  if (message) context.stderr(`${message}\n`);
  return outcomeExitCode(outcome);
}

async function runInDirectory(
  prepared: Prepared,
  context: CliContext,
  signals: SignalLatch,
): Promise<number> {
  const { role, args } = prepared;
  const outcome = await runTask(
    {
      role,
      model: args.model,
      executable: prepared.executable,
      args: opencodeRunArgs(role, args, args.dir),
      workdir: args.dir,
      env: prepared.env,
      prompt: taskPrompt(role, args.task, { workdir: args.dir, pipedInput: pipedText(prepared.input) }),
    },
    context,
    signals,
  );
  return finish(role, outcome, context);
}

function patchReport(
  worktree: PatchWorktree,
  outcome: TaskOutcome,
  files: string[],
  commits: number,
): string {
  const what = [
    files.length > 0 ? `${files.length} file${files.length === 1 ? '' : 's'} changed` : '',
    commits > 0 ? `${commits} commit${commits === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const unfinished =
    outcome.kind === 'answered' || outcome.kind === 'refused'
      ? ''
      : ' It is unfinished (the run did not end with an answer): review it before keeping it.';
  return (
    `oss-patch: kept the patch in ${worktree.path} (branch ${worktree.branch}, from ${worktree.base}; ${what}).` +
    `${unfinished}\n${keepOrDropSteps(worktree)}\n`
  );
}

async function runInWorktree(prepared: Prepared, context: CliContext, signals: SignalLatch): Promise<number> {
  const { role, args } = prepared;
  const worktree = createPatchWorktree(context.cwd, args.name, args.base);
  context.stderr(
    `${role.command}: working in ${worktree.path} (branch ${worktree.branch}, from ${args.base})\n`,
  );
  const dependencies = dependencyNote(worktree.root);
  if (dependencies) context.stderr(`${role.command}: ${dependencies.split('. ')[0]}.\n`);
  const before = snapshotCheckout(worktree.root);
  let outcome: TaskOutcome;
  try {
    outcome = await runTask(
      {
        role,
        model: args.model,
        executable: prepared.executable,
        args: opencodeRunArgs(role, args, worktree.path),
        workdir: worktree.path,
        env: prepared.env,
        prompt: taskPrompt(role, args.task, {
          workdir: worktree.path,
          notes: dependencies ? [dependencies] : [],
          pipedInput: pipedText(prepared.input),
        }),
      },
      context,
      signals,
    );
  } catch (error) {
    removePatchWorktree(worktree);
    throw error;
  }

  const outside = checkoutChanges(before, snapshotCheckout(worktree.root));
  if (outside.length > 0) {
    context.stderr(
      `${role.command}: warning: files of ${worktree.root} outside the worktree changed during the run: ` +
        `${outside.join(', ')}. If you did not change them, the model did (its shell is not sandboxed).\n`,
    );
  }
  const changes = worktreeChanges(worktree);
  const message = outcomeMessage(role, outcome);
  if (message) context.stderr(`${message}\n`);
  if (hasChanges(changes)) {
    context.stderr(patchReport(worktree, outcome, changes.files, changes.commits));
    return outcomeExitCode(outcome);
  }
  const problems = removePatchWorktree(worktree);
  const removed =
    problems.length === 0
      ? `removed ${worktree.path} and branch ${worktree.branch}`
      : `could not remove everything: ${problems.join('; ')}`;
  context.stderr(`${role.command}: no change was made; ${removed}.\n`);
  return outcome.kind === 'answered' || outcome.kind === 'refused' ? 1 : outcomeExitCode(outcome);
}

function dryRun(prepared: Prepared, context: CliContext): number {
  const { role, args } = prepared;
  const workdir = role.access === 'patch' ? '<new worktree>' : args.dir;
  const settings = ['OPENCODE_CONFIG_CONTENT', 'OPENCODE_PERMISSION']
    .map((name) => `${name}=${shellQuote(prepared.env[name] ?? '')}`)
    .join(' ');
  const command = [prepared.executable, ...opencodeRunArgs(role, args, workdir)].map(shellQuote).join(' ');
  const prompt = taskPrompt(role, args.task, { workdir, pipedInput: pipedText(prepared.input) });
  context.stdout(`${settings} ${command} <<'OSS_PROMPT'\n${prompt}OSS_PROMPT\n`);
  return 0;
}

export async function runWorker(
  role: WorkerRole,
  argv: readonly string[],
  context: WorkerContext,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    context.stdout(workerUsage(role));
    return 0;
  }
  const args = parseWorkerArgs(role, argv, context.cwd);
  const executable = findOnPath('opencode', context.env);
  if (!executable) {
    context.stderr(missingOpencodeMessage(role.command));
    return MISSING_OPENCODE_EXIT;
  }
  const upstream = upstreamSettings(context.env, projectRootOf(context.cwd));
  for (const warning of upstream.warnings) context.stderr(`${role.command}: ${warning}\n`);
  const env = opencodeEnvironment(role, context.env, upstream.settings);
  const input = await readPipedInput(context.stdin, { explicit: args.stdin });
  const note = inputNote(role, input);
  if (note) context.stderr(`${note}\n`);
  const prepared: Prepared = { role, args, executable, env, input };
  if (args.dryRun) return dryRun(prepared, context);
  // From here to the end of the clean-up a signal is noted and forwarded, never the end of the worker.
  const signals = signalLatch();
  try {
    const code = await runWhereTheRoleWorks(prepared, context, signals);
    const signal = await signals.receivedSoFar();
    if (!signal || code === signalExitCode(signal)) return code;
    // The signal came once the run had ended: the clean-up has been done, and the exit says it was interrupted.
    context.stderr(`${role.command}: interrupted (${signal}) after the run had ended.\n`);
    return signalExitCode(signal);
  } finally {
    signals.stop();
  }
}

function runWhereTheRoleWorks(
  prepared: Prepared,
  context: CliContext,
  signals: SignalLatch,
): Promise<number> {
  switch (prepared.role.access) {
    case 'read-only':
      return runInDirectory(prepared, context, signals);
    case 'patch':
      return runInWorktree(prepared, context, signals);
    default: {
      const unknown: never = prepared.role.access;
      throw new Error(`unknown worker access ${String(unknown)}`);
    }
  }
}
