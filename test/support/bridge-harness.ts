/**
 * Starts the real bridge on a random loopback port, pointed at the scripted mock upstream, with its state in a
 * fresh temporary directory. Logs are captured so tests can inspect (and grep) them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import pino from 'pino';
import { afterEach } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type RunningBridge, startBridge } from '../../src/runtime/start.ts';
import { type MockUpstream, startMockUpstream } from '../mock-upstream/index.ts';

export const UPSTREAM_KEY = 'sk-upstream-test-key-4242';
export const BRIDGE_KEY = 'sk-bridge-test-key-7777';

export interface TestBridge {
  bridge: RunningBridge;
  upstream: MockUpstream;
  /** Base URL including /v1. */
  baseUrl: string;
  client: OpenAI;
  logs: () => Array<Record<string, unknown>>;
  rawLogs: () => string;
  stateDir: string;
  close(): Promise<void>;
}

export interface TestBridgeOptions {
  env?: Record<string, string>;
  /** Use an upstream that is already running (e.g. shared, or a custom stand-in). */
  upstream?: MockUpstream;
}

export async function startTestBridge(options: TestBridgeOptions = {}): Promise<TestBridge> {
  const upstream = options.upstream ?? (await startMockUpstream({ apiKey: UPSTREAM_KEY }));
  const stateDir = mkdtempSync(path.join(tmpdir(), 'ocb-test-'));
  const config = loadConfig({
    OPENCODE_GO_API_KEY: UPSTREAM_KEY,
    OPENCODE_GO_BASE_URL: upstream.baseUrl,
    PROXY_PORT: '0',
    PROXY_API_KEY: BRIDGE_KEY,
    PROXY_STATE_DB: path.join(stateDir, 'bridge.sqlite3'),
    SSE_UPSTREAM_HEARTBEAT_SECONDS: '1',
    EXPOSE_EMPTY_REASONING_ITEM: '0',
    ...options.env,
  });
  let captured = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      captured += chunk.toString();
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const bridge = await startBridge(config, logger);
  const baseUrl = `${bridge.url}/v1`;
  return {
    bridge,
    upstream,
    baseUrl,
    client: new OpenAI({ apiKey: bridge.apiKey, baseURL: baseUrl, maxRetries: 0 }),
    logs: () =>
      captured
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs: () => captured,
    stateDir,
    async close() {
      await bridge.close();
      if (!options.upstream) await upstream.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** POSTs a body to the bridge's /responses with its key; the response comes back unread, to read as it streams. */
export function sendResponses(
  baseUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${baseUrl}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

/** POSTs a raw body to the bridge and returns the parsed SSE events (or the JSON error). */
export async function postResponses(
  baseUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Headers;
  events: Array<{ type: string; [key: string]: any }>;
  json: any;
}> {
  const response = await sendResponses(baseUrl, body, headers);
  const text = await response.text();
  const isSse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  const events = isSse
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)) as { type: string; [key: string]: any })
    : [];
  return {
    status: response.status,
    headers: response.headers,
    events,
    json: isSse ? undefined : safeJson(text),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** For test files that start a bridge per test: returns a starter; every bridge it started is closed after each test. */
export function useTestBridges(): (env?: Record<string, string>) => Promise<TestBridge> {
  const open: TestBridge[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bridge) => bridge.close()));
  });
  return async (env = {}) => {
    const started = await startTestBridge({ env });
    open.push(started);
    return started;
  };
}
