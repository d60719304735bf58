import { describe, expect, it } from 'vitest';
import { INACTIVE_PLAN } from '../guardrails/plan.ts';
import { decideSegment } from '../guardrails/segment.ts';
import type { HeldCall } from '../translate/stream-segments.ts';
import {
  decideExactOutput,
  exactMismatchNote,
  exactOutputCheck,
  exactOutputInstruction,
  matchesExactOutput,
} from './exact-output.ts';

const segment = (text: string, calls: HeldCall[] = []) => ({ text, reasoning: 'thinking', calls });

describe('exact output', () => {
  it('gives the model the required form between marker lines, labelled as the bridge’s', () => {
    expect(exactOutputInstruction('  VERSION=1.4.2\n')).toBe(
      '[opencode-bridge] This task requires an exact output. Your whole answer must be exactly the text between the ' +
        'two marker lines below (not the marker lines themselves): no words before or after it, no code fences, no ' +
        'quotes, no explanation. No tools are available.\n' +
        '----- BEGIN EXACT OUTPUT -----\nVERSION=1.4.2\n----- END EXACT OUTPUT -----',
    );
  });

  it('compares trimmed text', () => {
    expect(matchesExactOutput('\nVERSION=1.4.2  \n', 'VERSION=1.4.2')).toBe(true);
    expect(matchesExactOutput('The answer is VERSION=1.4.2', 'VERSION=1.4.2')).toBe(false);
  });

  it('points at the first difference', () => {
    expect(exactMismatchNote('VERSION=1.4.3', 'VERSION=1.4.2')).toContain(
      'differs from character 13 on (expected "2", got "3")',
    );
  });

  it('finishes on a match, re-asks once with the note, then ends incomplete', () => {
    expect(decideExactOutput(segment('OK'), 'OK', false)).toEqual({
      kind: 'finish',
      release: [],
      dropped: [],
    });
    const reask = decideExactOutput(segment('Sure! OK'), 'OK', false);
    expect(reask).toMatchObject({ kind: 'reask' });
    if (reask.kind !== 'reask') throw new Error('expected a re-ask');
    expect(reask.append).toEqual([
      { type: 'reasoning', id: undefined, text: 'thinking', encryptedContent: undefined },
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Sure! OK' }] },
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'text', text: exactMismatchNote('Sure! OK', 'OK') }],
      },
    ]);
    expect(decideExactOutput(segment('Sure! OK'), 'OK', true)).toEqual({
      kind: 'incomplete',
      reason: 'exact_output_mismatch',
      why: 'the answer differed from the required exact output, even after a note',
    });
  });

  it('never forwards a tool call in a no-tools exact task', () => {
    const call: HeldCall = {
      callId: 'c1',
      binding: { kind: 'function', name: 'exec_command' },
      arguments: '{}',
    };
    expect(decideExactOutput(segment('OK', [call]), 'OK', false)).toMatchObject({
      kind: 'finish',
      release: [],
      dropped: ['tool call in a no-tools exact-output task: exec_command {}'],
    });
  });

  it('is what decideSegment applies when a mode asks for an exact output', () => {
    const response = INACTIVE_PLAN.response;
    expect(
      decideSegment(segment('I will now answer.'), response, false, {
        answerCheck: exactOutputCheck('I will now answer.'),
      }),
    ).toMatchObject({
      kind: 'finish',
    });
    expect(
      decideSegment(segment('nope'), response, true, { answerCheck: exactOutputCheck('OK') }),
    ).toMatchObject({
      kind: 'incomplete',
      reason: 'exact_output_mismatch',
    });
  });
});
