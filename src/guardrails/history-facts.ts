/**
 * What the history says about the task so far: the calls already answered since the last call that may have
 * changed something (for duplicate suppression) and the tool turns used (for the budget). Counted from the last user
 * message, which for a Codex subagent is its task.
 */
import { type InputItem, messageText } from '../responses/input-items.ts';

export interface AnsweredCall {
  callId: string;
  name: string;
  arguments: string;
}

export interface HistoryFacts {
  /** Assistant turns with tool calls since the last user message. */
  toolTurns: number;
  answered: AnsweredCall[];
}

type CallItem = Extract<InputItem, { type: 'function_call' | 'custom_tool_call' | 'tool_search_call' }>;

function lastUserMessage(items: readonly InputItem[]): number {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item?.type === 'message' && item.role === 'user') return index;
  }
  return -1;
}

/**
 * Codex's own compaction turn: the full history plus a last user message asking for a handoff summary
 * (docs/codex-client.md#compaction). Not agent work, so no guardrail or mode applies to it.
 */
export function isCompactionRequest(items: readonly InputItem[]): boolean {
  return messageText(items[lastUserMessage(items)]).includes('CONTEXT CHECKPOINT COMPACTION');
}

/** The user message Codex puts in place of the history after a compaction: a summary, not a task. */
export function isCompactionSummary(text: string): boolean {
  return text.trimStart().startsWith('Another language model started to solve this problem');
}

/** Commands that only look: repeating one with nothing changed in between cannot give a different answer. */
const READ_ONLY_COMMAND =
  /^\s*(cat|ls|ll|head|tail|wc|nl|file|stat|pwd|tree|find|rg|grep|egrep|fgrep|ag|sed -n|jq|git (status|diff|log|show|blame|ls-files|grep|rev-parse))\b/;
/** Options that turn a looking command into one that acts (`find -delete`, `find -exec`). */
const ACTING_OPTION = /\s-(exec|execdir|ok|okdir|delete|fprint|fprintf|fls)\b/;

/**
 * Whether a call may change what later calls see (an edit, a build, a test run, an unknown tool). After such a
 * call, repeating an earlier call is legitimate (re-running the tests after an edit), so it starts a new window.
 */
export function mayChangeState(name: string, args: string): boolean {
  if (name === 'view_image') return false;
  if (name !== 'exec_command' && name !== 'shell' && name !== 'shell_command') return true;
  let command = '';
  try {
    const parsed = JSON.parse(args) as { cmd?: unknown; command?: unknown };
    command =
      typeof parsed.cmd === 'string'
        ? parsed.cmd
        : Array.isArray(parsed.command)
          ? parsed.command.join(' ')
          : String(parsed.command ?? '');
  } catch {
    return true;
  }
  return !READ_ONLY_COMMAND.test(command) || /[;&|>`$]/.test(command) || ACTING_OPTION.test(command);
}

export function historyFacts(items: readonly InputItem[]): HistoryFacts {
  const since = items.slice(lastUserMessage(items) + 1);
  const outputs = new Set(since.flatMap((item) => (item.type === 'tool_output' ? [item.callId] : [])));
  let answered: AnsweredCall[] = [];
  let toolTurns = 0;
  let inTurn = false;
  for (const item of since) {
    if (
      item.type === 'function_call' ||
      item.type === 'custom_tool_call' ||
      item.type === 'tool_search_call'
    ) {
      if (!inTurn) toolTurns += 1;
      inTurn = true;
      const name = item.type === 'tool_search_call' ? 'tool_search' : item.name;
      const call = { callId: item.callId, name, arguments: argumentsOf(item) };
      // A call that may change state opens a new window: only looking calls after it count as already answered.
      // It is not one itself: polling a running command or re-running a build legitimately repeats.
      if (item.type === 'custom_tool_call' || mayChangeState(call.name, call.arguments)) answered = [];
      else if (outputs.has(item.callId)) answered.push(call);
    } else if (item.type !== 'reasoning') {
      inTurn = false;
    }
  }
  return { toolTurns, answered };
}

function argumentsOf(item: CallItem): string {
  return item.type === 'custom_tool_call' ? item.input : item.arguments;
}

/** Two calls are the same when their tool and their arguments (as parsed JSON, key order ignored) are. */
export function callKey(name: string, args: string): string {
  return `${name}\u0000${canonicalJson(args)}`;
}

function canonicalJson(args: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(args)));
  } catch {
    return args.trim();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
