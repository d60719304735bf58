/**
 * Section 1, added time-to-first-byte. Sequential streaming requests, bridge and direct interleaved (alternating
 * which goes first) so machine noise hits both alike: time from sending the request to the first
 * `response.output_text.delta` (bridge) versus the first content chunk (direct).
 */
import type { BenchContext } from '../context.ts';
import { SHORT_REPLY_CHUNKS } from '../fast-upstream.ts';
import { type InterleavedPairs, measureInterleaved } from '../interleaved.ts';
import { type Path, runOn } from '../paths.ts';
import { codexRequest, type Payload, payloadOf, smallRequest } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';

export interface TtfbVariant extends Omit<InterleavedPairs, 'bridgeCpuMs'> {
  payload: string;
  bytes: { responses: number; chat: number };
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
  const { bridgeCpuMs, ...pairs } = await measureInterleaved(ctx, ctx.settings.ttfb, (path) =>
    firstTextMs(ctx, path, payload),
  );
  return {
    bridgeCpuMsPerRequest: bridgeCpuMs,
    payload: payload.name,
    bytes: { responses: Buffer.byteLength(payload.responses), chat: Buffer.byteLength(payload.chat) },
    ...pairs,
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
