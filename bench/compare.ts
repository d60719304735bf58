/**
 * `node bench/compare.ts --base=DIR [--quick]`: the hot-path scenarios of sections 1, 1b and 1c with two bridges in
 * the same run, this checkout's ("head") and another checkout's ("base", e.g. a `git worktree` of the commit before
 * a change, with its dependencies installed), plus the direct path. Every iteration rotates the order of the three
 * paths, so a busy machine slows all of them alike; a figure from one run is only ever compared with a figure from
 * the same run. Bridge CPU is each child's `process.cpuUsage()` over a scenario ÷ the requests it served there (an
 * idle child costs next to nothing while the others run). A fourth path, "node", goes through a bare Node proxy
 * (bare-proxy.ts): the floor that Node's HTTP server and client alone cost, measured the same way.
 */
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createReasoningCarrier } from '../src/translate/reasoning-carrier.ts';
import { startBareProxy } from './bare-proxy.ts';
import { type BridgeProcess, cpuMsBetween, RAISED_CAPS, startBridgeProcess } from './bridge-process.ts';
import { startFastUpstream } from './fast-upstream.ts';
import { bridgePath, directPath, type Path, runOn } from './paths.ts';
import { benchLookup, memoryStore, type Payload, payloadOf, smallRequest } from './payloads.ts';
import { table } from './report.ts';
import { describeSource } from './results.ts';
import { keepAliveAgent, type StreamResult, streamProblem } from './sse-client.ts';
import { summarize } from './stats.ts';

type Side = 'direct' | 'node' | 'base' | 'head';
/** The sides that run in a child process of their own, whose CPU is measured. */
type Child = Exclude<Side, 'direct'>;
const SIDES: readonly Side[] = ['direct', 'node', 'base', 'head'];
const CHILDREN: readonly Child[] = ['node', 'base', 'head'];

interface Scenario {
  name: string;
  iterations: number;
  warmup: number;
  /** Requests one iteration makes on one path. */
  requests: number;
  /** One iteration on one path: the timed first deltas (ms), or a problem. */
  run(path: Path, iteration: number): Promise<number[] | string>;
}

interface Outcome {
  name: string;
  times: Record<Side, number[]>;
  cpuMsPerRequest: Record<Child, number>;
  errors: string[];
}

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv
    .slice(2)
    .find((arg) => arg.startsWith(prefix))
    ?.slice(prefix.length);
}

const base = flag('base');
if (!base) {
  process.stderr.write(
    'Usage: node bench/compare.ts --base=DIR [--quick]  (DIR: another checkout, deps installed)\n',
  );
  process.exit(2);
}
const quick = process.argv.includes('--quick');
const progress = (message: string) =>
  process.stderr.write(`[compare ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const { startBridgeProcess: startBaseProcess } = (await import(
  pathToFileURL(path.resolve(base, 'bench', 'bridge-process.ts')).href
)) as { startBridgeProcess: typeof startBridgeProcess };

const upstream = await startFastUpstream({
  floodChunks: 1000,
  paced: { reasoning: 1, text: 1, toolArgs: 0, intervalMs: 20 },
  hold: false,
});
const bridges: Record<'base' | 'head', BridgeProcess> = {
  base: await startBaseProcess({ upstreamBaseUrl: upstream.baseUrl, env: RAISED_CAPS }),
  head: await startBridgeProcess({ upstreamBaseUrl: upstream.baseUrl, env: RAISED_CAPS }),
};
const bare = await startBareProxy(upstream.baseUrl);
const children: Record<Child, { cpu(): Promise<NodeJS.CpuUsage> }> = { node: bare, ...bridges };
const paths: Record<Side, Path> = {
  direct: directPath(upstream),
  node: { ...directPath(upstream), url: new URL(`${bare.baseUrl}/chat/completions`) },
  base: bridgePath(bridges.base),
  head: bridgePath(bridges.head),
};
const store = memoryStore();
const payload: Payload = payloadOf(
  'small',
  smallRequest(),
  benchLookup(createReasoningCarrier(randomBytes(32)), store),
);
const pooled = keepAliveAgent();
// One socket per origin: a request right after an answer goes on the same keep-alive connection.
const single = new Agent({ keepAlive: true, maxSockets: 1 });
let sequence = 0;

function timed(result: StreamResult, chunks: number, at: 'firstTextAt' | 'firstDeltaAt'): number | string {
  const problem = streamProblem(result, chunks);
  const when = result[at];
  if (problem || when === undefined) return problem ?? 'no delta';
  return when - result.startedAt;
}

const sized = (agent: Agent, path: Path, chunks: number) =>
  runOn(agent, path, payload, 'sized', { id: `${chunks}.c${sequence++}` });

function afterAnswer(previous: number): Scenario['run'] {
  return async (path) => {
    const first = await sized(single, path, previous);
    const problem = streamProblem(first, previous);
    if (problem) return `previous answer: ${problem}`;
    const time = timed(await sized(single, path, 20), 20, 'firstTextAt');
    return typeof time === 'string' ? time : [time];
  };
}

function burst(size: number): Scenario['run'] {
  return async (path) => {
    const results = await Promise.all(Array.from({ length: size }, () => sized(pooled, path, 20)));
    await sleep(30);
    const times = results.map((result) => timed(result, 20, 'firstDeltaAt'));
    const problem = times.find((time): time is string => typeof time === 'string');
    return problem ?? (times as number[]);
  };
}

const scale = (full: number, small: number) => (quick ? small : full);
const scenarios: Scenario[] = [
  {
    name: 'sequential, 20-chunk answers',
    iterations: scale(1000, 150),
    warmup: scale(200, 50),
    requests: 1,
    run: async (path) => {
      const time = timed(await sized(single, path, 20), 20, 'firstTextAt');
      return typeof time === 'string' ? time : [time];
    },
  },
  {
    name: 'right after a 20-chunk answer',
    iterations: scale(400, 80),
    warmup: 50,
    requests: 2,
    run: afterAnswer(20),
  },
  {
    name: 'right after a 500-chunk answer',
    iterations: scale(400, 80),
    warmup: 50,
    requests: 2,
    run: afterAnswer(500),
  },
  { name: 'bursts of 20 at once', iterations: scale(40, 8), warmup: 3, requests: 20, run: burst(20) },
  { name: 'bursts of 100 at once', iterations: scale(15, 3), warmup: 2, requests: 100, run: burst(100) },
];

async function measure(scenario: Scenario): Promise<Outcome> {
  const times: Record<Side, number[]> = { direct: [], node: [], base: [], head: [] };
  const errors: string[] = [];
  const cpuBefore = {} as Record<Child, NodeJS.CpuUsage>;
  for (let index = 0; index < scenario.warmup + scenario.iterations; index += 1) {
    if (index === scenario.warmup)
      for (const child of CHILDREN) cpuBefore[child] = await children[child].cpu();
    const order = SIDES.map((_, offset) => SIDES[(index + offset) % SIDES.length] as Side);
    for (const side of order) {
      const outcome = await scenario.run(paths[side], index);
      if (index < scenario.warmup) continue;
      if (typeof outcome === 'string') errors.push(`${side}: ${outcome}`);
      else times[side].push(...outcome);
    }
  }
  const served = scenario.iterations * scenario.requests;
  const cpuMsPerRequest = {} as Record<Child, number>;
  for (const child of CHILDREN)
    cpuMsPerRequest[child] = cpuMsBetween(cpuBefore[child], await children[child].cpu()) / served;
  return { name: scenario.name, times, cpuMsPerRequest, errors };
}

const outcomes: Outcome[] = [];
const load: number[][] = [os.loadavg()];
try {
  for (const scenario of scenarios) {
    progress(`${scenario.name}: ${scenario.iterations} iterations per path`);
    outcomes.push(await measure(scenario));
    load.push(os.loadavg());
  }
} finally {
  pooled.destroy();
  single.destroy();
  store.close();
  await Promise.all([bridges.base.stop(), bridges.head.stop(), bare.stop()]);
  await upstream.close();
}

const rows = outcomes.flatMap((outcome) => {
  const direct = summarize(outcome.times.direct);
  return CHILDREN.map((side) => {
    const bridge = summarize(outcome.times[side]);
    return [
      side === CHILDREN[0] ? outcome.name : '',
      side,
      direct.p50,
      bridge.p50,
      bridge.p50 - direct.p50,
      bridge.p95 - direct.p95,
      outcome.cpuMsPerRequest[side],
      side === CHILDREN[0] ? outcome.errors.length : '',
    ];
  });
});
const source = describeSource();
const loads = load.map((sample) => sample[0]?.toFixed(1)).join(' → ');
process.stdout.write(
  `${[
    `bench/compare.ts — ${os.cpus()[0]?.model ?? 'unknown'}, ${os.availableParallelism()} CPUs, node ${process.version}; head ${source ? `${source.commit}${source.changedFiles ? ` + ${source.changedFiles} changed files` : ''}` : '?'}, base ${base}`,
    `1-minute load average at the start and after each scenario: ${loads}`,
    "Time to first delta (text delta for the sequential rows), ms; added = path − direct; CPU = the child's CPU ms per request; node = a bare Node proxy (bench/bare-proxy.ts), the floor",
    table(
      ['scenario', 'path', 'direct p50', 'path p50', 'added p50', 'added p95', 'CPU ms/request', 'errors'],
      rows,
      2,
    ),
    ...outcomes.flatMap((outcome) => outcome.errors.slice(0, 3).map((error) => `${outcome.name}: ${error}`)),
  ].join('\n')}\n`,
);
