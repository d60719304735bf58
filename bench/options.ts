/**
 * Command-line flags → what each section runs. `--quick` shrinks every section so the whole run takes seconds.
 */
import type { PacedPlan } from './chat-chunks.ts';

export const SECTIONS = [
  'ttfb',
  'after-large',
  'starts',
  'alloc',
  'throughput',
  'concurrency',
  'burst',
  'big',
  'soak',
  'dashboard',
] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchSettings {
  quick: boolean;
  profile: boolean;
  sections: readonly SectionName[];
  outDir: string;
  ttfb: { requests: number; warmup: number };
  /** Section 1b: answers of each `previousChunks` size, each followed on its connection by a measured request. */
  afterLarge: { requests: number; warmup: number; previousChunks: number[]; measuredChunks: number };
  /** Section 1c: bursts of simultaneous requests, each answered with `replyChunks`. */
  starts: {
    levels: Array<{ concurrent: number; bursts: number }>;
    warmupBursts: number;
    replyChunks: number;
  };
  /** Section 1d: requests sampled one at a time (small, then the Codex turn), and bursts of 20 sampled. */
  alloc: { requests: number; bursts: number; replyChunks: number };
  throughput: { chunks: number; rounds: number; warmupRounds: number };
  /** `profileStreams`: the paced level profiled under --profile (below saturation, so reads stay one chunk). */
  concurrency: { levels: number[]; plan: PacedPlan; rampMs: number; profileStreams: number };
  burst: { requests: number; plan: PacedPlan; smallQueue: number };
  big: { historyItems: number; targetBytes: number; pureRuns: number; endToEndRuns: number };
  soak: { rounds: number; requestsPerRound: number; inFlight: number };
  /** Paced streams per round and rounds of each kind (no page / page open), same paced plan as concurrency. */
  dashboard: { streams: number; rounds: number };
}

const USAGE = `Usage: node bench/run.ts [--quick] [--profile] [--only=ttfb,after-large,starts,alloc,throughput,concurrency,burst,big,soak,dashboard] [--out=DIR]
  --quick    small N everywhere (about 50 s)
  --profile  also run the throughput flood and one paced level with the bridge under --cpu-prof, and summarise
  --only     run only these sections
  --out      where results.json (and the profile) go (default bench/out)`;

function flagValue(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

function parseSections(value: string | undefined): SectionName[] {
  if (!value) return [...SECTIONS];
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(SECTIONS as readonly string[]).includes(name))
      throw new Error(`unknown section '${name}'\n${USAGE}`);
  }
  return names as SectionName[];
}

export function parseArgs(args: readonly string[], defaultOutDir: string): BenchSettings | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  const known = ['--quick', '--profile'];
  for (const arg of args) {
    if (!known.includes(arg) && !arg.startsWith('--only=') && !arg.startsWith('--out='))
      throw new Error(`unknown argument '${arg}'\n${USAGE}`);
  }
  const quick = args.includes('--quick');
  return {
    quick,
    profile: args.includes('--profile'),
    sections: parseSections(flagValue(args, 'only')),
    outDir: flagValue(args, 'out') ?? defaultOutDir,
    ttfb: quick ? { requests: 150, warmup: 50 } : { requests: 2000, warmup: 300 },
    afterLarge: {
      ...(quick ? { requests: 100, warmup: 30 } : { requests: 600, warmup: 100 }),
      previousChunks: [20, 500],
      measuredChunks: 20,
    },
    starts: {
      levels: quick
        ? [
            { concurrent: 20, bursts: 8 },
            { concurrent: 100, bursts: 3 },
          ]
        : [
            { concurrent: 20, bursts: 40 },
            { concurrent: 100, bursts: 15 },
          ],
      warmupBursts: 3,
      replyChunks: 20,
    },
    alloc: quick
      ? { requests: 100, bursts: 5, replyChunks: 20 }
      : { requests: 500, bursts: 25, replyChunks: 20 },
    throughput: quick
      ? { chunks: 5_000, rounds: 3, warmupRounds: 1 }
      : { chunks: 20_000, rounds: 10, warmupRounds: 3 },
    concurrency: quick
      ? {
          levels: [50, 100],
          plan: { reasoning: 10, text: 30, toolArgs: 5, intervalMs: 20 },
          rampMs: 200,
          profileStreams: 50,
        }
      : {
          levels: [100, 500, 1000],
          plan: { reasoning: 40, text: 100, toolArgs: 20, intervalMs: 20 },
          rampMs: 1000,
          profileStreams: 200,
        },
    burst: { requests: 20, plan: { reasoning: 5, text: 15, toolArgs: 0, intervalMs: 20 }, smallQueue: 8 },
    big: quick
      ? { historyItems: 500, targetBytes: 2_000_000, pureRuns: 5, endToEndRuns: 3 }
      : { historyItems: 500, targetBytes: 2_000_000, pureRuns: 30, endToEndRuns: 15 },
    soak: quick
      ? { rounds: 4, requestsPerRound: 250, inFlight: 4 }
      : { rounds: 10, requestsPerRound: 1000, inFlight: 4 },
    dashboard: quick ? { streams: 100, rounds: 2 } : { streams: 100, rounds: 10 },
  };
}

export { USAGE };
