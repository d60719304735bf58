/**
 * The `opencode run` command line for one worker task — the model as `opencode-go/<model>`, the role's agent, the
 * directory to work in, JSON events on stdout and error log lines on stderr (so the worker can tell what happened)
 * — and the prompt it gets on stdin: the role's preamble, notes about the place it works in, the task, and any
 * piped input, fenced.
 */
import { fenced } from './piped-input.ts';
import type { WorkerArgs } from './worker-args.ts';
import type { WorkerRole } from './worker-roles.ts';

export interface PromptParts {
  workdir: string;
  /** Sentences about the working directory (e.g. where dependencies come from). */
  notes?: readonly string[];
  pipedInput?: string;
}

export function taskPrompt(role: WorkerRole, task: string, parts: PromptParts): string {
  const sections = [
    role.preamble,
    [`Working directory: ${parts.workdir}`, ...(parts.notes ?? [])].join('\n'),
    `Task:\n${task}`,
  ];
  if (parts.pipedInput !== undefined) {
    sections.push(`Input (piped to ${role.command} on stdin):\n${fenced(parts.pipedInput)}`);
  }
  return `${sections.join('\n\n')}\n`;
}

export function opencodeRunArgs(role: WorkerRole, args: WorkerArgs, workdir: string): string[] {
  return [
    'run',
    '--format',
    'json',
    '--print-logs',
    '--log-level',
    'ERROR',
    '--model',
    `opencode-go/${args.model}`,
    '--agent',
    role.command,
    '--dir',
    workdir,
    '--title',
    `${role.command}: ${args.task.slice(0, 60)}`,
    ...args.extra,
  ];
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
