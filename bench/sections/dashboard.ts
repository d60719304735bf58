/**
 * Section 5, the dashboard's cost. One bridge child (caps raised), the same paced load in every round: N streams
 * paced like a model, started over the ramp. Rounds alternate between no dashboard page open and one page open —
 * logged in with a one-time link, the page fetched, its push channel read to the end like a browser would — so
 * machine noise hits both alike. The figure is the bridge child's CPU time per round (process.cpuUsage), median
 * over the rounds of each kind; overhead = page open ÷ no page − 1. The run observer that feeds the dashboard is on
 * in both kinds of round (it always is); what the page adds is the push channel and its rendering.
 */
import { request } from 'node:http';
import { type BridgeProcess, cpuMsBetween, RAISED_CAPS, startBridgeProcess } from '../bridge-process.ts';
import type { BenchContext } from '../context.ts';
import { bridgePath } from '../paths.ts';
import { payloadOf, smallRequest } from '../payloads.ts';
import { type Cell, table } from '../report.ts';
import { median } from '../stats.ts';
import { launch, loadOf } from './paced-load.ts';
import { ttfbWarmup } from './warmup.ts';

/** The bound: with the page open, at most 5% more bridge CPU. */
export const DASHBOARD_CPU_TARGET = 0.05;

export interface DashboardRound {
  page: boolean;
  cpuMs: number;
  errors: number;
  deltas: number;
  /** Push messages and bytes the page received during the round (0 without a page). */
  messages: number;
  bytes: number;
  /** CPU time the bridge's main thread spent building and writing push messages (inside the CPU figure). */
  pushMs: number;
}

export interface DashboardResult {
  streams: number;
  rounds: DashboardRound[];
  medianCpuMsWithout: number;
  medianCpuMsWith: number;
  overhead: number;
  /** Median push time of the page-open rounds ÷ median CPU of the no-page rounds: the page's own share. */
  pushShare: number;
}

function get(
  url: URL,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: NodeJS.ReadableStream }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers }, (res) =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    req.once('error', reject);
    req.end();
  });
}

/** Logs in as `codex-oss dashboard` and a browser would: a one-time link for the key, then the cookie. */
async function login(bridge: BridgeProcess): Promise<string> {
  const root = bridge.baseUrl.replace(/\/v1$/, '');
  const link = await fetch(`${root}/dashboard/login-link`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.apiKey}` },
  });
  const { path } = (await link.json()) as { path: string };
  const landed = await fetch(`${root}${path}`, { redirect: 'manual' });
  return (landed.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

/** An open page: the HTML once, then the push channel, read as it comes. */
async function openPage(bridge: BridgeProcess, cookie: string) {
  const root = bridge.baseUrl.replace(/\/v1$/, '');
  const page = await get(new URL(`${root}/dashboard`), { cookie });
  page.body.resume();
  const events = await get(new URL(`${root}/dashboard/events`), { cookie, accept: 'text/event-stream' });
  if (events.status !== 200) throw new Error(`/dashboard/events answered HTTP ${events.status}`);
  let messages = 0;
  let bytes = 0;
  events.body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    messages +=
      chunk.toString('latin1').split('\nevent: ').length -
      1 +
      (chunk.toString('latin1').startsWith('event: ') ? 1 : 0);
  });
  return {
    close() {
      (events.body as unknown as { destroy(): void }).destroy();
      return { messages, bytes };
    },
  };
}

async function round(
  ctx: BenchContext,
  bridge: BridgeProcess,
  cookie: string | undefined,
): Promise<DashboardRound> {
  const path = bridgePath(bridge);
  const payload = payloadOf('small', smallRequest(), ctx.lookup);
  const page = cookie ? await openPage(bridge, cookie) : undefined;
  const pushBefore = (await bridge.dashboard()).busyMs;
  const before = await bridge.cpu();
  const started = performance.now();
  const results = await launch(ctx, path, payload, ctx.settings.dashboard.streams);
  // The last push message of the round goes out within the push interval.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const cpuMs = cpuMsBetween(before, await bridge.cpu());
  const pushMs = (await bridge.dashboard()).busyMs - pushBefore;
  const load = loadOf(ctx, results, performance.now() - started);
  const pushed = page?.close() ?? { messages: 0, bytes: 0 };
  return { page: cookie !== undefined, cpuMs, errors: load.errors, deltas: load.deltas, ...pushed, pushMs };
}

export async function runDashboard(ctx: BenchContext): Promise<DashboardResult> {
  const { streams, rounds } = ctx.settings.dashboard;
  ctx.upstream.configure({ paced: ctx.settings.concurrency.plan, hold: false });
  const bridge = await startBridgeProcess({ upstreamBaseUrl: ctx.upstream.baseUrl, env: RAISED_CAPS });
  try {
    const payload = payloadOf('small', smallRequest(), ctx.lookup);
    await ttfbWarmup(ctx, bridgePath(bridge), payload);
    const cookie = await login(bridge);
    const measured: DashboardRound[] = [];
    // One unmeasured round of each kind first (JIT of the push path), then alternate, starting side swapped.
    await round(ctx, bridge, cookie);
    await round(ctx, bridge, undefined);
    for (let index = 0; index < rounds * 2; index += 1) {
      const withPage = index % 2 === Math.floor(index / 2) % 2;
      ctx.progress(
        `dashboard: ${streams} paced streams, ${withPage ? 'page open' : 'no page'} (${index + 1}/${rounds * 2})`,
      );
      measured.push(await round(ctx, bridge, withPage ? cookie : undefined));
    }
    const without = median(measured.filter((entry) => !entry.page).map((entry) => entry.cpuMs));
    const withPage = median(measured.filter((entry) => entry.page).map((entry) => entry.cpuMs));
    return {
      streams,
      rounds: measured,
      medianCpuMsWithout: without,
      medianCpuMsWith: withPage,
      overhead: withPage / without - 1,
      pushShare: median(measured.filter((entry) => entry.page).map((entry) => entry.pushMs)) / without,
    };
  } finally {
    await bridge.stop();
  }
}

export function dashboardSection(result: DashboardResult): string {
  const rows: Cell[][] = result.rounds.map((entry, index) => [
    index + 1,
    entry.page ? 'page open' : 'no page',
    entry.cpuMs,
    entry.errors,
    entry.deltas,
    entry.messages,
    entry.bytes,
    entry.pushMs,
  ]);
  const percent = (result.overhead * 100).toFixed(1);
  const met = result.overhead <= DASHBOARD_CPU_TARGET ? 'met' : 'MISSED';
  return [
    `5. Dashboard: ${result.streams} paced streams per round, rounds alternating without and with a page open (goal: ≤ ${DASHBOARD_CPU_TARGET * 100}% more bridge CPU)`,
    table(
      ['round', 'page', 'bridge CPU ms', 'errors', 'deltas', 'push messages', 'push bytes', 'push ms'],
      rows,
      2,
    ),
    `   median bridge CPU per round: no page ${result.medianCpuMsWithout.toFixed(1)} ms, page open ${result.medianCpuMsWith.toFixed(1)} ms: ${percent}% (${met})`,
    `   push channel's own time (building and writing its messages) with the page open: ${(result.pushShare * 100).toFixed(1)}% of a no-page round's CPU`,
  ].join('\n');
}
