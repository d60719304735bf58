/**
 * What the per-request native calls cost where the bridge makes them, between requests, against what a loop
 * measures. A loop keeps a call's code and data in the CPU's caches; a request finds them cold after the process
 * slept in epoll, and on some machines (a nested VM here) a call then costs several times as much (3–20× in the runs
 * of bench/RESULTS.md, "2026-12-03, 05:11"). So a microbenchmark in a loop is not a request's cost: measure in place,
 * or with this script's idle gaps.
 *
 * Each call runs 2,000 times in a loop, then 300 times each after a 2 ms sleep. Prints µs per call, p50 and p95.
 *
 *   node bench/cold-calls.ts
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { keyCheck } from '../src/server/security.ts';
import { createReasoningCarrier } from '../src/translate/reasoning-carrier.ts';
import { table } from './report.ts';
import { summarize } from './stats.ts';

const LOOPED = 2000;
const AFTER_IDLE = 300;
const IDLE_MS = 2;

const KEY = `sk-${randomBytes(24).toString('hex')}`;
const matches = keyCheck(KEY);
/** The key check before b038af3: both sides as SHA-256 digests, the expected one computed once. */
const sha256 = (value: string) => hash('sha256', value, 'buffer') as Buffer;
const expectedDigest = sha256(KEY);
const carrier = createReasoningCarrier(randomBytes(32));
/** 324 characters of reasoning text. */
const reasoning = { text: 'The user wants a greeting. '.repeat(12), model: 'deepseek-v4-flash' };
/** 450 bytes, about a bridge log line. */
const LOG_LINE = `${JSON.stringify({ level: 30, msg: 'response', padding: 'x'.repeat(407) })}\n`;
const EVENT = {
  type: 'response.output_text.delta',
  item_id: 'msg_1',
  output_index: 1,
  content_index: 0,
  delta: 'Hi',
};

function calls(logFd: number): ReadonlyArray<[string, () => unknown]> {
  return [
    ['nothing (the timer itself)', () => undefined],
    ['JSON.stringify of a delta event', () => JSON.stringify(EVENT)],
    ['key check (src/server/security.ts)', () => matches(KEY)],
    ['key check before b038af3 (SHA-256 of the key)', () => timingSafeEqual(sha256(KEY), expectedDigest)],
    ['reasoning seal (AES-256-GCM, 324-char text)', () => carrier.seal(reasoning)],
    ['log line written to a file (450 bytes)', () => writeSync(logFd, LOG_LINE)],
  ];
}

/** µs that one call takes. */
function microsOf(call: () => unknown): number {
  const started = process.hrtime.bigint();
  call();
  return Number(process.hrtime.bigint() - started) / 1000;
}

async function measure(call: () => unknown): Promise<{ looped: number[]; afterIdle: number[] }> {
  const looped: number[] = [];
  for (let i = 0; i < LOOPED; i++) looped.push(microsOf(call));
  const afterIdle: number[] = [];
  for (let i = 0; i < AFTER_IDLE; i++) {
    await sleep(IDLE_MS);
    afterIdle.push(microsOf(call));
  }
  return { looped, afterIdle };
}

const rows: string[][] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'ocb-cold-'));
try {
  const logFd = openSync(path.join(dir, 'bridge.log'), 'a', 0o600);
  try {
    for (const [name, call] of calls(logFd)) {
      const { looped, afterIdle } = await measure(call);
      const loop = summarize(looped);
      const idle = summarize(afterIdle);
      rows.push([name, ...[loop.p50, loop.p95, idle.p50, idle.p95].map((value) => value.toFixed(1))]);
    }
  } finally {
    closeSync(logFd);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(
  `bench/cold-calls.ts — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, node ${process.version}\n` +
    `µs per call: in a loop (${LOOPED} calls) and after ${IDLE_MS} ms idle (${AFTER_IDLE} calls)\n`,
);
process.stdout.write(
  `${table(['call', 'loop p50', 'loop p95', 'after idle p50', 'after idle p95'], rows)}\n`,
);
