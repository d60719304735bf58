/**
 * N paced streams on one path, started evenly over a ramp, and what the client saw of them: errors, per-chunk
 * latency (upstream write → client read of the matching delta, same process and clock), gaps, time to first delta,
 * stream duration and the chunk rate actually delivered.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { planChunkCount } from '../chat-chunks.ts';
import type { BenchContext } from '../context.ts';
import { type Path, runOn } from '../paths.ts';
import type { Payload } from '../payloads.ts';
import { type StreamResult, streamProblem } from '../sse-client.ts';
import { Samples, type Summary, summarize } from '../stats.ts';

export interface PathLoad {
  errors: number;
  problems: string[];
  /** Upstream write of a delta chunk → client read of its translated event. */
  chunkLatency: Summary;
  /** Gap between consecutive deltas of one stream, as the client sees it (paced at the plan's interval). */
  gap: Summary;
  /** Request sent → first delta: admission delay shows here, not in chunk latency. */
  firstDelta: Summary;
  /** Request sent → end of body. */
  duration: Summary;
  deltas: number;
  wallMs: number;
  /** Deltas received over the level's wall time; compare with `offeredChunksPerSecond`. */
  deliveredChunksPerSecond: number;
  /** What the streams would carry if every one ran at its pace from its start. */
  offeredChunksPerSecond: number;
}

export type Tagged = StreamResult & { id: string };

/** Starts `count` streams spread evenly over the ramp; resolves when all have ended. */
export async function launch(
  ctx: BenchContext,
  path: Path,
  payload: Payload,
  count: number,
  onEnded: () => void = () => {},
): Promise<Tagged[]> {
  const { rampMs } = ctx.settings.concurrency;
  const runs: Array<Promise<Tagged>> = [];
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const due = started + (rampMs * index) / count;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const run = runOn(ctx.agent, path, payload, 'paced', { recordDeltaTimes: true });
    run.then(onEnded);
    runs.push(run);
  }
  return Promise.all(runs);
}

/** Folds the streams of one level into figures; forgets the upstream's send times afterwards. */
export function loadOf(ctx: BenchContext, results: Tagged[], wallMs: number): PathLoad {
  const { plan } = ctx.settings.concurrency;
  const expected = planChunkCount(plan);
  const latency = new Samples();
  const gap = new Samples();
  const firstDelta: number[] = [];
  const problems: string[] = [];
  let deltas = 0;
  for (const result of results) {
    const problem = streamProblem(result, expected);
    if (problem) problems.push(problem);
    deltas += result.deltas;
    const sent = ctx.upstream.sendTimes.get(result.id) ?? [];
    const received = result.deltaTimes ?? [];
    const count = Math.min(sent.length, received.length);
    for (let index = 0; index < count; index += 1) {
      latency.push((received[index] as number) - (sent[index] as number));
      if (index > 0) gap.push((received[index] as number) - (received[index - 1] as number));
    }
    if (result.firstDeltaAt !== undefined) firstDelta.push(result.firstDeltaAt - result.startedAt);
  }
  ctx.upstream.sendTimes.clear();
  return {
    errors: problems.length,
    problems: [...new Set(problems)].slice(0, 5),
    chunkLatency: summarize(latency.values()),
    gap: summarize(gap.values()),
    firstDelta: summarize(firstDelta),
    duration: summarize(results.map((result) => result.endedAt - result.startedAt)),
    deltas,
    wallMs,
    deliveredChunksPerSecond: (deltas / wallMs) * 1000,
    offeredChunksPerSecond: (results.length * 1000) / plan.intervalMs,
  };
}

/** A whole level on one path, the upstream not holding streams. */
export async function pacedLevel(
  ctx: BenchContext,
  path: Path,
  payload: Payload,
  count: number,
): Promise<PathLoad> {
  ctx.upstream.configure({ hold: false });
  const started = performance.now();
  const results = await launch(ctx, path, payload, count);
  return loadOf(ctx, results, performance.now() - started);
}
