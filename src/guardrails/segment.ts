/**
 * What to do when one upstream call of a guarded request has ended: pass its tool calls on (minus duplicates of
 * calls already answered, and minus calls over the per-turn cap), re-ask the model once with a note (it only
 * repeated calls, or only announced what it would do), or end the response incomplete with the reason. A task
 * mode's answer check comes first (no_tool_exact's exact form, src/modes, handed in by the pipeline). Pure.
 */
import type { InputItem } from '../responses/input-items.ts';
import { customToolInput } from '../translate/stream-items.ts';
import type { HeldCall } from '../translate/stream-segments.ts';
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
      reason:
        | 'repeated_tool_calls'
        | 'non_terminal_answer'
        | 'exact_output_mismatch'
        | 'tool_call_without_tools';
      why: string;
    };

/** A task mode's own verdict on an ended segment (src/modes: no_tool_exact's required answer). */
export type AnswerCheck = (segment: EndedSegment, alreadyReasked: boolean) => SegmentDecision;

/** Checks beyond the guardrails' own. */
export interface SegmentChecks {
  answerCheck?: AnswerCheck;
  /** The turn offered no tools (budget spent, a mode's no-tools turn, STRIP_TOOLS): any call is not run. */
  noTools?: boolean;
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
  if (checks.answerCheck) return checks.answerCheck(segment, alreadyReasked);
  if (checks.noTools && segment.calls.length > 0) return decideCallsWithoutTools(segment, alreadyReasked);
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

/** The model called a tool on a turn that offered none: nothing is run; it is asked once for its answer. */
function decideCallsWithoutTools(segment: EndedSegment, alreadyReasked: boolean): SegmentDecision {
  const names = [...new Set(segment.calls.map((call) => call.binding.name))].join(', ');
  if (alreadyReasked) {
    return {
      kind: 'incomplete',
      reason: 'tool_call_without_tools',
      why: `the model called ${names} on a turn without tools, even after a note`,
    };
  }
  const note =
    `[opencode-bridge] This turn has no tools, so your call to ${names} was not run. ` +
    'Give your final answer now, from the evidence above.';
  return {
    kind: 'reask',
    append: [
      ...reasoningItem(segment.reasoning),
      ...(segment.text
        ? [
            {
              type: 'message' as const,
              role: 'assistant' as const,
              content: [{ type: 'text' as const, text: segment.text }],
            },
          ]
        : []),
      { type: 'message', role: 'user', content: [{ type: 'text', text: note }] },
    ],
    why: `tool call(s) to ${names} on a turn without tools not forwarded; model re-asked`,
  };
}
