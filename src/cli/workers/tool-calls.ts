/**
 * The model's tool calls as the worker shows them on stderr (one short line each), and which of them were refused:
 * a call to a tool the role denies as a whole, or one OpenCode turned down for its permission rules — a denied
 * pattern (a `.env` file, a path outside the worktree), a rejected request, or a tool it does not offer.
 */
import { decide, permissionFor } from './opencode-permissions.ts';
import type { RunEvent } from './run-events.ts';
import type { WorkerRole } from './worker-roles.ts';

export type ToolEvent = Extract<RunEvent, { type: 'tool' }>;

/**
 * Error texts of a call OpenCode did not run for its permissions or its tool list
 * (docs/opencode-cli.md#agents-and-permissions).
 */
const REFUSAL_ERRORS = [
  /rule which prevents you from using this specific tool call/i,
  /rejected permission to use this specific tool call/i,
  /unavailable tool/i,
];

export function isRefusal(event: ToolEvent, role: WorkerRole): boolean {
  if (event.status !== 'error') return false;
  if (decide(permissionFor(role.access), event.tool) === 'deny') return true;
  return REFUSAL_ERRORS.some((pattern) => pattern.test(event.error ?? ''));
}

const ARGUMENT_KEYS = ['command', 'filePath', 'path', 'pattern', 'url', 'query', 'description'] as const;

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function describeToolCall(event: ToolEvent): string {
  if (event.tool === 'bash' && typeof event.input.command === 'string')
    return `$ ${oneLine(event.input.command)}`;
  const key = ARGUMENT_KEYS.find((name) => typeof event.input[name] === 'string');
  const argument = key ? String(event.input[key]) : JSON.stringify(event.input);
  return oneLine(`${event.tool} ${argument}`);
}

/** The first sentence of OpenCode's error (its permission errors go on to list every rule). */
export function shortError(error: string | undefined): string {
  const first = (error ?? 'failed').split(/(?<=\.)\s/)[0] ?? '';
  return oneLine(first, 200);
}
