/**
 * no_tool_exact: the task's answer has one exact required form. The model still writes it — called without tools,
 * with an `[opencode-bridge]` instruction that gives the form — and the bridge compares its answer (trimmed) with
 * the required text: a mismatch is re-asked once with a note saying where it differs; a second mismatch ends the
 * response incomplete (`exact_output_mismatch`). Pure.
 */

import type { AnswerCheck, EndedSegment, SegmentDecision } from '../guardrails/segment.ts';
import type { InputItem } from '../responses/input-items.ts';

export function exactOutputInstruction(exact: string): string {
  return (
    '[opencode-bridge] This task requires an exact output. Your whole answer must be exactly the text between the ' +
    'two marker lines below (not the marker lines themselves): no words before or after it, no code fences, no ' +
    'quotes, no explanation. No tools are available.\n' +
    `----- BEGIN EXACT OUTPUT -----\n${exact.trim()}\n----- END EXACT OUTPUT -----`
  );
}

export function matchesExactOutput(answer: string, exact: string): boolean {
  return answer.trim() === exact.trim();
}

function firstDifference(answer: string, exact: string): number {
  let index = 0;
  while (index < answer.length && index < exact.length && answer[index] === exact[index]) index++;
  return index;
}

export function exactMismatchNote(answer: string, exact: string): string {
  const got = answer.trim();
  const want = exact.trim();
  const at = firstDifference(got, want);
  const excerpt = (text: string) => JSON.stringify(text.slice(at, at + 40));
  return (
    '[opencode-bridge] Your answer is not the required exact output: it differs from character ' +
    `${at + 1} on (expected ${excerpt(want)}, got ${excerpt(got)}). Reply again with exactly the required text ` +
    'from the instruction, and nothing else.'
  );
}

/** The answer check of an exact-output task, for the guardrails' segment decision. */
export function exactOutputCheck(exact: string): AnswerCheck {
  return (segment, alreadyReasked) => decideExactOutput(segment, exact, alreadyReasked);
}

/** The segment decision for an exact-output task (its answer is final text: tool calls are never forwarded). */
export function decideExactOutput(
  segment: EndedSegment,
  exact: string,
  alreadyReasked: boolean,
): SegmentDecision {
  const dropped = segment.calls.map(
    (call) =>
      `tool call in a no-tools exact-output task: ${call.binding.name} ${call.arguments.slice(0, 120)}`,
  );
  if (matchesExactOutput(segment.text, exact)) return { kind: 'finish', release: [], dropped };
  if (alreadyReasked)
    return {
      kind: 'incomplete',
      reason: 'exact_output_mismatch',
      why: 'the answer differed from the required exact output, even after a note',
    };
  const append: InputItem[] = [
    ...(segment.reasoning
      ? [{ type: 'reasoning' as const, id: undefined, text: segment.reasoning, encryptedContent: undefined }]
      : []),
    ...(segment.text
      ? [
          {
            type: 'message' as const,
            role: 'assistant' as const,
            content: [{ type: 'text' as const, text: segment.text }],
          },
        ]
      : []),
    {
      type: 'message',
      role: 'user',
      content: [{ type: 'text', text: exactMismatchNote(segment.text, exact) }],
    },
  ];
  return {
    kind: 'reask',
    append,
    why: `the answer differed from the required exact output; model re-asked once${dropped.length ? ` (${dropped.length} tool call(s) not forwarded)` : ''}`,
  };
}
