/**
 * The printed report: one table per section, each with the project's goal next to the figure (goals to read
 * against, not assertions).
 */

import { planChunkCount } from './chat-chunks.ts';
import { formatProfile } from './profile-summary.ts';
import { afterLargeSection, hotPathProfileSection, startsSection } from './report-hot-path.ts';
import type { BenchResults } from './results.ts';
import { allocationSection } from './sections/allocation.ts';
import type { BigRequestResult } from './sections/big-request.ts';
import type { BurstResult } from './sections/burst.ts';
import type { ConcurrencyLevel, ConcurrencyResult } from './sections/concurrency.ts';
import { dashboardSection } from './sections/dashboard.ts';
import type { ProfileResult, ProfileRun } from './sections/profile.ts';
import type { SoakResult } from './sections/soak.ts';
import type { ThroughputResult } from './sections/throughput.ts';
import type { TtfbResult } from './sections/ttfb.ts';

export const TARGETS = {
  ttfbAddedP50Ms: 1,
  ttfbAddedP99Ms: 5,
  chunksPerSecond: 100_000,
  heapPerStreamKiB: 64,
  concurrentStreams: 1000,
  soakHeapGrowthMiB: 5,
} as const;

export type Cell = string | number | undefined;

function cell(value: Cell, digits = 2): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '–';
  if (Number.isInteger(value) && Math.abs(value) < 10_000) return String(value);
  if (Math.abs(value) >= 10_000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

/** Columns before `textColumns` are left-aligned labels; the rest are right-aligned figures. */
export function table(headers: string[], rows: Cell[][], textColumns = 1): string {
  const text = rows.map((row) => row.map((value) => cell(value)));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...text.map((row) => (row[column] ?? '').length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, column) =>
        column < textColumns ? value.padEnd(widths[column] ?? 0) : value.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...text.map(line)].join('\n');
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

function ttfbSection(result: TtfbResult): string {
  const rows: Cell[][] = [];
  for (const variant of result.variants) {
    const goal = verdict(
      variant.added.p50 <= TARGETS.ttfbAddedP50Ms && variant.added.p99 <= TARGETS.ttfbAddedP99Ms,
    );
    const { direct, bridge, added } = variant;
    rows.push([variant.payload, 'direct', direct.p50, direct.p95, direct.p99, variant.errors, '', '']);
    rows.push(['', 'bridge', bridge.p50, bridge.p95, bridge.p99, '', variant.bridgeCpuMsPerRequest, '']);
    rows.push(['', 'added', added.p50, added.p95, added.p99, '', '', goal]);
  }
  const n = result.variants[0]?.requests ?? 0;
  return [
    `1. Time to first text delta, ms (${n} interleaved pairs per payload; goal: added ≤ ${TARGETS.ttfbAddedP50Ms} p50, ≤ ${TARGETS.ttfbAddedP99Ms} p99)`,
    table(['payload', 'path', 'p50', 'p95', 'p99', 'errors', 'bridge CPU ms/request', 'goal'], rows, 2),
  ].join('\n');
}

function throughputSection(result: ThroughputResult): string {
  const { bridge, direct } = result;
  const perCoreSecond = 1_000_000 / bridge.cpuMsPer1k;
  return [
    `2. Throughput, ${result.chunks.toLocaleString('en-US')} chunks of 1–4 chars per stream, median of ${result.rounds.length / 2} rounds (goal: ≥ ${TARGETS.chunksPerSecond.toLocaleString('en-US')} chunks/s on one core)`,
    table(
      [
        'path',
        'chunks/s',
        'bridge CPU ms / 1k chunks',
        'chunks per bridge CPU-s',
        'bridge core use',
        'bench core use',
        'errors',
        'goal',
      ],
      [
        ['direct', direct.chunksPerSecond, '', '', '', '', result.errors, ''],
        [
          'bridge',
          bridge.chunksPerSecond,
          cell(bridge.cpuMsPer1k, 3),
          perCoreSecond,
          bridge.coreUse,
          bridge.benchCoreUse,
          '',
          verdict(Math.max(bridge.chunksPerSecond, perCoreSecond) >= TARGETS.chunksPerSecond),
        ],
      ],
    ),
    '   bridge CPU = process.cpuUsage() of the bridge child process only (client and upstream run in the bench process).',
  ].join('\n');
}

function latencyRows(level: ConcurrencyLevel): Cell[][] {
  const rows = (['direct', 'bridge'] as const).map((name): Cell[] => {
    const load = level[name];
    return [
      name === 'direct' ? level.streams : '',
      name,
      load.errors,
      load.chunkLatency.p50,
      load.chunkLatency.p99,
      load.gap.p99,
      load.firstDelta.p50,
      load.firstDelta.p99,
      cell(load.duration.p99 / 1000),
      load.deliveredChunksPerSecond,
    ];
  });
  return [...rows, ['', 'added', '', level.addedLatency.p50, level.addedLatency.p99]];
}

function resourceRow(level: ConcurrencyLevel): Cell[] {
  const { bridge, direct } = level;
  const heap = bridge.memory?.heapPerStreamKiB;
  const met = bridge.errors === 0 && heap !== undefined && heap <= TARGETS.heapPerStreamKiB;
  return [
    level.streams,
    bridge.errors,
    heap,
    bridge.memory?.rssPerStreamKiB,
    bridge.memory ? bridge.memory.open.heapUsed / 2 ** 20 : undefined,
    bridge.cpuMsPer1k,
    bridge.coreUse,
    `${((bridge.deliveredChunksPerSecond / direct.deliveredChunksPerSecond) * 100).toFixed(0)}%`,
    verdict(met),
  ];
}

function concurrencySection(result: ConcurrencyResult): string {
  const { plan } = result;
  const planned = (planChunkCount(plan) * plan.intervalMs) / 1000;
  return [
    `3. Concurrency: paced streams (${plan.reasoning} reasoning + ${plan.text} text + ${plan.toolArgs} tool-argument chunks, one per ${plan.intervalMs} ms, ~${planned.toFixed(1)} s each), started over ${result.rampMs} ms, caps raised`,
    '   Latency = upstream write → client read of that delta (ms); 1st delta = request sent → first delta (ms), where admission delay shows.',
    table(
      [
        'streams',
        'path',
        'errors',
        'latency p50',
        'latency p99',
        'gap p99',
        '1st delta p50',
        '1st delta p99',
        'duration p99 s',
        'chunks/s delivered',
      ],
      result.levels.flatMap(latencyRows),
      2,
    ),
    `   Bridge process per level (goal: 0 errors with ${TARGETS.concurrentStreams} streams; ≤ ${TARGETS.heapPerStreamKiB} KiB heap per open stream). Memory read after a full GC with all streams open.`,
    table(
      [
        'streams',
        'errors',
        'heap KiB/stream',
        'RSS KiB/stream',
        'heap MiB open',
        'CPU ms / 1k chunks',
        'core use',
        'pace kept (delivered vs direct)',
        'goal',
      ],
      result.levels.map(resourceRow),
    ),
  ].join('\n');
}

function burstSection(result: BurstResult): string {
  const rows = result.variants.map((variant): Cell[] => [
    variant.name,
    variant.ok,
    variant.rejected429,
    variant.retryAfter.join(',') || '–',
    variant.otherErrors.length,
    variant.queueWait.p50,
    variant.queueWait.max,
    variant.firstDelta.p50,
    variant.firstDelta.max,
    variant.upstreamMaxConcurrent,
  ]);
  return [
    `3b. Burst of ${result.variants[0]?.requests ?? 0} requests at once against the default caps (each stream ~${result.streamMs} ms), ms`,
    table(
      [
        'bridge config',
        'ok',
        '429',
        'Retry-After',
        'other errors',
        'queued p50',
        'queued max',
        '1st delta p50',
        '1st delta max',
        'upstream max concurrent',
      ],
      rows,
    ),
  ].join('\n');
}

function bigSection(result: BigRequestResult): string {
  const { steps, forward } = result;
  const step = (name: string, summary: { p50: number; p95: number }) => [name, summary.p50, summary.p95];
  return [
    `4. Big request: ${result.historyItems} history items, ${(result.responsesBytes / 1e6).toFixed(2)} MB Responses → ${(result.chatBytes / 1e6).toFixed(2)} MB Chat (${result.chatMessages} messages), ms`,
    table(
      ['step (in process)', 'p50', 'p95'],
      [
        step('JSON.parse', steps.jsonParse),
        step('validate (zod)', steps.validate),
        step('parseInputItems', steps.inputItems),
        step('translateRequest', steps.translateRequest),
        step('JSON.stringify', steps.jsonStringify),
        step('total', steps.total),
      ],
    ),
    table(
      ['send → upstream has body', 'p50', 'p95', 'errors'],
      [
        ['direct (Chat body)', forward.direct.p50, forward.direct.p95, result.errors],
        ['bridge (Responses body)', forward.bridge.p50, forward.bridge.p95, ''],
        ['added', forward.added.p50, forward.added.p95, ''],
      ],
    ),
  ].join('\n');
}

function soakSection(result: SoakResult): string {
  const served = result.rounds.at(-1)?.requests ?? 0;
  const rows = [result.baseline, ...result.rounds].map((round): Cell[] => [
    round.requests,
    round.heapUsedMiB,
    round.heapUsedMiB - result.baseline.heapUsedMiB,
    round.rssMiB,
  ]);
  return [
    `5. Soak: ${served.toLocaleString('en-US')} streaming requests (${(result.payloadBytes / 1000).toFixed(0)} KB Codex turn, ${result.inFlight} in flight), bridge memory after a full GC per round (goal: heap growth ≤ ${TARGETS.soakHeapGrowthMiB} MiB)`,
    table(['requests', 'heap MiB', 'growth MiB', 'RSS MiB'], rows),
    `   heap growth ${cell(result.heapGrowthMiB)} MiB = ${cell(result.heapPerRequestKiB, 3)} KiB per request (from the first round on: ${cell(result.steadyHeapPerRequestKiB, 3)} KiB per request); errors ${result.errors}${result.firstError ? ` (first: ${result.firstError})` : ''}; goal ${verdict(result.errors === 0 && result.heapGrowthMiB <= TARGETS.soakHeapGrowthMiB)}`,
  ].join('\n');
}

function profileRun(run: ProfileRun): string {
  return [
    `Profile: ${run.workload} (while profiled: ${cell(run.chunksPerSecond)} chunks/s, ${cell(run.cpuMsPer1k)} CPU ms / 1k chunks)`,
    formatProfile(run.summary),
  ].join('\n');
}

function profileSection(result: ProfileResult): string {
  return [profileRun(result.flood), profileRun(result.paced), profileRun(result.requests)].join('\n\n');
}

export function formatReport(results: BenchResults): string {
  const { machine, sections, source } = results;
  const code = source
    ? `, code ${source.commit}${source.changedFiles ? ` + ${source.changedFiles} changed files` : ''}`
    : '';
  const parts = [
    `opencode-bridge benchmark (${results.mode}) — ${machine.cpuModel}, ${machine.cpus} CPUs, node ${machine.node}${code}, ${results.generatedAt}`,
  ];
  if (sections.ttfb) parts.push(ttfbSection(sections.ttfb));
  if (sections.afterLarge) parts.push(afterLargeSection(sections.afterLarge));
  if (sections.starts) parts.push(startsSection(sections.starts));
  if (sections.alloc) parts.push(allocationSection(sections.alloc));
  if (sections.throughput) parts.push(throughputSection(sections.throughput));
  if (sections.concurrency) parts.push(concurrencySection(sections.concurrency));
  if (sections.burst) parts.push(burstSection(sections.burst));
  if (sections.big) parts.push(bigSection(sections.big));
  if (sections.soak) parts.push(soakSection(sections.soak));
  if (sections.dashboard) parts.push(dashboardSection(sections.dashboard));
  if (sections.profile) parts.push(profileSection(sections.profile));
  if (sections.hotPathProfile) parts.push(hotPathProfileSection(sections.hotPathProfile));
  return `${parts.join('\n\n')}\n`;
}
