/**
 * Aggregates a V8 .cpuprofile (node --cpu-prof) by function name and URL: self time per function and per file,
 * largest first, optionally only over a window of the profiled process's clock. Usable on its own:
 * `node bench/profile-summary.ts bench/out/bridge-throughput.cpuprofile [--top=20] [--from=µs --to=µs]`
 * (results.json records the window the bench measured in, under sections.profile.window).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  functionName: string;
  location: string;
  selfMs: number;
  /** Share of busy time (everything but `(idle)`). */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  wallMs: number;
  busyMs: number;
  idleMs: number;
  byFunction: ProfileEntry[];
  byFile: Array<{ location: string; selfMs: number; percent: number }>;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Project files relative to the repository; dependencies as `<package>/<file>`; node internals as they are. */
export function shortLocation(url: string): string {
  if (!url) return '';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules !== -1) return file.slice(modules + '/node_modules/'.length);
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

/** A span of the profiled process's monotonic clock, in microseconds (the samples' own time base). */
export interface ProfileWindow {
  fromMicros: number;
  toMicros: number;
}

/** Self time per node: each sample lasts until the next one (the last gets the mean interval). */
function selfTimes(profile: CpuProfile, window: ProfileWindow | undefined): Map<number, number> {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  const mean = (profile.endTime - profile.startTime) / Math.max(1, samples.length);
  let at = profile.startTime;
  for (let index = 0; index < samples.length; index += 1) {
    at += timeDeltas[index] ?? 0;
    if (window && (at < window.fromMicros || at > window.toMicros)) continue;
    const micros = index + 1 < timeDeltas.length ? (timeDeltas[index + 1] as number) : mean;
    const node = samples[index] as number;
    self.set(node, (self.get(node) ?? 0) + micros);
  }
  return self;
}

function entryKey(frame: CallFrame): { key: string; name: string; location: string } {
  const name = frame.functionName || '(anonymous)';
  const file = shortLocation(frame.url);
  // Anonymous functions of one file stay apart by line; named ones are merged across their call sites.
  const location = file && (name === '(anonymous)' ? `${file}:${frame.lineNumber + 1}` : file);
  return { key: `${name}\u0000${location}`, name, location };
}

export function summarizeProfile(file: string, top = 15, window?: ProfileWindow): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const self = selfTimes(profile, window);
  const byFunction = new Map<string, { name: string; location: string; micros: number }>();
  const byFile = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const node of profile.nodes) {
    const micros = self.get(node.id) ?? 0;
    if (micros === 0) continue;
    total += micros;
    if (node.callFrame.functionName === '(idle)') idle += micros;
    const { key, name, location } = entryKey(node.callFrame);
    const entry = byFunction.get(key) ?? { name, location, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
    const fileKey = SPECIAL.has(name) ? name : shortLocation(node.callFrame.url) || '(native)';
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + micros);
  }
  const busy = total - idle;
  const percent = (micros: number) => (busy > 0 ? (micros / busy) * 100 : 0);
  return {
    file,
    wallMs: (window ? window.toMicros - window.fromMicros : profile.endTime - profile.startTime) / 1000,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    byFunction: [...byFunction.values()]
      .filter((entry) => entry.name !== '(idle)')
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((entry) => ({
        functionName: entry.name,
        location: entry.location,
        selfMs: entry.micros / 1000,
        percent: percent(entry.micros),
      })),
    byFile: [...byFile.entries()]
      .filter(([location]) => location !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([location, micros]) => ({ location, selfMs: micros / 1000, percent: percent(micros) })),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [
    `Profile ${shortLocation(summary.file)}: ${summary.wallMs.toFixed(0)} ms wall, ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle`,
    '  self ms   busy%  function  (location)',
  ];
  for (const entry of summary.byFunction) {
    lines.push(
      `  ${entry.selfMs.toFixed(1).padStart(7)}  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.functionName}  (${entry.location || 'native'})`,
    );
  }
  lines.push('  by file:');
  for (const entry of summary.byFile) {
    lines.push(
      `  ${entry.selfMs.toFixed(1).padStart(7)}  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.location}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    process.stderr.write(
      'Usage: node bench/profile-summary.ts <file.cpuprofile> [--top=N] [--from=µs --to=µs]\n',
    );
    process.exit(2);
  }
  const top = Number(rest.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 20);
  const from = rest.find((arg) => arg.startsWith('--from='))?.slice(7);
  const to = rest.find((arg) => arg.startsWith('--to='))?.slice(5);
  const window = from && to ? { fromMicros: Number(from), toMicros: Number(to) } : undefined;
  process.stdout.write(`${formatProfile(summarizeProfile(file, top, window))}\n`);
}
