/**
 * Section 2, throughput. The upstream writes a text answer of small (1–4 character) chunks as fast as the socket
 * takes it; chunks/s is the upstream's chunk count over the client's request-to-end-of-body time. The bridge's
 * CPU time comes from process.cpuUsage() in its own child process, so client and upstream CPU are not counted.
 */
import { cpuUsage } from 'node:process';
import { type BridgeProcess, cpuMsBetween } from '../bridge-process.ts';
import type { BenchContext } from '../context.ts';
import { type Path, runOn } from '../paths.ts';
import { type Payload, payloadOf, smallRequest } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';
import { median } from '../stats.ts';

export interface ThroughputRound {
  path: 'direct' | 'bridge';
  chunks: number;
  ms: number;
  chunksPerSecond: number;
  /** Bridge child CPU (user + system) per 1k chunks; bridge rounds only. */
  bridgeCpuMsPer1k: number | undefined;
  /** Bridge child CPU time over wall time: 1.0 = one core busy the whole round. */
  bridgeCoreUse: number | undefined;
  /** The bench process (client + upstream) CPU over wall time. */
  benchCoreUse: number;
  problem: string | undefined;
}

export interface ThroughputResult {
  chunks: number;
  rounds: ThroughputRound[];
  direct: { chunksPerSecond: number };
  bridge: {
    chunksPerSecond: number;
    cpuMsPer1k: number;
    coreUse: number;
    benchCoreUse: number;
  };
  errors: number;
}

/** One flood through a path; reads the bridge child's CPU clock around it. */
export async function floodRound(
  ctx: BenchContext,
  path: Path,
  bridge: BridgeProcess,
  payload: Payload,
  chunks: number,
): Promise<ThroughputRound> {
  ctx.upstream.configure({ floodChunks: chunks });
  const bridgeBefore = path.kind === 'bridge' ? await bridge.cpu() : undefined;
  const benchBefore = cpuUsage();
  const result = await runOn(ctx.agent, path, payload, 'flood');
  const benchCpu = cpuMsBetween(benchBefore, cpuUsage());
  const bridgeCpu = bridgeBefore ? cpuMsBetween(bridgeBefore, await bridge.cpu()) : undefined;
  const ms = result.endedAt - result.startedAt;
  return {
    path: path.kind,
    chunks,
    ms,
    chunksPerSecond: (chunks / ms) * 1000,
    bridgeCpuMsPer1k: bridgeCpu === undefined ? undefined : (bridgeCpu / chunks) * 1000,
    bridgeCoreUse: bridgeCpu === undefined ? undefined : bridgeCpu / ms,
    benchCoreUse: benchCpu / ms,
    problem: streamProblem(result, chunks),
  };
}

export function summarizeRounds(chunks: number, rounds: ThroughputRound[]): ThroughputResult {
  const of = (kind: 'direct' | 'bridge') => rounds.filter((round) => round.path === kind && !round.problem);
  const bridgeRounds = of('bridge');
  return {
    chunks,
    rounds,
    direct: { chunksPerSecond: median(of('direct').map((round) => round.chunksPerSecond)) },
    bridge: {
      chunksPerSecond: median(bridgeRounds.map((round) => round.chunksPerSecond)),
      cpuMsPer1k: median(bridgeRounds.map((round) => round.bridgeCpuMsPer1k as number)),
      coreUse: median(bridgeRounds.map((round) => round.bridgeCoreUse as number)),
      benchCoreUse: median(bridgeRounds.map((round) => round.benchCoreUse)),
    },
    errors: rounds.filter((round) => round.problem).length,
  };
}

/** Interleaved rounds (direct, bridge, direct, …) after warm-up rounds (JIT tiers) on each path. */
export async function floodRounds(
  ctx: BenchContext,
  bridge: BridgeProcess,
  bridgePathOf: Path,
): Promise<ThroughputResult> {
  const { chunks, rounds, warmupRounds } = ctx.settings.throughput;
  const payload = payloadOf('small', smallRequest(), ctx.lookup);
  for (let round = 0; round < warmupRounds; round += 1) {
    await floodRound(ctx, ctx.direct, bridge, payload, chunks);
    await floodRound(ctx, bridgePathOf, bridge, payload, chunks);
  }
  const results: ThroughputRound[] = [];
  for (let round = 0; round < rounds; round += 1) {
    results.push(await floodRound(ctx, ctx.direct, bridge, payload, chunks));
    results.push(await floodRound(ctx, bridgePathOf, bridge, payload, chunks));
  }
  return summarizeRounds(chunks, results);
}

export async function runThroughput(ctx: BenchContext): Promise<ThroughputResult> {
  const { chunks, rounds } = ctx.settings.throughput;
  ctx.progress(`throughput: ${rounds} rounds of ${chunks} chunks per path`);
  return floodRounds(ctx, ctx.bridge, ctx.viaBridge);
}
