/**
 * Section 3b, the default caps under a burst. Twenty streams sent at once to a bridge with its shipped
 * concurrency settings (global 2, deepseek-v4-flash 2, queue 64): how long they queue, and whether any get a 429.
 * A second run shrinks only the queue, to show the 429 + Retry-After path the defaults keep for larger bursts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LimiterStats } from '../../src/upstream/resilience/limiter.ts';
import { startBridgeProcess } from '../bridge-process.ts';
import { planChunkCount } from '../chat-chunks.ts';
import type { BenchContext } from '../context.ts';
import { bridgePath, runOn } from '../paths.ts';
import { payloadOf, smallRequest } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';
import { type Summary, summarize } from '../stats.ts';
import { ttfbWarmup } from './warmup.ts';

export interface BurstVariant {
  name: string;
  env: Record<string, string>;
  requests: number;
  ok: number;
  rejected429: number;
  retryAfter: string[];
  otherErrors: string[];
  /** Queue wait as the bridge logged it (queuedMs), over all requests that got a slot. */
  queueWait: Summary;
  /** Request → first delta, for the requests that were served. */
  firstDelta: Summary;
  wallMs: number;
  upstreamMaxConcurrent: number;
  limiterShortlyAfterBurst: LimiterStats;
}

export interface BurstResult {
  streamMs: number;
  variants: BurstVariant[];
}

async function burstOnce(
  ctx: BenchContext,
  name: string,
  env: Record<string, string>,
): Promise<BurstVariant> {
  const bridge = await startBridgeProcess({ upstreamBaseUrl: ctx.upstream.baseUrl, env });
  try {
    const path = bridgePath(bridge);
    const payload = payloadOf('small', smallRequest(), ctx.lookup);
    await ttfbWarmup(ctx, path, payload, 30);
    const logsBefore = (await bridge.logLines()).length;
    const { requests, plan } = ctx.settings.burst;
    ctx.upstream.configure({ paced: plan, hold: false });
    ctx.upstream.resetStats();
    const started = performance.now();
    const running = Array.from({ length: requests }, () => runOn(ctx.agent, path, payload, 'paced'));
    await sleep(50);
    const limiter = await bridge.limiter();
    const results = await Promise.all(running);
    const wallMs = performance.now() - started;
    const logs = (await bridge.logLines()).slice(logsBefore);
    const served = results.filter((result) => result.status === 200);
    const rejected = results.filter((result) => result.status === 429);
    const otherErrors = results
      .map((result) => (result.status === 429 ? undefined : streamProblem(result, planChunkCount(plan))))
      .filter((problem): problem is string => problem !== undefined);
    return {
      name,
      env,
      requests,
      ok: served.length - otherErrors.length,
      rejected429: rejected.length,
      retryAfter: [...new Set(rejected.map((result) => result.retryAfter ?? '(none)'))],
      otherErrors,
      queueWait: summarize(
        logs.filter((line) => line.status === 'completed').map((line) => Number(line.queuedMs ?? 0)),
      ),
      firstDelta: summarize(
        served.flatMap((result) => (result.firstDeltaAt ? [result.firstDeltaAt - result.startedAt] : [])),
      ),
      wallMs,
      upstreamMaxConcurrent: ctx.upstream.stats().maxActive,
      limiterShortlyAfterBurst: limiter,
    };
  } finally {
    await bridge.stop();
  }
}

export async function runBurst(ctx: BenchContext): Promise<BurstResult> {
  const { requests, plan, smallQueue } = ctx.settings.burst;
  ctx.progress(`burst: ${requests} requests at once, default caps`);
  const defaults = await burstOnce(ctx, 'default caps (global 2, queue 64)', {});
  ctx.progress(`burst: ${requests} requests at once, default caps with UPSTREAM_QUEUE_MAX=${smallQueue}`);
  const smallQueueRun = await burstOnce(ctx, `default caps, UPSTREAM_QUEUE_MAX=${smallQueue}`, {
    UPSTREAM_QUEUE_MAX: String(smallQueue),
  });
  return { streamMs: planChunkCount(plan) * plan.intervalMs, variants: [defaults, smallQueueRun] };
}
