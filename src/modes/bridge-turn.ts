/**
 * The Responses events of a turn the bridge answers itself, without calling a model: tool calls for Codex to run
 * (evidence reads, exact writes, read-backs) or the bridge's labelled verification report. The same event shapes
 * and order the stream translator emits for a model's turn (created, in_progress, added → deltas → done per item,
 * one terminal event), with `usage: null` (no tokens were spent, none are invented) and a Response `model` and
 * `metadata` that say the bridge wrote it.
 */

import type { ResponseEcho } from '../responses/echo.ts';
import type {
  ItemStatus,
  OutputItem,
  ResponseEvent,
  ResponseEventBody,
  ResponseObject,
  ResponseStatus,
} from '../responses/output.ts';

export type BridgeToolCall =
  | { type: 'function_call'; callId: string; name: string; arguments: string }
  | { type: 'custom_tool_call'; callId: string; name: string; input: string };

export const BRIDGE_LABEL = '[opencode-bridge';

export interface BridgeTurn {
  /** Who answered: the bridge, never a model name (e.g. `opencode-bridge/context-pack`). */
  model: string;
  calls: BridgeToolCall[];
  /** A message the bridge writes; it must open with its `[opencode-bridge …]` label. */
  message?: string;
  /** Merged into the Response `metadata`: what the bridge did. */
  metadata: Record<string, string>;
}

export interface TurnFrame {
  responseId: string;
  createdAt: number;
  echo: ResponseEcho;
}

export function bridgeTurnEvents(
  turn: BridgeTurn,
  frame: TurnFrame,
): { events: ResponseEvent[]; response: ResponseObject } {
  if (turn.message !== undefined && !turn.message.startsWith(BRIDGE_LABEL))
    throw new Error('a message written by the bridge must open with its [opencode-bridge …] label');
  const events: ResponseEvent[] = [];
  const emit = (body: ResponseEventBody) => {
    events.push({ ...body, sequence_number: events.length } as ResponseEvent);
  };
  const stem = frame.responseId.replace(/^resp_/, '');
  const output: OutputItem[] = [];
  const snapshot = (status: ResponseStatus): ResponseObject => ({
    id: frame.responseId,
    object: 'response',
    created_at: frame.createdAt,
    status,
    model: turn.model,
    output: status === 'in_progress' ? [] : output,
    usage: null,
    error: null,
    incomplete_details: null,
    text: { format: { type: 'text' } },
    ...frame.echo,
    metadata: { ...frame.echo.metadata, ...turn.metadata },
  });
  emit({ type: 'response.created', response: snapshot('in_progress') });
  emit({ type: 'response.in_progress', response: snapshot('in_progress') });
  for (const call of turn.calls) {
    const index = output.length;
    const base = {
      item_id: `${call.type === 'function_call' ? 'fc' : 'ctc'}_${stem}_${index + 1}`,
      output_index: index,
    };
    const done = toolCallItem(call, base.item_id, 'completed');
    emit({
      type: 'response.output_item.added',
      output_index: index,
      item: toolCallItem(call, base.item_id, 'in_progress', true),
    });
    if (call.type === 'function_call') {
      emit({ type: 'response.function_call_arguments.delta', ...base, delta: call.arguments });
      emit({ type: 'response.function_call_arguments.done', ...base, arguments: call.arguments });
    } else {
      emit({ type: 'response.custom_tool_call_input.delta', ...base, delta: call.input });
      emit({ type: 'response.custom_tool_call_input.done', ...base, input: call.input });
    }
    emit({ type: 'response.output_item.done', output_index: index, item: done });
    output.push(done);
  }
  if (turn.message !== undefined) {
    const index = output.length;
    const id = `msg_${stem}_${index + 1}`;
    const base = { item_id: id, output_index: index, content_index: 0 };
    const part = { type: 'output_text' as const, text: turn.message, annotations: [] as [] };
    const done: OutputItem = { type: 'message', id, role: 'assistant', status: 'completed', content: [part] };
    emit({
      type: 'response.output_item.added',
      output_index: index,
      item: { ...done, status: 'in_progress', content: [] },
    });
    emit({ type: 'response.content_part.added', ...base, part: { ...part, text: '' } });
    emit({ type: 'response.output_text.delta', ...base, delta: turn.message, logprobs: [] });
    emit({ type: 'response.output_text.done', ...base, text: turn.message, logprobs: [] });
    emit({ type: 'response.content_part.done', ...base, part });
    emit({ type: 'response.output_item.done', output_index: index, item: done });
    output.push(done);
  }
  const response = snapshot('completed');
  emit({ type: 'response.completed', response });
  return { events, response };
}

/** An added item carries no arguments yet: they follow as deltas, as in a model's turn. */
function toolCallItem(call: BridgeToolCall, id: string, status: ItemStatus, empty = false): OutputItem {
  return call.type === 'function_call'
    ? {
        type: 'function_call',
        id,
        call_id: call.callId,
        name: call.name,
        arguments: empty ? '' : call.arguments,
        status,
      }
    : {
        type: 'custom_tool_call',
        id,
        call_id: call.callId,
        name: call.name,
        input: empty ? '' : call.input,
        status,
      };
}
