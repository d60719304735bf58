/**
 * The printed tables of sections 1b (after a large answer) and 1c (simultaneous starts), with the goals of issue 13
 * next to the figures (goals to read against, not assertions).
 */
import { formatProfile } from './profile-summary.ts';
import { table } from './report.ts';
import type { AfterLargeResult } from './sections/after-large.ts';
import type { ProfileRun } from './sections/profile.ts';
import type { HotPathProfileResult } from './sections/profile-hot-path.ts';
import type { StartsResult } from './sections/starts.ts';

export const HOT_PATH_TARGETS = {
  afterLargeAddedP50Ms: 1,
  startsAddedP50Ms: 10,
  startCpuMs: 0.5,
} as const;

type Cell = string | number | undefined;

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

export function afterLargeSection(result: AfterLargeResult): string {
  const rows: Cell[][] = [];
  for (const variant of result.variants) {
    const { direct, bridge, added } = variant;
    rows.push([
      `${variant.previousChunks} chunks`,
      'direct',
      direct.p50,
      direct.p95,
      direct.p99,
      variant.errors,
    ]);
    rows.push(['', 'bridge', bridge.p50, bridge.p95, bridge.p99, '', variant.bridgeCpuMsPerIteration]);
    rows.push([
      '',
      'added',
      added.p50,
      added.p95,
      added.p99,
      '',
      '',
      verdict(added.p50 <= HOT_PATH_TARGETS.afterLargeAddedP50Ms),
    ]);
  }
  const first = result.variants[0];
  return [
    `1b. Time to first text delta right after an answer on the same connection, ms (${first?.requests ?? 0} interleaved pairs per size; ${first?.measuredChunks ?? 0}-chunk answer measured; goal: added ≤ ${HOT_PATH_TARGETS.afterLargeAddedP50Ms} p50 whatever the previous size)`,
    table(['previous answer', 'path', 'p50', 'p95', 'p99', 'errors', 'bridge CPU ms/pair', 'goal'], rows, 2),
  ].join('\n');
}

export function startsSection(result: StartsResult): string {
  const rows: Cell[][] = [];
  for (const level of result.levels) {
    const { direct, bridge, added } = level;
    const latencyMet = level.errors === 0 && added.p50 <= HOT_PATH_TARGETS.startsAddedP50Ms;
    const startCpuMet = level.bridgeStartCpuMsPerRequest <= HOT_PATH_TARGETS.startCpuMs;
    rows.push([
      `${level.concurrent} × ${level.bursts}`,
      'direct',
      direct.p50,
      direct.p95,
      direct.max,
      level.errors,
    ]);
    rows.push([
      '',
      'bridge',
      bridge.p50,
      bridge.p95,
      bridge.max,
      '',
      level.bridgeCpuMsPerRequest,
      level.bridgeStartCpuMsPerRequest,
      `start CPU ${verdict(startCpuMet)}`,
    ]);
    rows.push(['', 'added', added.p50, added.p95, '', '', '', '', `p50 ${verdict(latencyMet)}`]);
  }
  return [
    `1c. Simultaneous starts: request sent → first delta, ms (bursts of N at once, ${result.levels[0]?.replyChunks ?? 0}-chunk answers, caps raised; goal: added ≤ ${HOT_PATH_TARGETS.startsAddedP50Ms} p50, ≤ ${HOT_PATH_TARGETS.startCpuMs} bridge CPU ms per request start; the start = until the upstream has the call, measured with the upstream's answers held back)`,
    table(
      [
        'N × bursts',
        'path',
        'p50',
        'p95',
        'max',
        'errors',
        'bridge CPU ms/request',
        'of it the start',
        'goal',
      ],
      rows,
      2,
    ),
  ].join('\n');
}

export function hotPathProfileSection(result: HotPathProfileResult): string {
  const runs = [result.afterLarge, result.starts].filter((run): run is ProfileRun => run !== undefined);
  return runs
    .map((run) =>
      [
        `Profile: ${run.workload} (while profiled: ${run.cpuMsPer1k.toFixed(2)} CPU ms / 1k chunks)`,
        formatProfile(run.summary),
      ].join('\n'),
    )
    .join('\n\n');
}
