/**
 * What the per-request native calls cost where the bridge makes them, between requests, against what a loop
 * measures. A loop keeps a call's code and data in the CPU's caches; a request finds them cold after the process
 * slept in epoll, and on some machines (a nested VM here) the difference is five to twenty-fold. So a microbenchmark
 * in a loop is not a request's cost: measure in place, or with this script's idle gaps.
 *
 * Each call runs 2,000 times in a loop, then 300 times each after a 2 ms sleep. Prints µs per call, p50 and p95.
 *
 *   node bench/cold-calls.ts
 */
import { createHash, randomBytes } from 'node:crypto';
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
const carrier = createReasoningCarrier(randomBytes(32));
const reasoning = { text: 'The user wants a greeting. '.repeat(12), model: 'deepseek-v4-flash' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'ocb-cold-'));
const logFd = openSync(path.join(dir, 'bridge.log'), 'a', 0o600);
const LOG_LINE = `${JSON.stringify({ level: 30, msg: 'response', padding: 'x'.repeat(380) })}\n`;
const EVENT = {
  type: 'response.output_text.delta',
  item_id: 'msg_1',
  output_index: 1,
  content_index: 0,
  delta: 'Hi',
};

const CALLS: ReadonlyArray<[string, () => unknown]> = [
  ['nothing (the timer itself)', () => undefined],
  ['JSON.stringify of a delta event', () => JSON.stringify(EVENT)],
  ['key check (src/server/security.ts)', () => matches(KEY)],
  ['SHA-256 of the key (the key check before)', () => createHash('sha256').update(KEY).digest()],
  ['reasoning seal (AES-256-GCM, 330 chars)', () => carrier.seal(reasoning)],
  ['log line written to a file (450 bytes)', () => writeSync(logFd, LOG_LINE)],
];

function micros(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1000;
}

async function measure(call: () => unknown): Promise<{ looped: number[]; afterIdle: number[] }> {
  const looped: number[] = [];
  for (let i = 0; i < LOOPED; i++) {
    const started = process.hrtime.bigint();
    call();
    looped.push(micros(started));
  }
  const afterIdle: number[] = [];
  for (let i = 0; i < AFTER_IDLE; i++) {
    await sleep(IDLE_MS);
    const started = process.hrtime.bigint();
    call();
    afterIdle.push(micros(started));
  }
  return { looped, afterIdle };
}

const rows: string[][] = [];
try {
  for (const [name, call] of CALLS) {
    const { looped, afterIdle } = await measure(call);
    const loop = summarize(looped);
    const idle = summarize(afterIdle);
    rows.push([name, ...[loop.p50, loop.p95, idle.p50, idle.p95].map((value) => value.toFixed(1))]);
  }
} finally {
  closeSync(logFd);
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(
  `bench/cold-calls.ts — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, node ${process.version}\n` +
    `µs per call: in a loop (${LOOPED} calls) and after ${IDLE_MS} ms idle (${AFTER_IDLE} calls)\n`,
);
process.stdout.write(
  `${table(['call', 'loop p50', 'loop p95', 'after idle p50', 'after idle p95'], rows)}\n`,
);
