/**
 * A minimal, fast Chat Completions upstream for the benchmark (plain node:http, pre-serialised chunks, no
 * validation, no awaited writes). The scenario comes from the `x-opencode-session` header, `<scenario>.<id>`: the
 * bridge forwards a client's `session-id` there, and the direct client sends it itself, so both paths reach the
 * same script. Every stream is ended right after its `[DONE]`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  contentChunk,
  type PacedPlan,
  pacedChunks,
  sizedReply,
  streamEnd,
  textStream,
  tokenPieces,
} from './chat-chunks.ts';

/**
 * `sized`: ids are `<chunks>.<n>`, a reasoning-then-text answer of that many chunks, written at once. `gated`: the
 * same answer, held back until `openGate()`; each request counts in `gateArrivals()` once its body has arrived.
 */
export type Scenario = 'ttfb' | 'flood' | 'paced' | 'big' | 'sized' | 'gated';

export interface UpstreamSettings {
  floodChunks: number;
  paced: PacedPlan;
  /** Paced streams wait after their last delta until `release()`, so memory can be read with all streams open. */
  hold: boolean;
}

export interface UpstreamStats {
  active: number;
  maxActive: number;
  holding: number;
  requests: number;
}

export interface FastUpstream {
  baseUrl: string;
  configure(settings: Partial<UpstreamSettings>): void;
  /** performance.now() at each delta chunk written by a paced stream, by stream id. */
  readonly sendTimes: Map<string, number[]>;
  /** performance.now() when a request body had fully arrived, by stream id (scenario `big`). */
  readonly bodyReceivedAt: Map<string, number>;
  stats(): UpstreamStats;
  /** `gated` requests whose body has arrived, since the start. */
  gateArrivals(): number;
  /** Answers every `gated` request held so far. */
  openGate(): void;
  resetStats(): void;
  release(): void;
  close(): Promise<void>;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
const SCENARIOS = new Set<string>(['ttfb', 'flood', 'paced', 'big', 'sized', 'gated']);
const SLICE_BYTES = 64 * 1024;
/** Chunks in the short reply of the `ttfb` and `big` scenarios. */
export const SHORT_REPLY_CHUNKS = 8;
const SHORT_REPLY = `${tokenPieces(SHORT_REPLY_CHUNKS).map(contentChunk).join('')}${streamEnd('stop', SHORT_REPLY_CHUNKS)}`;

function scenarioOf(req: IncomingMessage): { scenario: Scenario; id: string } | undefined {
  const session = req.headers['x-opencode-session'];
  if (typeof session !== 'string') return undefined;
  const dot = session.indexOf('.');
  const scenario = dot === -1 ? session : session.slice(0, dot);
  return SCENARIOS.has(scenario) ? { scenario: scenario as Scenario, id: session.slice(dot + 1) } : undefined;
}

/** Writes a prepared body in 64 KiB slices as fast as the socket takes them, then ends. */
function writeFlood(res: ServerResponse, body: Buffer): void {
  let offset = 0;
  const pump = () => {
    while (offset < body.length) {
      const end = Math.min(offset + SLICE_BYTES, body.length);
      const accepted = res.write(body.subarray(offset, end));
      offset = end;
      if (!accepted) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

export async function startFastUpstream(initial: UpstreamSettings): Promise<FastUpstream> {
  let settings = initial;
  let paced = pacedChunks(settings.paced);
  const floodBodies = new Map<number, Buffer>();
  const sizedBodies = new Map<number, Buffer>();
  const sendTimes = new Map<string, number[]>();
  const bodyReceivedAt = new Map<string, number>();
  const holdWaiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const counters = { active: 0, maxActive: 0, requests: 0 };
  const gate = { arrived: 0, held: [] as Array<() => void> };

  function floodBody(count: number): Buffer {
    let body = floodBodies.get(count);
    if (!body) {
      body = textStream(count);
      floodBodies.set(count, body);
    }
    return body;
  }

  function sizedBody(id: string): Buffer {
    const count = Number.parseInt(id, 10);
    let body = sizedBodies.get(count);
    if (!body) {
      body = sizedReply(count);
      sizedBodies.set(count, body);
    }
    return body;
  }

  function streamPaced(res: ServerResponse, id: string): void {
    const { deltas, end } = paced;
    const times: number[] = [];
    sendTimes.set(id, times);
    const hold = settings.hold;
    let next = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (!hold) return void res.end(end);
      const resume = () => {
        holdWaiters.delete(resume);
        if (!res.destroyed) res.end(end);
      };
      holdWaiters.add(resume);
    };
    const tick = () => {
      times.push(performance.now());
      res.write(deltas[next++] as string);
      if (next < deltas.length) return;
      clearInterval(timer);
      finish();
    };
    res.on('close', () => clearInterval(timer));
    // A random phase, so a thousand streams do not all tick in the same millisecond.
    setTimeout(() => {
      if (res.destroyed) return;
      timer = setInterval(tick, settings.paced.intervalMs);
    }, Math.random() * settings.paced.intervalMs);
  }

  function answer(res: ServerResponse, scenario: Scenario, id: string): void {
    res.writeHead(200, SSE_HEADERS);
    switch (scenario) {
      case 'ttfb':
      case 'big':
        res.end(SHORT_REPLY);
        return;
      case 'flood':
        writeFlood(res, floodBody(settings.floodChunks));
        return;
      case 'paced':
        streamPaced(res, id);
        return;
      case 'sized':
      case 'gated':
        res.end(sizedBody(id));
        return;
      default: {
        const unknown: never = scenario;
        throw new Error(`unknown scenario ${String(unknown)}`);
      }
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const target = scenarioOf(req);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions') || !target) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        '{"error":{"message":"bench upstream: unknown route or scenario","type":"invalid_request_error"}}',
      );
      return;
    }
    counters.requests += 1;
    counters.active += 1;
    counters.maxActive = Math.max(counters.maxActive, counters.active);
    res.on('close', () => {
      counters.active -= 1;
    });
    req.on('data', () => {});
    req.on('end', () => {
      if (target.scenario === 'big') bodyReceivedAt.set(target.id, performance.now());
      if (target.scenario !== 'gated') return answer(res, target.scenario, target.id);
      gate.arrived += 1;
      gate.held.push(() => answer(res, 'gated', target.id));
    });
  }

  const server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    configure(next) {
      settings = { ...settings, ...next };
      if (next.paced) paced = pacedChunks(settings.paced);
    },
    sendTimes,
    bodyReceivedAt,
    stats: () => ({ ...counters, holding: holdWaiters.size }),
    gateArrivals: () => gate.arrived,
    openGate() {
      for (const release of gate.held.splice(0)) release();
    },
    resetStats() {
      counters.maxActive = counters.active;
      counters.requests = 0;
    },
    release() {
      for (const resume of [...holdWaiters]) resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
