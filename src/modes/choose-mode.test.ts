import { describe, expect, it } from 'vitest';
import { chooseMode } from './choose-mode.ts';
import { type Handoff, parseHandoff } from './handoff.ts';

const markers = (lines: string[]): Handoff => {
  const handoff = parseHandoff(lines.join('\n'));
  if (!handoff) throw new Error('no handoff');
  return handoff;
};
const block = (json: unknown): Handoff => markers(['```codex-oss-handoff', JSON.stringify(json), '```']);

describe('chooseMode from the markers', () => {
  it('picks context_pack_report for a read-only task over named files with a deliverable', () => {
    const handoff = markers([
      'TASK: Summarise the failures.',
      'READ-ONLY PATHS: test-output.txt, src/parser.ts',
      'OWNED PATHS: none',
      'DELIVERABLE: the grouped list.',
    ]);
    expect(chooseMode(handoff)).toBe('context_pack_report');
  });

  it('counts a read-only task without an OWNED PATHS line as read-only', () => {
    expect(chooseMode(markers(['READ-ONLY PATHS: a.md', 'DELIVERABLE: a summary']))).toBe(
      'context_pack_report',
    );
  });

  for (const [why, lines] of [
    ['a directory', ['READ-ONLY PATHS: src/, config/', 'OWNED PATHS: none', 'DELIVERABLE: a list']],
    ['a glob', ['READ-ONLY PATHS: src/*.ts', 'OWNED PATHS: none', 'DELIVERABLE: a list']],
    [
      'a name without an extension',
      ['READ-ONLY PATHS: Makefile', 'OWNED PATHS: none', 'DELIVERABLE: a list'],
    ],
    ['owned paths', ['READ-ONLY PATHS: src/a.ts', 'OWNED PATHS: src/a.ts', 'DELIVERABLE: the change']],
    ['no deliverable', ['READ-ONLY PATHS: src/a.ts', 'OWNED PATHS: none']],
    ['no read-only paths', ['OWNED PATHS: none', 'DELIVERABLE: an answer']],
    ['a grep step over a directory', ['READ-ONLY PATHS: a.md', 'DELIVERABLE: x', 'grep TODO in src/']],
  ] as const) {
    it(`picks managed_autonomy for any other handoff: ${why}`, () => {
      expect(chooseMode(markers([...lines]))).toBe('managed_autonomy');
    });
  }
});

describe('chooseMode from the block', () => {
  it("takes the block's mode", () => {
    expect(chooseMode(block({ mode: 'managed_autonomy', read_only_paths: ['a.md'], deliverable: 'x' }))).toBe(
      'managed_autonomy',
    );
    expect(chooseMode(block({ mode: 'no_tool_exact', exact_output: 'OK' }))).toBe('no_tool_exact');
    expect(chooseMode(block({ mode: 'context_pack_report', steps: [{ read: 'Makefile' }] }))).toBe(
      'context_pack_report',
    );
  });

  it('falls back to the marker rules when the block gives no mode', () => {
    expect(chooseMode(block({ read_only_paths: ['a.md'], deliverable: 'a summary' }))).toBe(
      'context_pack_report',
    );
  });

  for (const [json, problem] of [
    [
      { writes: [{ path: 'a', content: '' }], owned_paths: ['a'] },
      '"writes" is only allowed with "mode": "bounded_write_exact"',
    ],
    [
      { mode: 'managed_autonomy', exact_output: 'x' },
      '"exact_output" is only allowed with "mode": "no_tool_exact"',
    ],
    [{ mode: 'bounded_write_exact', owned_paths: ['out/'] }, 'mode bounded_write_exact needs "writes"'],
    [{ mode: 'bounded_write_exact', writes: [{ path: 'a', content: '' }] }, 'needs "owned_paths"'],
    [{ mode: 'no_tool_exact' }, 'mode no_tool_exact needs "exact_output"'],
    [{ mode: 'context_pack_report' }, 'needs "steps" or "read_only_paths" naming files'],
    [{ mode: 'context_pack_report', read_only_paths: ['src/'] }, '"src/" in read_only_paths is not one'],
  ] as const) {
    it(`refuses an inconsistent block with a 400: ${problem}`, () => {
      expect(() => chooseMode(block(json))).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid_handoff' }),
      );
      expect(() => chooseMode(block(json))).toThrow(problem);
    });
  }
});
