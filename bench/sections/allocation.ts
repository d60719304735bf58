/**
 * Section 1d (`alloc`): what a request allocates, in KB, from V8's sampling heap profiler in a bridge child of its
 * own (caps raised), after a warm-up. Unlike a latency, the figure barely moves with the machine's load, so a change
 * that allocates less shows even on a noisy machine; and allocation is what the young-generation collections (a
 * pause of ~10 ms each, bench/RESULTS.md) are paid in. Three workloads, each one profile: small requests one at a
 * time, the same in bursts of 20 at once, and the captured Codex turn (~45 KB) one at a time; every answer has 20
 * chunks. The profiles are written to the output directory (bridge-alloc-*.heapprofile, for Chrome DevTools or
 * bench/heap-summary.ts).
 */
import path from 'node:path';
import { type BridgeProcess, RAISED_CAPS, startBridgeProcess } from '../bridge-process.ts';
import type { BenchContext } from '../context.ts';
import { type HeapEntry, summarizeHeapProfile } from '../heap-summary.ts';
import { bridgePath, type Path, runOn } from '../paths.ts';
import { codexRequest, type Payload, payloadOf, smallRequest } from '../payloads.ts';
import { type Cell, table } from '../report.ts';
import { streamProblem } from '../sse-client.ts';
import { ttfbWarmup } from './warmup.ts';

/** One sample per this many bytes allocated, on average: ~150 samples per small request. */
const SAMPLING_INTERVAL_BYTES = 1024;
const BURST_SIZE = 20;

export interface AllocationRun {
  workload: string;
  requests: number;
  errors: number;
  file: string;
  /** Per request. */
  kb: number;
  /** Bytes per request by the nearest project file, and by function, largest first. */
  byFile: HeapEntry[];
  byFunction: HeapEntry[];
}

export interface AllocationResult {
  replyChunks: number;
  runs: AllocationRun[];
}

type Send = (path: Path, index: number) => Promise<string | undefined>;

function sender(ctx: BenchContext, payload: Payload, replyChunks: number, tag: string): Send {
  return async (path, index) => {
    const result = await runOn(ctx.agent, path, payload, 'sized', { id: `${replyChunks}.${tag}${index}` });
    return streamProblem(result, replyChunks);
  };
}

async function sampled(
  bridge: BridgeProcess,
  workload: string,
  file: string,
  requests: number,
  drive: () => Promise<Array<string | undefined>>,
): Promise<AllocationRun> {
  await bridge.startHeapSampling(SAMPLING_INTERVAL_BYTES);
  const problems = await drive();
  await bridge.stopHeapSampling(file);
  const summary = summarizeHeapProfile(file, 12);
  const perRequest = (entries: HeapEntry[]) =>
    entries.map((entry) => ({ location: entry.location, bytes: entry.bytes / requests }));
  return {
    workload,
    requests,
    errors: problems.filter(Boolean).length,
    file,
    kb: summary.totalBytes / requests / 1024,
    byFile: perRequest(summary.byFile),
    byFunction: perRequest(summary.byFunction),
  };
}

export async function runAllocation(ctx: BenchContext): Promise<AllocationResult> {
  const { requests, bursts, replyChunks } = ctx.settings.alloc;
  ctx.progress(`alloc: what ${requests} requests allocate, one at a time, in bursts and as a Codex turn`);
  const bridge = await startBridgeProcess({ upstreamBaseUrl: ctx.upstream.baseUrl, env: RAISED_CAPS });
  const outFile = (name: string) => path.join(ctx.settings.outDir, `bridge-alloc-${name}.heapprofile`);
  try {
    const target = bridgePath(bridge);
    const small = payloadOf('small', smallRequest(), ctx.lookup);
    const codex = payloadOf('codex', codexRequest(), ctx.lookup);
    await ttfbWarmup(ctx, target, small);
    await ttfbWarmup(ctx, target, codex, 50);
    const oneAtATime = async (send: Send, count: number) => {
      const problems: Array<string | undefined> = [];
      for (let index = 0; index < count; index += 1) problems.push(await send(target, index));
      return problems;
    };
    const inBursts = async (send: Send) => {
      const problems: Array<string | undefined> = [];
      for (let burst = 0; burst < bursts; burst += 1) {
        const ids = Array.from({ length: BURST_SIZE }, (_, request) => burst * BURST_SIZE + request);
        problems.push(...(await Promise.all(ids.map((index) => send(target, index)))));
      }
      return problems;
    };
    const runs = [
      await sampled(bridge, 'small, one at a time', outFile('sequential'), requests, () =>
        oneAtATime(sender(ctx, small, replyChunks, 'as'), requests),
      ),
      await sampled(bridge, `small, ${BURST_SIZE} at once`, outFile('bursts'), bursts * BURST_SIZE, () =>
        inBursts(sender(ctx, small, replyChunks, 'ab')),
      ),
      await sampled(bridge, 'Codex turn (45 KB), one at a time', outFile('codex'), requests, () =>
        oneAtATime(sender(ctx, codex, replyChunks, 'ac'), requests),
      ),
    ];
    return { replyChunks, runs };
  } finally {
    await bridge.stop();
  }
}

export function allocationSection(result: AllocationResult): string {
  const rows: Cell[][] = result.runs.map((run) => [run.workload, run.requests, run.errors, run.kb]);
  const largest = result.runs.map(
    (run) =>
      `  ${run.workload}: ${run.byFile
        .slice(0, 5)
        .map((entry) => `${entry.location} ${(entry.bytes / 1024).toFixed(1)}`)
        .join(', ')}`,
  );
  return [
    `1d. What a request allocates, KB per request (${result.replyChunks}-chunk answers; V8's sampling heap profiler, one sample per ${SAMPLING_INTERVAL_BYTES} bytes on average)`,
    table(['workload', 'requests', 'errors', 'KB/request'], rows, 1),
    'largest, KB per request, by the project file nearest the allocation (the .heapprofile files have the rest):',
    ...largest,
  ].join('\n');
}
