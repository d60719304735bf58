/**
 * Section 3, concurrency. N streams paced like a real model (one chunk every 20 ms: reasoning, then text, then a
 * tool call), started over a short ramp, on each path in turn. Each level gets a fresh bridge child with the caps
 * raised, so its memory baseline is clean. Memory is read with every stream open: the upstream holds each stream
 * after its last delta until all N are held (no delta is in flight then), the child runs a full GC and reports,
 * then the streams are released and end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LimiterStats } from '../../src/upstream/resilience/limiter.ts';
import { type BridgeProcess, cpuMsBetween, RAISED_CAPS, startBridgeProcess } from '../bridge-process.ts';
import { type PacedPlan, planChunkCount } from '../chat-chunks.ts';
import type { BenchContext } from '../context.ts';
import { bridgePath } from '../paths.ts';
import { type Payload, payloadOf, smallRequest } from '../payloads.ts';
import { addedAt, type Summary } from '../stats.ts';
import { launch, loadOf, type PathLoad, pacedLevel } from './paced-load.ts';
import { ttfbWarmup } from './warmup.ts';

export interface BridgeMemory {
  baseline: NodeJS.MemoryUsage;
  open: NodeJS.MemoryUsage;
  heapPerStreamKiB: number;
  rssPerStreamKiB: number;
  externalPerStreamKiB: number;
  limiter: LimiterStats;
}

export interface BridgeLoad extends PathLoad {
  memory: BridgeMemory | undefined;
  /** Bridge child CPU over the level (warm-up excluded; two forced GCs included) per 1k deltas delivered. */
  cpuMsPer1k: number;
  coreUse: number;
}

export interface ConcurrencyLevel {
  streams: number;
  chunksPerStream: number;
  direct: PathLoad;
  bridge: BridgeLoad;
  addedLatency: Pick<Summary, 'p50' | 'p95' | 'p99'>;
}

export interface ConcurrencyResult {
  plan: PacedPlan;
  rampMs: number;
  levels: ConcurrencyLevel[];
}

/** Waits until every stream still alive is held after its last delta (false if the level ended otherwise). */
async function allHeld(ctx: BenchContext, count: number, ended: () => number): Promise<boolean> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const { holding } = ctx.upstream.stats();
    if (holding > 0 && holding + ended() >= count) return true;
    if (ended() >= count) return false;
    await sleep(10);
  }
  return false;
}

async function openStreamMemory(
  bridge: BridgeProcess,
  baseline: NodeJS.MemoryUsage,
  count: number,
): Promise<BridgeMemory> {
  const open = await bridge.memory(true);
  const perStream = (key: 'heapUsed' | 'rss' | 'external') => (open[key] - baseline[key]) / count / 1024;
  return {
    baseline,
    open,
    heapPerStreamKiB: perStream('heapUsed'),
    rssPerStreamKiB: perStream('rss'),
    externalPerStreamKiB: perStream('external'),
    limiter: await bridge.limiter(),
  };
}

async function bridgeLevel(ctx: BenchContext, payload: Payload, count: number): Promise<BridgeLoad> {
  const bridge = await startBridgeProcess({ upstreamBaseUrl: ctx.upstream.baseUrl, env: RAISED_CAPS });
  try {
    const path = bridgePath(bridge);
    await ttfbWarmup(ctx, path, payload);
    const baseline = await bridge.memory(true);
    const cpuBefore = await bridge.cpu();
    ctx.upstream.configure({ hold: true });
    const started = performance.now();
    let ended = 0;
    const running = launch(ctx, path, payload, count, () => {
      ended += 1;
    });
    const memory = (await allHeld(ctx, count, () => ended))
      ? await openStreamMemory(bridge, baseline, count)
      : undefined;
    ctx.upstream.configure({ hold: false });
    ctx.upstream.release();
    const results = await running;
    const wallMs = performance.now() - started;
    const cpuMs = cpuMsBetween(cpuBefore, await bridge.cpu());
    const load = loadOf(ctx, results, wallMs);
    return {
      ...load,
      memory,
      cpuMsPer1k: (cpuMs / Math.max(1, load.deltas)) * 1000,
      coreUse: cpuMs / wallMs,
    };
  } finally {
    await bridge.stop();
  }
}

export async function runConcurrency(ctx: BenchContext): Promise<ConcurrencyResult> {
  const { levels, plan, rampMs } = ctx.settings.concurrency;
  const payload = payloadOf('small', smallRequest(), ctx.lookup);
  ctx.upstream.configure({ paced: plan });
  const results: ConcurrencyLevel[] = [];
  for (const streams of levels) {
    ctx.progress(`concurrency: ${streams} streams, direct`);
    const direct = await pacedLevel(ctx, ctx.direct, payload, streams);
    ctx.progress(`concurrency: ${streams} streams, bridge`);
    const bridge = await bridgeLevel(ctx, payload, streams);
    results.push({
      streams,
      chunksPerStream: planChunkCount(plan),
      direct,
      bridge,
      addedLatency: addedAt(bridge.chunkLatency, direct.chunkLatency),
    });
  }
  return { plan, rampMs, levels: results };
}
