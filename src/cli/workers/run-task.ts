/**
 * One `opencode run` for a worker, watched: the model's text goes to stdout, each tool call to stderr as one line
 * (refused ones marked), and the run ends in an outcome the exit code and the last stderr line are made from.
 */
import type { CliContext } from '../command.ts';
import { explainFailure, type RunError } from './opencode-failures.ts';
import { runOpencode } from './opencode-process.ts';
import type { RunEvent } from './run-events.ts';
import { type ForwardedSignal, type SignalLatch, signalExitCode } from './signal-latch.ts';
import { describeToolCall, isRefusal, shortError, type ToolEvent } from './tool-calls.ts';
import type { WorkerRole } from './worker-roles.ts';

export type TaskOutcome =
  | { kind: 'answered' }
  /** The model answered, but some of its tool calls were refused. */
  | { kind: 'refused'; calls: ToolEvent[] }
  | { kind: 'no-answer' }
  | { kind: 'failed'; message: string }
  | { kind: 'interrupted'; signal: ForwardedSignal };

/** Answered, but something the model wanted to do was not done: its report may rest on it. */
export const REFUSED_EXIT = 3;

export interface TaskRun {
  role: WorkerRole;
  model: string;
  executable: string;
  args: string[];
  workdir: string;
  env: Record<string, string>;
  prompt: string;
}

export function outcomeExitCode(outcome: TaskOutcome): number {
  switch (outcome.kind) {
    case 'answered':
      return 0;
    case 'refused':
      return REFUSED_EXIT;
    case 'no-answer':
    case 'failed':
      return 1;
    case 'interrupted':
      return signalExitCode(outcome.signal);
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}

export function outcomeMessage(role: WorkerRole, outcome: TaskOutcome): string | undefined {
  switch (outcome.kind) {
    case 'answered':
      return undefined;
    case 'refused': {
      const count = outcome.calls.length;
      return (
        `${role.command}: ${count} tool call${count === 1 ? ' was' : 's were'} refused (${role.access} worker; ` +
        'listed above) and did not run; the answer was given without them.'
      );
    }
    case 'no-answer':
      return `${role.command}: the model ended without an answer.`;
    case 'failed':
      return outcome.message;
    case 'interrupted':
      return `${role.command}: interrupted (${outcome.signal}).`;
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}

/** OpenCode's warning when `--agent` names no primary agent; it then runs its default agent instead. */
const AGENT_FALLBACK = /agent "[^"]+" (?:not found|is a subagent)|Falling back to default agent/;

/** Runs of OpenCode in all when each one before found its database locked at start (docs/opencode-cli.md#errors). */
export const LOCKED_DATABASE_TRIES = 3;
const LOCKED_DATABASE = /database is locked/i;

/**
 * OpenCode stopped before its session began because another OpenCode process held its database: it exited
 * non-zero having sent no event at all, and said so on stderr. Nothing ran, so running it again is safe.
 */
export function lockedAtStart(exitCode: number, sawEvent: boolean, stderrLines: readonly string[]): boolean {
  return exitCode !== 0 && !sawEvent && stderrLines.some((line) => LOCKED_DATABASE.test(line));
}

/** One run of OpenCode: its outcome, or that it found its database locked before it started. */
type Attempt = { kind: 'done'; outcome: TaskOutcome } | { kind: 'locked' };

/**
 * One task, run again (after a short random wait) while OpenCode finds its database locked before it starts: two
 * workers started together share OpenCode's data directory, and one of them may find it locked. A Ctrl-C (or
 * SIGTERM, SIGHUP) before a run or during the wait ends the task as interrupted, so the caller can still clean up
 * (the caller's latch listens from before the first run until its clean-up is done).
 */
export async function runTask(
  task: TaskRun,
  context: CliContext,
  signals: SignalLatch,
): Promise<TaskOutcome> {
  for (let run = 1; ; run += 1) {
    if (signals.received) return { kind: 'interrupted', signal: signals.received };
    const attempt = await runOnce(task, context, signals);
    if (attempt.kind === 'done') return attempt.outcome;
    if (signals.received) return { kind: 'interrupted', signal: signals.received };
    if (run === LOCKED_DATABASE_TRIES) {
      return {
        kind: 'failed',
        message:
          `${task.role.command}: OpenCode's database was locked by another OpenCode run each of ${run} times; ` +
          'try again once the other run is done.',
      };
    }
    context.stderr(
      `${task.role.command}: OpenCode's database was locked by another OpenCode run; starting again ` +
        `(${run + 1} of ${LOCKED_DATABASE_TRIES}).\n`,
    );
    const signal = await signals.waitUnlessReceived(200 + Math.floor(Math.random() * 800));
    if (signal) return { kind: 'interrupted', signal };
  }
}

async function runOnce(task: TaskRun, context: CliContext, signals: SignalLatch): Promise<Attempt> {
  const { role } = task;
  const refused: ToolEvent[] = [];
  const errors: RunError[] = [];
  const stderrLines: string[] = [];
  let answered = false;
  let sawEvent = false;

  const onEvent = (event: RunEvent) => {
    sawEvent = true;
    switch (event.type) {
      case 'text': {
        const text = event.text.trim();
        if (text === '') return;
        answered = true;
        context.stdout(`${text}\n`);
        return;
      }
      case 'tool': {
        const call = describeToolCall(event);
        if (isRefusal(event, role)) {
          refused.push(event);
          context.stderr(`  refused: ${call} — ${shortError(event.error)}\n`);
        } else if (event.status === 'error') {
          context.stderr(`  ${call} (failed: ${shortError(event.error)})\n`);
        } else {
          context.stderr(`  ${call}\n`);
        }
        return;
      }
      case 'error':
        errors.push(event);
        return;
      case 'step':
        return;
      case 'other':
        context.stderr(`opencode: ${event.line}\n`);
        return;
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${JSON.stringify(unknown)}`);
      }
    }
  };
  const onStderr = (line: string) => {
    stderrLines.push(line);
    if (AGENT_FALLBACK.test(line)) {
      context.stderr(
        `${role.command}: OpenCode did not load the worker's agent '${role.command}' (${line.trim()}); ` +
          'stopped, since its default agent does not have the worker’s permissions.\n',
      );
      return 'stop' as const;
    }
    context.stderr(`opencode: ${line}\n`);
    return undefined;
  };

  const exit = await runOpencode({
    executable: task.executable,
    args: task.args,
    cwd: task.workdir,
    env: task.env,
    prompt: task.prompt,
    onEvent,
    onStderr,
    signals,
  });
  const attempt = (outcome: TaskOutcome): Attempt => ({ kind: 'done', outcome });
  if (exit.interrupted) return attempt({ kind: 'interrupted', signal: exit.interrupted });
  if (exit.stopped)
    return attempt({ kind: 'failed', message: `${role.command}: stopped before the model ran.` });
  if (lockedAtStart(exit.code, sawEvent, [...stderrLines, ...exit.loggedErrors])) return { kind: 'locked' };
  const failure = { command: role.command, model: task.model };
  const error = errors[0];
  if (error) return attempt({ kind: 'failed', message: explainFailure(error, exit.loggedErrors, failure) });
  if (exit.code !== 0) {
    const cause = exit.loggedErrors.at(-1);
    return attempt({
      kind: 'failed',
      message: `${role.command}: opencode exited with code ${exit.code}${cause ? `: ${cause.split('\n')[0]}` : ''}`,
    });
  }
  if (!answered) return attempt({ kind: 'no-answer' });
  if (refused.length > 0) return attempt({ kind: 'refused', calls: refused });
  return attempt({ kind: 'answered' });
}
