/**
 * The JSON written to results.json: the machine, the settings, the goals and every section's figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchSettings } from './options.ts';
import type { AfterLargeResult } from './sections/after-large.ts';
import type { AllocationResult } from './sections/allocation.ts';
import type { BigRequestResult } from './sections/big-request.ts';
import type { BurstResult } from './sections/burst.ts';
import type { ConcurrencyResult } from './sections/concurrency.ts';
import type { DashboardResult } from './sections/dashboard.ts';
import type { ProfileResult } from './sections/profile.ts';
import type { HotPathProfileResult } from './sections/profile-hot-path.ts';
import type { SoakResult } from './sections/soak.ts';
import type { StartsResult } from './sections/starts.ts';
import type { ThroughputResult } from './sections/throughput.ts';
import type { TtfbResult } from './sections/ttfb.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemoryGiB: number;
}

/** Which code was measured: the commit, and how many files differed from it (read-only git queries). */
export interface SourceState {
  commit: string;
  changedFiles: number;
}

export interface BenchResults {
  generatedAt: string;
  command: string;
  source: SourceState | undefined;
  mode: 'quick' | 'full';
  machine: Machine;
  settings: BenchSettings;
  targets: Record<string, number>;
  sections: {
    ttfb?: TtfbResult;
    afterLarge?: AfterLargeResult;
    starts?: StartsResult;
    alloc?: AllocationResult;
    throughput?: ThroughputResult;
    concurrency?: ConcurrencyResult;
    burst?: BurstResult;
    big?: BigRequestResult;
    profile?: ProfileResult;
    hotPathProfile?: HotPathProfileResult;
    soak?: SoakResult;
    dashboard?: DashboardResult;
  };
}

export function describeMachine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

export function describeSource(): SourceState | undefined {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: path.join(import.meta.dirname, '..'), encoding: 'utf8', stdio: 'pipe' });
  try {
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean);
    return { commit: git('rev-parse', '--short', 'HEAD').trim(), changedFiles: changed.length };
  } catch {
    return undefined;
  }
}

export function writeResults(outDir: string, results: BenchResults): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
