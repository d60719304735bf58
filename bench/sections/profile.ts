/**
 * `--profile`: three workloads run again against bridge children started with `--cpu-prof` (their own children, so
 * the measured figures carry no profiler overhead): the throughput flood, where many chunks arrive per socket read;
 * a paced concurrency level, where each chunk arrives on its own read as with a real model; and sequential small
 * requests, for the fixed cost of a request (what time-to-first-byte pays). Each .cpuprofile
 * covers the child's whole life; the summary counts only the samples taken during the workload (start-up, module
 * loading and type stripping left out).
 */
import { cpuMsBetween, RAISED_CAPS, startBridgeProcess } from '../bridge-process.ts';
import type { BenchContext } from '../context.ts';
import { SHORT_REPLY_CHUNKS } from '../fast-upstream.ts';
import { bridgePath, runOn } from '../paths.ts';
import { payloadOf, smallRequest } from '../payloads.ts';
import { type ProfileSummary, type ProfileWindow, summarizeProfile } from '../profile-summary.ts';
import { pacedLevel } from './paced-load.ts';
import { floodRounds } from './throughput.ts';
import { ttfbWarmup } from './warmup.ts';

export interface ProfileRun {
  workload: string;
  file: string;
  /** The workload, on the child's profile clock (µs). */
  window: ProfileWindow;
  /** Figures while profiled (slower than unprofiled; for orientation only). */
  chunksPerSecond: number;
  cpuMsPer1k: number;
  summary: ProfileSummary;
}

export interface ProfileResult {
  flood: ProfileRun;
  paced: ProfileRun;
  requests: ProfileRun;
}

type Workload = (bridge: Awaited<ReturnType<typeof startBridgeProcess>>) => Promise<{
  chunks: number;
  chunksPerSecond: number;
}>;

export async function profiled(
  ctx: BenchContext,
  name: string,
  workload: string,
  run: Workload,
): Promise<ProfileRun> {
  const dir = ctx.settings.outDir;
  const bridge = await startBridgeProcess({
    upstreamBaseUrl: ctx.upstream.baseUrl,
    env: RAISED_CAPS,
    cpuProfile: { dir, name },
  });
  let window: ProfileWindow;
  let figures: { chunks: number; chunksPerSecond: number };
  let cpuMs: number;
  try {
    await ttfbWarmup(ctx, bridgePath(bridge), payloadOf('small', smallRequest(), ctx.lookup));
    const cpuBefore = await bridge.cpu();
    const fromMicros = await bridge.clock();
    figures = await run(bridge);
    window = { fromMicros, toMicros: await bridge.clock() };
    cpuMs = cpuMsBetween(cpuBefore, await bridge.cpu());
  } finally {
    await bridge.stop();
  }
  const file = `${dir}/${name}`;
  return {
    workload,
    file,
    window,
    chunksPerSecond: figures.chunksPerSecond,
    cpuMsPer1k: (cpuMs / Math.max(1, figures.chunks)) * 1000,
    summary: summarizeProfile(file, 15, window),
  };
}

export async function runProfile(ctx: BenchContext): Promise<ProfileResult> {
  const { chunks, rounds } = ctx.settings.throughput;
  ctx.progress('profile: throughput flood against a bridge child under --cpu-prof');
  const flood = await profiled(
    ctx,
    'bridge-throughput.cpuprofile',
    `throughput flood, ${rounds} rounds of ${chunks} chunks`,
    async (bridge) => {
      const result = await floodRounds(ctx, bridge, bridgePath(bridge));
      const totalRounds = rounds + ctx.settings.throughput.warmupRounds;
      return { chunks: chunks * totalRounds, chunksPerSecond: result.bridge.chunksPerSecond };
    },
  );
  const { profileStreams, plan } = ctx.settings.concurrency;
  ctx.progress(`profile: ${profileStreams} paced streams against a bridge child under --cpu-prof`);
  ctx.upstream.configure({ paced: plan });
  const payload = payloadOf('small', smallRequest(), ctx.lookup);
  const paced = await profiled(
    ctx,
    'bridge-paced.cpuprofile',
    `${profileStreams} paced streams (one chunk per read)`,
    async (bridge) => {
      const load = await pacedLevel(ctx, bridgePath(bridge), payload, profileStreams);
      return { chunks: load.deltas, chunksPerSecond: load.deliveredChunksPerSecond };
    },
  );
  const requests = ctx.settings.ttfb.requests;
  ctx.progress(`profile: ${requests} sequential small requests against a bridge child under --cpu-prof`);
  const perRequest = await profiled(
    ctx,
    'bridge-requests.cpuprofile',
    `${requests} sequential small requests (8 chunks each)`,
    async (bridge) => {
      const started = performance.now();
      for (let index = 0; index < requests; index += 1)
        await runOn(ctx.agent, bridgePath(bridge), payload, 'ttfb');
      const chunks = requests * SHORT_REPLY_CHUNKS;
      return { chunks, chunksPerSecond: (chunks / (performance.now() - started)) * 1000 };
    },
  );
  return { flood, paced, requests: perRequest };
}
