/**
 * The pieces of the stream translator that are plain data and pure functions: the state kept per output item, and
 * how an item becomes a Responses output item (tool calls of each kind, usage sums).
 */
import type { OutputItem, ResponseUsage } from '../responses/output.ts';
import type { ChatDelta } from '../upstream/chat-types.ts';
import type { ToolBinding } from './tools.ts';

export interface ReasoningState {
  kind: 'reasoning';
  index: number;
  id: string;
  text: string;
  /** Anthropic wire: the thinking block's signature, or the data of a redacted_thinking block. */
  signature: string;
  redacted: string | undefined;
  /** encrypted_content, sealed once when the item is done. */
  sealed: string | null;
  done: boolean;
}

export interface MessageState {
  kind: 'message';
  index: number;
  id: string;
  text: string;
  status: 'completed' | 'incomplete';
  done: boolean;
}

export interface ToolCallState {
  kind: 'tool';
  chatIndex: number;
  index: number | undefined;
  id: string;
  callId: string | undefined;
  name: string;
  args: string;
  binding: ToolBinding | undefined;
  status: 'completed' | 'incomplete';
  done: boolean;
}

export type ItemState = ReasoningState | MessageState | ToolCallState;

export const ITEM_PREFIX: Record<ToolBinding['kind'], string> = {
  function: 'fc',
  custom: 'ctc',
  local_shell: 'lsc',
  tool_search: 'tsc',
};

/** Tokens of several upstream calls, all added up: what was billed. */
export function summedUsage(a: ResponseUsage | null, b: ResponseUsage | null): ResponseUsage | null {
  if (!a || !b) return a ?? b;
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    input_tokens_details: {
      cached_tokens: a.input_tokens_details.cached_tokens + b.input_tokens_details.cached_tokens,
    },
    output_tokens: a.output_tokens + b.output_tokens,
    output_tokens_details: {
      reasoning_tokens: a.output_tokens_details.reasoning_tokens + b.output_tokens_details.reasoning_tokens,
    },
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/**
 * Usage of a response made of several upstream calls (a guardrail re-asked the model). Codex reads `input_tokens`
 * as the size of the context and `total_tokens` for its compaction threshold, so input is the later call's (which
 * already contains the earlier one's context), while output and reasoning tokens add up.
 */
export function continuedUsage(
  earlier: ResponseUsage | null,
  later: ResponseUsage | null,
): ResponseUsage | null {
  if (!earlier || !later) return earlier ?? later;
  const outputTokens = earlier.output_tokens + later.output_tokens;
  return {
    input_tokens: later.input_tokens,
    input_tokens_details: { cached_tokens: later.input_tokens_details.cached_tokens },
    output_tokens: outputTokens,
    output_tokens_details: {
      reasoning_tokens:
        earlier.output_tokens_details.reasoning_tokens + later.output_tokens_details.reasoning_tokens,
    },
    total_tokens: later.input_tokens + outputTokens,
  };
}

export function reasoningDetailsText(details: ChatDelta['reasoning_details']): string {
  if (!Array.isArray(details)) return '';
  return details.map((detail) => (typeof detail?.text === 'string' ? detail.text : '')).join('');
}

/** The raw text of a custom tool call: the model was asked for `{"input": "..."}`, but may send the raw text. */
export function customToolInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'string') return parsed;
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      if (typeof record.input === 'string') return record.input;
      const strings = Object.values(record).filter((value): value is string => typeof value === 'string');
      if (strings.length === 1) return strings[0] as string;
    }
  } catch {
    // Not JSON: the model sent the raw input itself.
  }
  return args;
}

export function localShellAction(args: string) {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(args);
    if (value && typeof value === 'object') parsed = value as Record<string, unknown>;
  } catch {
    // A broken argument string becomes an empty command; Codex reports the failure to the model.
  }
  const command = Array.isArray(parsed.command)
    ? parsed.command.map(String)
    : typeof parsed.command === 'string'
      ? ['bash', '-lc', parsed.command]
      : [];
  return {
    type: 'exec' as const,
    command,
    env: {},
    ...(typeof parsed.working_directory === 'string' ? { working_directory: parsed.working_directory } : {}),
    ...(typeof parsed.timeout_ms === 'number' ? { timeout_ms: parsed.timeout_ms } : {}),
  };
}

/** Codex's tool_search_call carries its arguments as a JSON object; text that is not one becomes `{}`. */
export function toolSearchArguments(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Broken arguments: Codex reports the failed search to the model.
  }
  return {};
}

export function toolOutputItem(
  call: ToolCallState,
  status: 'completed' | 'incomplete' | 'in_progress',
  empty: boolean,
): OutputItem {
  const binding = call.binding as ToolBinding;
  const namespace = binding.namespace ? { namespace: binding.namespace } : {};
  const callId = call.callId as string;
  switch (binding.kind) {
    case 'function':
      return {
        type: 'function_call',
        id: call.id,
        call_id: callId,
        name: binding.name,
        arguments: empty ? '' : call.args,
        status,
        ...namespace,
      };
    case 'custom':
      return {
        type: 'custom_tool_call',
        id: call.id,
        call_id: callId,
        name: binding.name,
        input: empty ? '' : customToolInput(call.args),
        status,
        ...namespace,
      };
    case 'local_shell':
      return {
        type: 'local_shell_call',
        id: call.id,
        call_id: callId,
        status,
        action: localShellAction(call.args),
      };
    case 'tool_search':
      return {
        type: 'tool_search_call',
        id: call.id,
        call_id: callId,
        status,
        execution: 'client',
        arguments: toolSearchArguments(call.args),
      };
  }
}
