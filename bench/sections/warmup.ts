/**
 * Warms a freshly started bridge child (JIT, connection pools) before anything is measured on it.
 */
import type { BenchContext } from '../context.ts';
import { type Path, runOn } from '../paths.ts';
import type { Payload } from '../payloads.ts';

export async function ttfbWarmup(
  ctx: BenchContext,
  path: Path,
  payload: Payload,
  requests = 200,
): Promise<void> {
  for (let index = 0; index < requests; index += 1) await runOn(ctx.agent, path, payload, 'ttfb');
  await Promise.all(Array.from({ length: 20 }, () => runOn(ctx.agent, path, payload, 'ttfb')));
}
