/**
 * Section 1b, time to first delta after a large response. Work a bridge does after a stream has ended (saving
 * state, the log line, metrics, garbage) delays the next request on the same keep-alive connection, and grows with
 * the previous answer. Each iteration sends, on one connection per path, an answer of `previousChunks` read to its
 * end and at once a request answered with `measuredChunks`; what is timed is the second request, sent → first
 * `response.output_text.delta` (bridge) or first content chunk (direct). Paths interleaved as in section 1.
 */
import { Agent } from 'node:http';
import type { BenchContext } from '../context.ts';
import { type InterleavedPairs, measureInterleaved } from '../interleaved.ts';
import { type Path, runOn } from '../paths.ts';
import { type Payload, payloadOf, smallRequest } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';

export interface AfterLargeVariant extends Omit<InterleavedPairs, 'bridgeCpuMs'> {
  previousChunks: number;
  measuredChunks: number;
  /** Bridge child CPU per iteration (the previous answer and the measured one), warm-up excluded. */
  bridgeCpuMsPerIteration: number;
}

export interface AfterLargeResult {
  variants: AfterLargeVariant[];
}

let sequence = 0;

/** The previous answer read to its end, then the measured request at once; ms to its first text delta. */
async function afterPrevious(
  agent: Agent,
  path: Path,
  payload: Payload,
  previousChunks: number,
  measuredChunks: number,
): Promise<number | string> {
  const previous = await runOn(agent, path, payload, 'sized', { id: `${previousChunks}.${sequence++}` });
  const previousProblem = streamProblem(previous, previousChunks);
  if (previousProblem) return `${path.kind} (previous answer): ${previousProblem}`;
  const measured = await runOn(agent, path, payload, 'sized', { id: `${measuredChunks}.${sequence++}` });
  const problem = streamProblem(measured, measuredChunks);
  if (problem || measured.firstTextAt === undefined) return `${path.kind}: ${problem ?? 'no text delta'}`;
  return measured.firstTextAt - measured.startedAt;
}

async function measureVariant(
  ctx: BenchContext,
  agent: Agent,
  payload: Payload,
  previousChunks: number,
): Promise<AfterLargeVariant> {
  const { measuredChunks } = ctx.settings.afterLarge;
  const { bridgeCpuMs, ...pairs } = await measureInterleaved(ctx, ctx.settings.afterLarge, (path) =>
    afterPrevious(agent, path, payload, previousChunks, measuredChunks),
  );
  return { previousChunks, measuredChunks, ...pairs, bridgeCpuMsPerIteration: bridgeCpuMs };
}

export async function runAfterLarge(ctx: BenchContext): Promise<AfterLargeResult> {
  const { previousChunks, requests } = ctx.settings.afterLarge;
  const payload = payloadOf('small (1 message)', smallRequest(), ctx.lookup);
  // One socket per path: the measured request follows the previous answer on the same keep-alive connection.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const variants: AfterLargeVariant[] = [];
  try {
    for (const chunks of previousChunks) {
      ctx.progress(`after-large: ${requests} pairs after a ${chunks}-chunk answer`);
      variants.push(await measureVariant(ctx, agent, payload, chunks));
    }
  } finally {
    agent.destroy();
  }
  return { variants };
}
