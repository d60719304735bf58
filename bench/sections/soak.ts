/**
 * Soak: the all-day daemon's memory. A fresh bridge child serves rounds of ordinary streaming requests (the captured
 * Codex first turn, about 40 KB, a few in flight at once); after each round it runs a full GC and reports its heap.
 * A bridge that lets requests go keeps the heap flat; one that holds on to them grows by a fixed amount per request.
 */
import { RAISED_CAPS, startBridgeProcess } from '../bridge-process.ts';
import type { BenchContext } from '../context.ts';
import { SHORT_REPLY_CHUNKS } from '../fast-upstream.ts';
import { bridgePath, runOn } from '../paths.ts';
import { codexRequest, payloadOf } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';
import { ttfbWarmup } from './warmup.ts';

export interface SoakRound {
  /** Requests served so far, this round's included. */
  requests: number;
  heapUsedMiB: number;
  rssMiB: number;
}

export interface SoakResult {
  payloadBytes: number;
  inFlight: number;
  baseline: SoakRound;
  rounds: SoakRound[];
  errors: number;
  firstError: string | undefined;
  /** Heap after the last round minus the baseline (after warm-up), MiB. */
  heapGrowthMiB: number;
  /** The same growth spread over every request, KiB. */
  heapPerRequestKiB: number;
  /**
   * Heap growth from the first round to the last, per request, KiB: the leak rate once warm-up garbage (which the
   * baseline may still hold) is gone.
   */
  steadyHeapPerRequestKiB: number;
}

const MIB = 2 ** 20;

export async function runSoak(ctx: BenchContext): Promise<SoakResult> {
  const { rounds, requestsPerRound, inFlight } = ctx.settings.soak;
  const bridge = await startBridgeProcess({ upstreamBaseUrl: ctx.upstream.baseUrl, env: RAISED_CAPS });
  try {
    const path = bridgePath(bridge);
    const payload = payloadOf('Codex turn (45 KB)', codexRequest(), ctx.lookup);
    await ttfbWarmup(ctx, path, payload);
    const reading = async (requests: number): Promise<SoakRound> => {
      const memory = await bridge.memory(true);
      return { requests, heapUsedMiB: memory.heapUsed / MIB, rssMiB: memory.rss / MIB };
    };
    const baseline = await reading(0);
    const result: SoakResult = {
      payloadBytes: Buffer.byteLength(payload.responses),
      inFlight,
      baseline,
      rounds: [],
      errors: 0,
      firstError: undefined,
      heapGrowthMiB: 0,
      heapPerRequestKiB: 0,
      steadyHeapPerRequestKiB: 0,
    };
    let served = 0;
    for (let round = 0; round < rounds; round += 1) {
      let next = 0;
      const worker = async () => {
        while (next < requestsPerRound) {
          next += 1;
          const problem = streamProblem(await runOn(ctx.agent, path, payload, 'ttfb'), SHORT_REPLY_CHUNKS);
          if (problem) {
            result.errors += 1;
            result.firstError ??= problem;
          }
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      served += requestsPerRound;
      const reached = await reading(served);
      result.rounds.push(reached);
      ctx.progress(`soak: ${served} requests, heap ${reached.heapUsedMiB.toFixed(1)} MiB after GC`);
    }
    const last = result.rounds.at(-1) ?? baseline;
    result.heapGrowthMiB = last.heapUsedMiB - baseline.heapUsedMiB;
    result.heapPerRequestKiB = served > 0 ? (result.heapGrowthMiB * 1024) / served : 0;
    const first = result.rounds[0] ?? baseline;
    const steadyRequests = last.requests - first.requests;
    result.steadyHeapPerRequestKiB =
      steadyRequests > 0 ? ((last.heapUsedMiB - first.heapUsedMiB) * 1024) / steadyRequests : 0;
    return result;
  } finally {
    await bridge.stop();
  }
}
