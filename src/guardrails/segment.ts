/**
 * What to do when one upstream call of a guarded request has ended: pass its tool calls on (minus duplicates of
 * calls already answered, and minus calls over the per-turn cap), re-ask the model once with a note (it only
 * repeated calls, or only announced what it would do), or end the response incomplete with the reason. A task
 * mode's checks come first (no_tool_exact: the answer against its required exact form, src/modes). Pure.
 */
import { decideExactOutput } from '../modes/exact-output.ts';
import type { InputItem } from '../responses/input-items.ts';
import type { HeldCall } from '../translate/stream.ts';
import { customToolInput } from '../translate/stream-items.ts';
import { callKey } from './history-facts.ts';
import { isNonTerminalAnswer, NON_TERMINAL_NUDGE } from './intent.ts';
import type { ResponseGuardrails } from './plan.ts';

export interface EndedSegment {
  calls: readonly HeldCall[];
  text: string;
  reasoning: string;
}

export type SegmentDecision =
  | { kind: 'finish'; release: HeldCall[]; dropped: string[] }
  | { kind: 'reask'; append: InputItem[]; why: string }
  | {
      kind: 'incomplete';
      reason: 'repeated_tool_calls' | 'non_terminal_answer' | 'exact_output_mismatch';
      why: string;
    };

/** Checks a task mode adds (src/modes): no_tool_exact's required answer. */
export interface SegmentChecks {
  exactOutput?: string;
}

function keyOf(call: HeldCall): string {
  const args = call.binding.kind === 'custom' ? customToolInput(call.arguments) : call.arguments;
  return callKey(call.binding.name, args);
}

function reasoningItem(text: string): InputItem[] {
  return text ? [{ type: 'reasoning', id: undefined, text, encryptedContent: undefined }] : [];
}

function duplicateNote(earlierCallId: string): string {
  return (
    `[opencode-bridge] Not run: this exact call was already made (call ${earlierCallId}) and its output is earlier ` +
    'in this conversation. Use that output; call a tool again only with different arguments.'
  );
}

export function decideSegment(
  segment: EndedSegment,
  guardrails: ResponseGuardrails,
  alreadyReasked: boolean,
  checks: SegmentChecks = {},
): SegmentDecision {
  if (checks.exactOutput !== undefined) return decideExactOutput(segment, checks.exactOutput, alreadyReasked);
  if (segment.calls.length > 0) {
    const earlier = (call: HeldCall) => guardrails.answeredCalls?.get(keyOf(call));
    const fresh = segment.calls.filter((call) => earlier(call) === undefined);
    const duplicates = segment.calls.filter((call) => earlier(call) !== undefined);
    if (fresh.length > 0) {
      const cap = guardrails.maxToolCallsPerTurn ?? fresh.length;
      const release = fresh.slice(0, cap);
      const dropped = [
        ...duplicates.map(
          (call) =>
            `duplicate of call ${earlier(call)}: ${call.binding.name} ${call.arguments.slice(0, 120)}`,
        ),
        ...fresh
          .slice(cap)
          .map(
            (call) =>
              `over OSS_NATIVE_MAX_TOOL_EXCHANGES=${cap}: ${call.binding.name} ${call.arguments.slice(0, 120)}`,
          ),
      ];
      return { kind: 'finish', release, dropped };
    }
    if (alreadyReasked) {
      return {
        kind: 'incomplete',
        reason: 'repeated_tool_calls',
        why: 'the model repeated tool calls it had already made, even after a note',
      };
    }
    const append: InputItem[] = [...reasoningItem(segment.reasoning)];
    for (const call of duplicates) {
      append.push(
        call.binding.kind === 'custom'
          ? {
              type: 'custom_tool_call',
              callId: call.callId,
              name: call.binding.name,
              namespace: call.binding.namespace,
              input: customToolInput(call.arguments),
            }
          : {
              type: 'function_call',
              callId: call.callId,
              name: call.binding.name,
              namespace: call.binding.namespace,
              arguments: call.arguments,
            },
      );
    }
    for (const call of duplicates) {
      append.push({
        type: 'tool_output',
        callId: call.callId,
        output: [{ type: 'text', text: duplicateNote(earlier(call) as string) }],
      });
    }
    return {
      kind: 'reask',
      append,
      why: `${duplicates.length} duplicate tool call(s) not forwarded; model re-asked`,
    };
  }
  if (guardrails.retryNonTerminal && isNonTerminalAnswer(segment.text)) {
    if (alreadyReasked) {
      return {
        kind: 'incomplete',
        reason: 'non_terminal_answer',
        why: 'the model only announced what it would do, twice',
      };
    }
    return {
      kind: 'reask',
      append: [
        ...reasoningItem(segment.reasoning),
        { type: 'message', role: 'assistant', content: [{ type: 'text', text: segment.text }] },
        { type: 'message', role: 'user', content: [{ type: 'text', text: NON_TERMINAL_NUDGE }] },
      ],
      why: 'the answer only announced an action; model re-asked once',
    };
  }
  return { kind: 'finish', release: [], dropped: [] };
}
