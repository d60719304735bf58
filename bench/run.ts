/**
 * `npm run bench` (`node bench/run.ts [--quick] [--profile] [--only=…]`): starts the bench upstream in this
 * process and the real bridge in a child process, runs each section with the same client on both paths, prints
 * the tables and writes bench/out/results.json.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateReasoningKey } from '../src/state/secrets.ts';
import { createReasoningCarrier } from '../src/translate/reasoning-carrier.ts';
import { RAISED_CAPS, startBridgeProcess } from './bridge-process.ts';
import type { BenchContext } from './context.ts';
import { startFastUpstream } from './fast-upstream.ts';
import { type BenchSettings, parseArgs, USAGE } from './options.ts';
import { bridgePath, directPath } from './paths.ts';
import { benchLookup, memoryStore } from './payloads.ts';
import { formatReport, TARGETS } from './report.ts';
import { HOT_PATH_TARGETS } from './report-hot-path.ts';
import { type BenchResults, describeMachine, describeSource, writeResults } from './results.ts';
import { runAfterLarge } from './sections/after-large.ts';
import { runAllocation } from './sections/allocation.ts';
import { runBigRequest } from './sections/big-request.ts';
import { runBurst } from './sections/burst.ts';
import { runConcurrency } from './sections/concurrency.ts';
import { runDashboard } from './sections/dashboard.ts';
import { runProfile } from './sections/profile.ts';
import { runHotPathProfile } from './sections/profile-hot-path.ts';
import { runSoak } from './sections/soak.ts';
import { runStarts } from './sections/starts.ts';
import { runThroughput } from './sections/throughput.ts';
import { runTtfb } from './sections/ttfb.ts';
import { keepAliveAgent } from './sse-client.ts';

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function runSections(ctx: BenchContext, results: BenchResults): Promise<void> {
  const { sections } = ctx.settings;
  if (sections.includes('ttfb')) results.sections.ttfb = await runTtfb(ctx);
  if (sections.includes('after-large')) results.sections.afterLarge = await runAfterLarge(ctx);
  if (sections.includes('starts')) results.sections.starts = await runStarts(ctx);
  if (sections.includes('alloc')) results.sections.alloc = await runAllocation(ctx);
  if (sections.includes('throughput')) results.sections.throughput = await runThroughput(ctx);
  if (ctx.settings.profile) results.sections.profile = await runProfile(ctx);
  if (ctx.settings.profile) results.sections.hotPathProfile = await runHotPathProfile(ctx);
  if (sections.includes('concurrency')) results.sections.concurrency = await runConcurrency(ctx);
  if (sections.includes('burst')) results.sections.burst = await runBurst(ctx);
  if (sections.includes('big')) results.sections.big = await runBigRequest(ctx);
  if (sections.includes('soak')) results.sections.soak = await runSoak(ctx);
  if (sections.includes('dashboard')) results.sections.dashboard = await runDashboard(ctx);
}

async function main(settings: BenchSettings): Promise<void> {
  mkdirSync(settings.outDir, { recursive: true });
  const upstream = await startFastUpstream({
    floodChunks: settings.throughput.chunks,
    paced: settings.concurrency.plan,
    hold: false,
  });
  const bridge = await startBridgeProcess({ upstreamBaseUrl: upstream.baseUrl, env: RAISED_CAPS });
  const agent = keepAliveAgent();
  const store = memoryStore();
  const carrier = createReasoningCarrier(loadOrCreateReasoningKey(bridge.stateDir));
  const ctx: BenchContext = {
    settings,
    agent,
    upstream,
    bridge,
    direct: directPath(upstream),
    viaBridge: bridgePath(bridge),
    lookup: benchLookup(carrier, store),
    bridgeCarrier: carrier,
    progress,
  };
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: `node bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    source: describeSource(),
    mode: settings.quick ? 'quick' : 'full',
    machine: describeMachine(),
    settings,
    targets: { ...TARGETS, ...HOT_PATH_TARGETS },
    sections: {},
  };
  progress(`bridge child pid ${bridge.pid} at ${bridge.baseUrl}; upstream ${upstream.baseUrl}`);
  try {
    await runSections(ctx, results);
  } finally {
    agent.destroy();
    store.close();
    await bridge.stop();
    await upstream.close();
  }
  process.stdout.write(formatReport(results));
  progress(`figures written to ${writeResults(settings.outDir, results)}`);
}

let settings: BenchSettings | 'help';
try {
  settings = parseArgs(process.argv.slice(2), path.join(import.meta.dirname, 'out'));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
if (settings === 'help') {
  process.stdout.write(`${USAGE}\n`);
} else {
  await main(settings);
}
