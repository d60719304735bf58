/**
 * One `opencode run` for a worker, watched: the model's text goes to stdout, each tool call to stderr as one line
 * (refused ones marked), and the run ends in an outcome the exit code and the last stderr line are made from.
 */
import type { CliContext } from '../command.ts';
import { explainFailure, type RunError } from './opencode-failures.ts';
import { type ForwardedSignal, runOpencode, signalExitCode } from './opencode-process.ts';
import type { RunEvent } from './run-events.ts';
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

export async function runTask(task: TaskRun, context: CliContext): Promise<TaskOutcome> {
  const { role } = task;
  const refused: ToolEvent[] = [];
  const errors: RunError[] = [];
  let answered = false;

  const onEvent = (event: RunEvent) => {
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
  });
  if (exit.interrupted) return { kind: 'interrupted', signal: exit.interrupted };
  if (exit.stopped) return { kind: 'failed', message: `${role.command}: stopped before the model ran.` };
  const failure = { command: role.command, model: task.model };
  const error = errors[0];
  if (error) return { kind: 'failed', message: explainFailure(error, exit.loggedErrors, failure) };
  if (exit.code !== 0) {
    const cause = exit.loggedErrors.at(-1);
    return {
      kind: 'failed',
      message: `${role.command}: opencode exited with code ${exit.code}${cause ? `: ${cause.split('\n')[0]}` : ''}`,
    };
  }
  if (!answered) return { kind: 'no-answer' };
  if (refused.length > 0) return { kind: 'refused', calls: refused };
  return { kind: 'answered' };
}
