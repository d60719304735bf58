/**
 * Bridge and direct measured in turns, which one goes first alternating every iteration so machine noise hits both
 * alike (sections 1 and 1b): the times of each path, the per-pair differences, and the bridge child's CPU over the
 * measured iterations; warm-up iterations are run and not counted.
 */
import { cpuMsBetween } from './bridge-process.ts';
import type { BenchContext } from './context.ts';
import type { Path } from './paths.ts';
import { addedAt, type Summary, summarize } from './stats.ts';

export interface InterleavedPairs {
  requests: number;
  errors: number;
  firstError: string | undefined;
  direct: Summary;
  bridge: Summary;
  /** bridge pX − direct pX. */
  added: Pick<Summary, 'p50' | 'p95' | 'p99'>;
  /** Percentiles of the per-pair differences (bridge − direct of the same iteration). */
  pairedAdded: Summary;
  /** Bridge child CPU per measured iteration. */
  bridgeCpuMs: number;
}

/** `measure` returns a time in ms, or a string saying what went wrong (the pair then counts as an error). */
export async function measureInterleaved(
  ctx: BenchContext,
  counts: { warmup: number; requests: number },
  measure: (path: Path) => Promise<number | string>,
): Promise<InterleavedPairs> {
  const { warmup, requests } = counts;
  const direct: number[] = [];
  const bridge: number[] = [];
  const paired: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let cpuBefore = await ctx.bridge.cpu();
  for (let index = 0; index < warmup + requests; index += 1) {
    if (index === warmup) cpuBefore = await ctx.bridge.cpu();
    const order = index % 2 === 0 ? [ctx.direct, ctx.viaBridge] : [ctx.viaBridge, ctx.direct];
    const times: Record<string, number | string> = {};
    for (const path of order) times[path.kind] = await measure(path);
    if (index < warmup) continue;
    const { direct: d, bridge: b } = times as { direct: number | string; bridge: number | string };
    if (typeof d === 'string' || typeof b === 'string') {
      errors += 1;
      firstError ??= typeof d === 'string' ? d : (b as string);
      continue;
    }
    direct.push(d);
    bridge.push(b);
    paired.push(b - d);
  }
  const bridgeCpuMs = cpuMsBetween(cpuBefore, await ctx.bridge.cpu()) / requests;
  const directSummary = summarize(direct);
  const bridgeSummary = summarize(bridge);
  return {
    requests,
    errors,
    firstError,
    direct: directSummary,
    bridge: bridgeSummary,
    added: addedAt(bridgeSummary, directSummary),
    pairedAdded: summarize(paired),
    bridgeCpuMs,
  };
}
