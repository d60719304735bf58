/**
 * Section 1c, simultaneous starts. Bursts of N requests sent at once (each answered with a short reply written at
 * once), direct and through the bridge in turn, caps raised so the bridge itself is measured: request sent → first
 * delta of any kind. A burst waits for the previous one to end and for the bridge to go quiet, so each starts
 * from idle. The bridge's CPU over the measured bursts ÷ their requests is what one request costs it, start to
 * end. What the start alone costs is measured apart, with the upstream holding its answers back (`gated`): the
 * bridge's CPU from sending a burst until the upstream has received every one of its calls, ÷ the burst's size.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WRITE_BEHIND_MS } from '../../src/state/store.ts';
import { cpuMsBetween } from '../bridge-process.ts';
import type { BenchContext } from '../context.ts';
import { type Path, runOn } from '../paths.ts';
import { type Payload, payloadOf, smallRequest } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';
import { addedAt, type Summary, summarize } from '../stats.ts';

export interface StartsLevel {
  concurrent: number;
  bursts: number;
  replyChunks: number;
  errors: number;
  firstError: string | undefined;
  /** Request sent → first delta, over every request of the measured bursts. */
  direct: Summary;
  bridge: Summary;
  /** bridge pX − direct pX. */
  added: Pick<Summary, 'p50' | 'p95' | 'p99'>;
  /** Bridge child CPU over the measured bursts ÷ their requests. */
  bridgeCpuMsPerRequest: number;
  /**
   * Bridge child CPU from sending a burst until the upstream has every call of it (answers held back) ÷ the
   * requests: reading, checking and translating a request and sending its upstream call. Includes the two IPC
   * readings of the child's CPU, spread over the burst.
   */
  bridgeStartCpuMsPerRequest: number;
}

export interface StartsResult {
  levels: StartsLevel[];
}

/** Time for the bridge to finish what follows a burst's last stream, so the next burst starts from idle. */
const QUIET_MS = 30;
/**
 * Before a start is measured, the bridge also writes the previous burst's state rows (WRITE_BEHIND_MS after its
 * streams ended): that write must not fall inside the measured window.
 */
const SETTLED_MS = WRITE_BEHIND_MS + QUIET_MS;
let sequence = 0;

async function burst(
  ctx: BenchContext,
  path: Path,
  payload: Payload,
  concurrent: number,
  replyChunks: number,
): Promise<Array<number | string>> {
  const results = await Promise.all(
    Array.from({ length: concurrent }, () =>
      runOn(ctx.agent, path, payload, 'sized', { id: `${replyChunks}.s${sequence++}` }),
    ),
  );
  return results.map((result) => {
    const problem = streamProblem(result, replyChunks);
    if (problem || result.firstDeltaAt === undefined) return `${path.kind}: ${problem ?? 'no delta'}`;
    return result.firstDeltaAt - result.startedAt;
  });
}

/** The arrivals counter reached `count`, polled every millisecond (the bridge child does not see the polling). */
async function arrivalsReach(ctx: BenchContext, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (ctx.upstream.gateArrivals() < count) {
    if (Date.now() > deadline)
      throw new Error('starts: the gated upstream calls did not all arrive within 30 s');
    await sleep(1);
  }
}

/** Bridge CPU per request start, over `bursts` bursts of `concurrent` requests whose answers are held back. */
async function measureStartCpu(
  ctx: BenchContext,
  payload: Payload,
  concurrent: number,
  bursts: number,
): Promise<number> {
  const { warmupBursts, replyChunks } = ctx.settings.starts;
  let cpuMs = 0;
  for (let index = 0; index < warmupBursts + bursts; index += 1) {
    const arrived = ctx.upstream.gateArrivals();
    const before = await ctx.bridge.cpu();
    const streams = Promise.all(
      Array.from({ length: concurrent }, () =>
        runOn(ctx.agent, ctx.viaBridge, payload, 'gated', { id: `${replyChunks}.g${sequence++}` }),
      ),
    );
    await arrivalsReach(ctx, arrived + concurrent);
    const after = await ctx.bridge.cpu();
    ctx.upstream.openGate();
    for (const result of await streams) {
      const problem = streamProblem(result, replyChunks);
      if (problem) throw new Error(`starts (gated): ${problem}`);
    }
    await sleep(SETTLED_MS);
    if (index >= warmupBursts) cpuMs += cpuMsBetween(before, after);
  }
  return cpuMs / (concurrent * bursts);
}

async function measureLevel(
  ctx: BenchContext,
  payload: Payload,
  concurrent: number,
  bursts: number,
): Promise<StartsLevel> {
  const { warmupBursts, replyChunks } = ctx.settings.starts;
  const times = { direct: [] as number[], bridge: [] as number[] };
  let errors = 0;
  let firstError: string | undefined;
  let bridgeCpuMs = 0;
  for (let index = 0; index < warmupBursts + bursts; index += 1) {
    const measured = index >= warmupBursts;
    const order = index % 2 === 0 ? [ctx.direct, ctx.viaBridge] : [ctx.viaBridge, ctx.direct];
    for (const path of order) {
      const cpuBefore = path.kind === 'bridge' ? await ctx.bridge.cpu() : undefined;
      const outcomes = await burst(ctx, path, payload, concurrent, replyChunks);
      await sleep(QUIET_MS);
      if (!measured) continue;
      if (cpuBefore) bridgeCpuMs += cpuMsBetween(cpuBefore, await ctx.bridge.cpu());
      for (const outcome of outcomes) {
        if (typeof outcome === 'string') {
          errors += 1;
          firstError ??= outcome;
        } else times[path.kind].push(outcome);
      }
    }
  }
  const direct = summarize(times.direct);
  const bridge = summarize(times.bridge);
  return {
    concurrent,
    bursts,
    replyChunks,
    errors,
    firstError,
    direct,
    bridge,
    added: addedAt(bridge, direct),
    bridgeCpuMsPerRequest: bridgeCpuMs / (concurrent * bursts),
    bridgeStartCpuMsPerRequest: await measureStartCpu(ctx, payload, concurrent, bursts),
  };
}

export async function runStarts(ctx: BenchContext): Promise<StartsResult> {
  const payload = payloadOf('small (1 message)', smallRequest(), ctx.lookup);
  const levels: StartsLevel[] = [];
  for (const { concurrent, bursts } of ctx.settings.starts.levels) {
    ctx.progress(`starts: ${bursts} bursts of ${concurrent} simultaneous requests per path`);
    levels.push(await measureLevel(ctx, payload, concurrent, bursts));
  }
  return { levels };
}
