/**
 * `--profile` with section 1b or 1c selected: their workloads again against bridge children under --cpu-prof
 * (see profile.ts): answers of 500 chunks each followed by a short one on the same connection, and bursts of 20
 * simultaneous starts. Written to bench/out/bridge-after-large.cpuprofile and bridge-starts.cpuprofile.
 */
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../context.ts';
import { bridgePath, runOn } from '../paths.ts';
import { payloadOf, smallRequest } from '../payloads.ts';
import { type ProfileRun, profiled } from './profile.ts';

export interface HotPathProfileResult {
  afterLarge?: ProfileRun;
  starts?: ProfileRun;
}

export async function runHotPathProfile(ctx: BenchContext): Promise<HotPathProfileResult> {
  const payload = payloadOf('small', smallRequest(), ctx.lookup);
  const result: HotPathProfileResult = {};
  const { sections, afterLarge, starts } = ctx.settings;
  if (sections.includes('after-large')) {
    const previous = Math.max(...afterLarge.previousChunks);
    const pairs = afterLarge.requests;
    ctx.progress(
      `profile: ${pairs} ${previous}-chunk answers, each followed by a short one, under --cpu-prof`,
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      result.afterLarge = await profiled(
        ctx,
        'bridge-after-large.cpuprofile',
        `${pairs} ${previous}-chunk answers, each followed by a ${afterLarge.measuredChunks}-chunk one`,
        async (bridge) => {
          const started = performance.now();
          for (let index = 0; index < pairs; index += 1) {
            await runOn(agent, bridgePath(bridge), payload, 'sized', { id: `${previous}.pl${index}` });
            await runOn(agent, bridgePath(bridge), payload, 'sized', {
              id: `${afterLarge.measuredChunks}.pm${index}`,
            });
          }
          const chunks = pairs * (previous + afterLarge.measuredChunks);
          return { chunks, chunksPerSecond: (chunks / (performance.now() - started)) * 1000 };
        },
      );
    } finally {
      agent.destroy();
    }
  }
  if (sections.includes('starts')) {
    const concurrent = 20;
    const bursts = Math.max(...starts.levels.map((level) => level.bursts)) * 2;
    ctx.progress(`profile: ${bursts} bursts of ${concurrent} simultaneous starts under --cpu-prof`);
    result.starts = await profiled(
      ctx,
      'bridge-starts.cpuprofile',
      `${bursts} bursts of ${concurrent} simultaneous ${starts.replyChunks}-chunk requests`,
      async (bridge) => {
        const started = performance.now();
        for (let index = 0; index < bursts; index += 1) {
          await Promise.all(
            Array.from({ length: concurrent }, (_, request) =>
              runOn(ctx.agent, bridgePath(bridge), payload, 'sized', {
                id: `${starts.replyChunks}.pb${index}-${request}`,
              }),
            ),
          );
          await sleep(30);
        }
        const chunks = bursts * concurrent * starts.replyChunks;
        return { chunks, chunksPerSecond: (chunks / (performance.now() - started)) * 1000 };
      },
    );
  }
  return result;
}
