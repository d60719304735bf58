/**
 * The `opencode run` command line for one worker task: the model as `opencode-go/<model>`, the OpenCode agent that
 * fits the role, the directory to work in, and the prompt — the role's preamble followed by the task.
 */
import type { WorkerArgs } from './worker-args.ts';
import type { WorkerRole } from './worker-roles.ts';

export function taskPrompt(role: WorkerRole, task: string, workdir: string): string {
  return `${role.preamble}\n\nWorking directory: ${workdir}\n\nTask:\n${task}\n`;
}

export function opencodeRunArgs(role: WorkerRole, args: WorkerArgs, workdir: string): string[] {
  return [
    'run',
    '--model',
    `opencode-go/${args.model}`,
    '--agent',
    role.agent,
    '--dir',
    workdir,
    '--title',
    `${role.command}: ${args.task.slice(0, 60)}`,
    ...args.extra,
    taskPrompt(role, args.task, workdir),
  ];
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
