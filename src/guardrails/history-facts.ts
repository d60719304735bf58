/**
 * What the history says about the task so far: the calls already answered (for duplicate suppression), the tool
 * turns used (for the budget) and the evidence gathered (for the ledger). Counted from the last user message, which
 * for a Codex subagent is its task.
 */
import type { InputItem } from '../responses/input-items.ts';

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

type CallItem = Extract<InputItem, { type: 'function_call' | 'custom_tool_call' }>;

function lastUserMessage(items: readonly InputItem[]): number {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item?.type === 'message' && item.role === 'user') return index;
  }
  return -1;
}

export function historyFacts(items: readonly InputItem[]): HistoryFacts {
  const since = items.slice(lastUserMessage(items) + 1);
  const outputs = new Set(since.flatMap((item) => (item.type === 'tool_output' ? [item.callId] : [])));
  const answered: AnsweredCall[] = [];
  let toolTurns = 0;
  let inTurn = false;
  for (const item of since) {
    if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      if (!inTurn) toolTurns += 1;
      inTurn = true;
      if (outputs.has(item.callId))
        answered.push({ callId: item.callId, name: item.name, arguments: argumentsOf(item) });
    } else if (item.type !== 'reasoning') {
      inTurn = false;
    }
  }
  return { toolTurns, answered };
}

function argumentsOf(item: CallItem): string {
  return item.type === 'function_call' ? item.arguments : item.input;
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
