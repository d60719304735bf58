/**
 * Section 1, added time-to-first-byte. Sequential streaming requests, bridge and direct interleaved (alternating
 * which goes first) so machine noise hits both alike: time from sending the request to the first
 * `response.output_text.delta` (bridge) versus the first content chunk (direct).
 */
import { cpuMsBetween } from '../bridge-process.ts';
import type { BenchContext } from '../context.ts';
import { SHORT_REPLY_CHUNKS } from '../fast-upstream.ts';
import { type Path, runOn } from '../paths.ts';
import { codexRequest, type Payload, payloadOf, smallRequest } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';
import { addedAt, type Summary, summarize } from '../stats.ts';

export interface TtfbVariant {
  payload: string;
  bytes: { responses: number; chat: number };
  requests: number;
  errors: number;
  firstError: string | undefined;
  direct: Summary;
  bridge: Summary;
  /** bridge pX − direct pX. */
  added: Pick<Summary, 'p50' | 'p95' | 'p99'>;
  /** Percentiles of the per-pair differences (bridge − direct of the same iteration). */
  pairedAdded: Summary;
  /** Bridge child CPU time per request (8 text chunks each), warm-up excluded. */
  bridgeCpuMsPerRequest: number;
}

export interface TtfbResult {
  variants: TtfbVariant[];
}

async function firstTextMs(ctx: BenchContext, path: Path, payload: Payload): Promise<number | string> {
  const result = await runOn(ctx.agent, path, payload, 'ttfb');
  const problem = streamProblem(result, SHORT_REPLY_CHUNKS);
  if (problem || result.firstTextAt === undefined) return `${path.kind}: ${problem ?? 'no text delta'}`;
  return result.firstTextAt - result.startedAt;
}

async function measureVariant(ctx: BenchContext, payload: Payload): Promise<TtfbVariant> {
  const { requests, warmup } = ctx.settings.ttfb;
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
    for (const path of order) times[path.kind] = await firstTextMs(ctx, path, payload);
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
  const bridgeCpuMsPerRequest = cpuMsBetween(cpuBefore, await ctx.bridge.cpu()) / requests;
  const directSummary = summarize(direct);
  const bridgeSummary = summarize(bridge);
  return {
    bridgeCpuMsPerRequest,
    payload: payload.name,
    bytes: { responses: Buffer.byteLength(payload.responses), chat: Buffer.byteLength(payload.chat) },
    requests,
    errors,
    firstError,
    direct: directSummary,
    bridge: bridgeSummary,
    added: addedAt(bridgeSummary, directSummary),
    pairedAdded: summarize(paired),
  };
}

export async function runTtfb(ctx: BenchContext): Promise<TtfbResult> {
  const payloads = [
    payloadOf('small (1 message)', smallRequest(), ctx.lookup),
    payloadOf('Codex turn (45 KB)', codexRequest(), ctx.lookup),
  ];
  const variants: TtfbVariant[] = [];
  for (const payload of payloads) {
    ctx.progress(`ttfb: ${payload.name}, ${ctx.settings.ttfb.requests} pairs`);
    variants.push(await measureVariant(ctx, payload));
  }
  return { variants };
}
