/**
 * Runs the real bridge in its own process (forked by bridge-process.ts), so its CPU time and memory are measured
 * apart from the bench client and upstream. Configured by the environment the parent passes; answers the
 * parent's questions over IPC: memory (after a full GC when --expose-gc is on), CPU time, limiter state, the
 * clock its CPU profile uses (to cut a profile down to a measured window), and a sampling heap profile of what it
 * allocates between two questions.
 */

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startBridge } from '../src/runtime/start.ts';

export type ChildQuestion =
  | { id: number; type: 'memory'; gc: boolean }
  | { id: number; type: 'cpu' }
  | { id: number; type: 'limiter' }
  | { id: number; type: 'clock' }
  | { id: number; type: 'dashboard' }
  | { id: number; type: 'flush' }
  /** Starts V8's sampling heap profiler, keeping what the collector frees later: every allocation counts. */
  | { id: number; type: 'heap-start'; intervalBytes: number }
  /** Stops it and writes the profile (.heapprofile, readable by Chrome DevTools and bench/heap-summary.ts). */
  | { id: number; type: 'heap-stop'; file: string }
  | { id: number; type: 'stop' };

const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel, path: config.logPath });
const bridge = await startBridge(config, logger);
const send = (message: object, then?: () => void) => process.send?.(message, undefined, undefined, then);

function answer(question: ChildQuestion): unknown {
  switch (question.type) {
    case 'memory': {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (question.gc && gc) {
        gc();
        gc();
      }
      return process.memoryUsage();
    }
    case 'cpu':
      return process.cpuUsage();
    case 'limiter':
      return bridge.deps.limiter.stats();
    case 'clock':
      // Microseconds on the monotonic clock V8's CPU profiler stamps its samples with.
      return Number(process.hrtime.bigint() / 1000n);
    case 'dashboard':
      return {
        subscribers: bridge.dashboard.push.subscribers,
        messagesSent: bridge.dashboard.push.messagesSent,
        busyMs: bridge.dashboard.push.busyMs,
      };
    case 'flush':
    case 'stop':
    case 'heap-start':
    case 'heap-stop':
      return undefined;
    default: {
      const unknown: never = question;
      throw new Error(`unknown question ${JSON.stringify(unknown)}`);
    }
  }
}

let inspector: Session | undefined;

async function heapSampling(question: ChildQuestion & { type: 'heap-start' | 'heap-stop' }): Promise<void> {
  if (!inspector) {
    inspector = new Session();
    inspector.connect();
  }
  if (question.type === 'heap-start') {
    await inspector.post('HeapProfiler.startSampling', {
      samplingInterval: question.intervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    return;
  }
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  writeFileSync(question.file, JSON.stringify(profile));
}

process.on('message', (question: ChildQuestion) => {
  if (question.type === 'heap-start' || question.type === 'heap-stop') {
    void heapSampling(question).then(() => send({ id: question.id, value: null }));
    return;
  }
  if (question.type === 'flush') {
    logger.flush(() => send({ id: question.id, value: null }));
    return;
  }
  if (question.type === 'stop') {
    // A normal exit, so --cpu-prof gets to write its profile.
    void bridge.close().finally(() => {
      logger.flush(() => send({ id: question.id, value: null }, () => process.exit(0)));
    });
    return;
  }
  send({ id: question.id, value: answer(question) });
});

// If the bench dies, do not linger as an orphan server.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', url: bridge.url, apiKey: bridge.apiKey });
