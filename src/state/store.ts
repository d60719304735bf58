/**
 * The bridge's state in SQLite (built-in node:sqlite, WAL): the reasoning and tool-call cache that backs stateless
 * replay for clients that drop `encrypted_content`, and stored responses for `previous_response_id` and
 * `GET /v1/responses/{id}`. Growth is bounded: rows older than the TTL are pruned, then the oldest beyond a cap.
 */
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { ResponseObject } from '../responses/output.ts';
import type { RecoveredCall } from '../translate/messages.ts';
import type { ReplayRecord } from '../translate/stream.ts';
import { ensurePrivateDir } from './secrets.ts';

export interface StoredResponse {
  response: ResponseObject;
  /** The full input (previous turns included) that produced it, as raw Responses items. */
  input: unknown[];
}

/** Requests and tokens one model used in a window (OpenCode Go limits are per 5 hours). */
export interface UsageWindow {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

export interface UsageCounts {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

const HOUR_MS = 3_600_000;
export const USAGE_WINDOW_HOURS = 5;

export interface BridgeStore {
  /** Counts one upstream request (and its tokens, when known) against the model's current hour. */
  recordUsage(model: string, counts: UsageCounts | undefined, now?: number): void;
  /** Totals over the last five hours, hour-bucketed. */
  usageWindow(model: string, now?: number): UsageWindow;
  usageModels(now?: number): string[];
  /**
   * Reasoning and tool calls are kept per conversation (`scope` = the session id): upstreams reuse call ids across
   * conversations (Kimi's `functions.name:0`), so an unscoped lookup would hand one conversation another's data.
   */
  saveReplay(scope: string, records: readonly ReplayRecord[], model: string): void;
  reasoningByItemId(scope: string, itemId: string): string | undefined;
  reasoningByCallId(scope: string, callId: string): string | undefined;
  callByCallId(scope: string, callId: string): RecoveredCall | undefined;
  saveResponse(stored: StoredResponse): void;
  /** Finished requests as the dashboard records them (its own JSON), capped at DASHBOARD_RUNS_CAP rows. */
  saveDashboardRuns(runs: ReadonlyArray<{ endedAt: number; record: string }>): void;
  /** The most recent dashboard records, oldest first. */
  recentDashboardRuns(limit: number): string[];
  getResponse(id: string): StoredResponse | undefined;
  prune(now?: number): void;
  close(): void;
}

export interface StoreOptions {
  ttlSeconds: number;
  maxRows: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS reasoning (key TEXT PRIMARY KEY, text TEXT NOT NULL, model TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS tool_calls (scope TEXT NOT NULL, call_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
    namespace TEXT, arguments TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (scope, call_id));
  CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, response TEXT NOT NULL, input TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS usage_hourly (model TEXT NOT NULL, hour INTEGER NOT NULL, requests INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL, PRIMARY KEY (model, hour));
  CREATE TABLE IF NOT EXISTS dashboard_runs (record TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS dashboard_runs_age ON dashboard_runs (created_at);
  CREATE INDEX IF NOT EXISTS reasoning_age ON reasoning (created_at);
  CREATE INDEX IF NOT EXISTS tool_calls_age ON tool_calls (created_at);
  CREATE INDEX IF NOT EXISTS responses_age ON responses (created_at);
`;

function scopedKey(kind: 'item' | 'call', scope: string, id: string): string {
  return `${kind}:${scope}\u0000${id}`;
}

const TABLES = ['reasoning', 'tool_calls', 'responses'] as const;
/** The dashboard's history is small: enough to redraw recent sessions after a restart. */
export const DASHBOARD_RUNS_CAP = 2000;

export function openStore(dbPath: string, options: StoreOptions): BridgeStore {
  if (dbPath !== ':memory:') {
    ensurePrivateDir(path.dirname(dbPath));
    // Create it 0600 before SQLite does (it holds model reasoning; SQLite gives its WAL the same mode), and
    // tighten a file an older version or another tool left readable.
    closeSync(openSync(dbPath, 'a', 0o600));
    for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
      if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    }
  }
  const db = new DatabaseSync(dbPath);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;');
  db.exec(SCHEMA);

  const putReasoning = db.prepare(
    'INSERT OR REPLACE INTO reasoning (key, text, model, created_at) VALUES (?, ?, ?, ?)',
  );
  const getReasoning = db.prepare('SELECT text FROM reasoning WHERE key = ?');
  const putCall = db.prepare(
    'INSERT OR REPLACE INTO tool_calls (scope, call_id, kind, name, namespace, arguments, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const getCall = db.prepare(
    'SELECT kind, name, namespace, arguments FROM tool_calls WHERE scope = ? AND call_id = ?',
  );
  const putResponse = db.prepare(
    'INSERT OR REPLACE INTO responses (id, response, input, created_at) VALUES (?, ?, ?, ?)',
  );
  const getResponseRow = db.prepare('SELECT response, input FROM responses WHERE id = ?');
  const putDashboardRun = db.prepare('INSERT INTO dashboard_runs (record, created_at) VALUES (?, ?)');
  const recentDashboardRuns = db.prepare(
    'SELECT record FROM (SELECT rowid, record FROM dashboard_runs ORDER BY rowid DESC LIMIT ?) ORDER BY rowid',
  );

  const addUsage = db.prepare(`
    INSERT INTO usage_hourly (model, hour, requests, input_tokens, output_tokens, cached_tokens, reasoning_tokens)
    VALUES (?, ?, 1, ?, ?, ?, ?)
    ON CONFLICT (model, hour) DO UPDATE SET requests = requests + 1, input_tokens = input_tokens + excluded.input_tokens,
      output_tokens = output_tokens + excluded.output_tokens, cached_tokens = cached_tokens + excluded.cached_tokens,
      reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens`);
  const sumUsage = db.prepare(`
    SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(input_tokens), 0) AS input,
      COALESCE(SUM(output_tokens), 0) AS output, COALESCE(SUM(cached_tokens), 0) AS cached,
      COALESCE(SUM(reasoning_tokens), 0) AS reasoning
    FROM usage_hourly WHERE model = ? AND hour > ?`);
  const usageModels = db.prepare('SELECT DISTINCT model FROM usage_hourly WHERE hour > ? ORDER BY model');
  const pruneUsage = db.prepare('DELETE FROM usage_hourly WHERE hour <= ?');
  const windowStartHour = (now: number) => Math.floor(now / HOUR_MS) - USAGE_WINDOW_HOURS;

  const textOf = (key: string) => {
    const row = getReasoning.get(key) as { text: string } | undefined;
    return row?.text;
  };

  return {
    recordUsage(model, counts, now = Date.now()) {
      addUsage.run(
        model,
        Math.floor(now / HOUR_MS),
        counts?.inputTokens ?? 0,
        counts?.outputTokens ?? 0,
        counts?.cachedTokens ?? 0,
        counts?.reasoningTokens ?? 0,
      );
    },
    usageWindow(model, now = Date.now()) {
      const row = sumUsage.get(model, windowStartHour(now)) as Record<string, number>;
      return {
        requests: Number(row.requests),
        inputTokens: Number(row.input),
        outputTokens: Number(row.output),
        cachedTokens: Number(row.cached),
        reasoningTokens: Number(row.reasoning),
      };
    },
    usageModels(now = Date.now()) {
      return (usageModels.all(windowStartHour(now)) as Array<{ model: string }>).map((row) => row.model);
    },
    saveReplay(scope, records, model) {
      const now = Date.now();
      db.exec('BEGIN');
      try {
        for (const record of records) {
          if (!record.text && record.calls.length === 0) continue;
          if (record.itemId)
            putReasoning.run(scopedKey('item', scope, record.itemId), record.text, model, now);
          for (const callId of record.callIds)
            putReasoning.run(scopedKey('call', scope, callId), record.text, model, now);
          for (const call of record.calls) {
            putCall.run(
              scope,
              call.callId,
              call.binding.kind,
              call.binding.name,
              call.binding.namespace ?? null,
              call.arguments,
              now,
            );
          }
        }
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    reasoningByItemId: (scope, itemId) => textOf(scopedKey('item', scope, itemId)),
    reasoningByCallId: (scope, callId) => textOf(scopedKey('call', scope, callId)),
    callByCallId(scope, callId) {
      const row = getCall.get(scope, callId) as
        | { kind: string; name: string; namespace: string | null; arguments: string }
        | undefined;
      if (!row) return undefined;
      return {
        kind: row.kind as RecoveredCall['kind'],
        name: row.name,
        ...(row.namespace ? { namespace: row.namespace } : {}),
        arguments: row.arguments,
      };
    },
    saveResponse({ response, input }) {
      putResponse.run(response.id, JSON.stringify(response), JSON.stringify(input), Date.now());
    },
    getResponse(id) {
      const row = getResponseRow.get(id) as { response: string; input: string } | undefined;
      return row ? { response: JSON.parse(row.response), input: JSON.parse(row.input) } : undefined;
    },
    saveDashboardRuns(runs) {
      if (runs.length === 0) return;
      db.exec('BEGIN');
      try {
        for (const run of runs) putDashboardRun.run(run.record, run.endedAt);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    recentDashboardRuns(limit) {
      return (recentDashboardRuns.all(limit) as Array<{ record: string }>).map((row) => row.record);
    },
    prune(now = Date.now()) {
      pruneUsage.run(windowStartHour(now) - 24);
      const cutoff = now - options.ttlSeconds * 1000;
      db.prepare('DELETE FROM dashboard_runs WHERE created_at < ?').run(cutoff);
      db.prepare(
        'DELETE FROM dashboard_runs WHERE rowid IN (SELECT rowid FROM dashboard_runs ORDER BY rowid DESC LIMIT -1 OFFSET ?)',
      ).run(Math.min(DASHBOARD_RUNS_CAP, options.maxRows));
      for (const table of TABLES) {
        db.prepare(`DELETE FROM ${table} WHERE created_at < ?`).run(cutoff);
        db.prepare(
          `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} ORDER BY created_at DESC LIMIT -1 OFFSET ?)`,
        ).run(options.maxRows);
      }
    },
    close() {
      db.close();
    },
  };
}
