import { describe, expect, it } from 'vitest';
import type { ResponseUsage } from '../responses/output.ts';
import { continuedUsage, summedUsage, UsageTally } from './usage.ts';

const usage = (input: number, output: number, reasoning = 0, cached = 0): ResponseUsage => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: cached },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: reasoning },
  total_tokens: input + output,
});

describe('summedUsage and continuedUsage', () => {
  it('adds every count up for what was billed', () => {
    expect(summedUsage(usage(100, 10, 4, 50), usage(120, 20, 6, 60))).toEqual(usage(220, 30, 10, 110));
  });

  it("reports a continued response with the later call's context and both calls' output", () => {
    expect(continuedUsage(usage(100, 10, 4, 50), usage(120, 20, 6, 60))).toEqual(usage(120, 30, 10, 60));
  });

  it('passes one side through when the other call reported nothing', () => {
    expect(summedUsage(null, usage(1, 2))).toEqual(usage(1, 2));
    expect(continuedUsage(usage(1, 2), null)).toEqual(usage(1, 2));
    expect(continuedUsage(null, null)).toBeNull();
  });
});

describe('UsageTally', () => {
  it('reports nothing until a call reports usage, and then its latest report', () => {
    const tally = new UsageTally();
    expect(tally.reported).toBeNull();
    expect(tally.billed).toBeNull();
    tally.record(usage(10, 1));
    tally.record(usage(10, 5));
    expect(tally.reported).toEqual(usage(10, 5));
    expect(tally.billed).toEqual(usage(10, 5));
  });

  it('bills an abandoned call but leaves it out of the response', () => {
    const tally = new UsageTally();
    tally.record(usage(100, 3));
    tally.abandonCall();
    expect(tally.reported).toBeNull();
    tally.record(usage(100, 20));
    expect(tally.reported).toEqual(usage(100, 20));
    expect(tally.billed).toEqual(usage(200, 23));
  });

  it('counts a continued call into the response as Codex reads it, and bills both', () => {
    const tally = new UsageTally();
    tally.record(usage(1000, 10, 4));
    tally.continueResponse();
    tally.record(usage(1040, 20, 6));
    expect(tally.reported).toEqual(usage(1040, 30, 10));
    expect(tally.billed).toEqual(usage(2040, 30, 10));
  });
});
