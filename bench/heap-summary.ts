/**
 * Aggregates a V8 sampling heap profile (.heapprofile, from the inspector's HeapProfiler.startSampling with the
 * objects later collected kept in it) into bytes allocated: in all, and by the project file and function nearest
 * the allocation on its stack, so that a string Node builds for a bridge's `res.write()` counts for the bridge's
 * line that wrote it. Allocations with no project frame on their stack (Node's HTTP parser, undici, timers) are
 * `(no project frame)`. Usable on its own:
 * `node bench/heap-summary.ts bench/out/bridge-alloc-sequential.heapprofile [--per=N] [--top=20]`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shortLocation } from './profile-summary.ts';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

export interface HeapEntry {
  location: string;
  bytes: number;
}

export interface HeapSummary {
  file: string;
  totalBytes: number;
  byFile: HeapEntry[];
  byFunction: HeapEntry[];
}

const NO_PROJECT_FRAME = '(no project frame)';

function isProjectFile(location: string): boolean {
  return location.startsWith('src/');
}

/** Sums sampled bytes by the nearest project frame (file, and function with its line) on each allocation's stack. */
export function summarizeHeapProfile(file: string, top = 15): HeapSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalBytes = 0;
  const add = (map: Map<string, number>, key: string, bytes: number) =>
    map.set(key, (map.get(key) ?? 0) + bytes);
  const visit = (node: HeapNode, nearest: { file: string; fn: string } | undefined) => {
    const location = shortLocation(node.callFrame.url);
    const here = isProjectFile(location)
      ? {
          file: location,
          fn: `${node.callFrame.functionName || '(anonymous)'} (${location}:${node.callFrame.lineNumber + 1})`,
        }
      : nearest;
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      add(byFile, here?.file ?? NO_PROJECT_FRAME, node.selfSize);
      add(byFunction, here?.fn ?? NO_PROJECT_FRAME, node.selfSize);
    }
    for (const child of node.children) visit(child, here);
  };
  visit(profile.head, undefined);
  const largest = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([location, bytes]) => ({ location, bytes }));
  return { file, totalBytes, byFile: largest(byFile), byFunction: largest(byFunction) };
}

/** The summary as lines of KB, divided by `per` (e.g. the requests the profile covered). */
export function formatHeapSummary(summary: HeapSummary, per = 1): string {
  const kb = (bytes: number) => (bytes / per / 1024).toFixed(1).padStart(8);
  const lines = [
    `Heap profile ${shortLocation(summary.file)}: ${kb(summary.totalBytes).trim()} KB allocated${per > 1 ? ` per unit (÷ ${per})` : ''}`,
    '      KB  by file',
    ...summary.byFile.map((entry) => `${kb(entry.bytes)}  ${entry.location}`),
    '      KB  by function',
    ...summary.byFunction.map((entry) => `${kb(entry.bytes)}  ${entry.location}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('Usage: node bench/heap-summary.ts <file.heapprofile> [--per=N] [--top=N]\n');
    process.exit(2);
  }
  const top = Number(rest.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 20);
  const per = Number(rest.find((arg) => arg.startsWith('--per='))?.slice(6) ?? 1);
  process.stdout.write(`${formatHeapSummary(summarizeHeapProfile(file, top), per)}\n`);
}
