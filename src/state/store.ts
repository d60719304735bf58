/**
 * The bridge's state in SQLite (built-in node:sqlite, WAL): the reasoning and tool-call cache that backs stateless
 * replay for clients that drop `encrypted_content`, and stored responses for `previous_response_id` and
 * `GET /v1/responses/{id}`. A stored response keeps only its own turn (its input and output) and a pointer to the
 * response it continued, so a long chain costs what was sent, not the whole history again on every turn; the
 * conversation is reassembled on read. Growth is bounded, always: every write is counted, and a write that takes a
 * table past its row cap, or all tables past the byte cap, prunes the oldest rows at once (down to 90% of the caps,
 * so pruning is not paid on every write); rows older than the TTL go on `prune()`. Usage rows hold a bounded set of
 * model names. Replay and usage rows, which every request writes as it ends, are written behind (see `later`).
 */
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { BoundedLabels } from '../bounded-labels.ts';
import type { ResponseObject } from '../responses/output.ts';
import type { RecoveredCall } from '../translate/messages.ts';
import type { ReplayRecord } from '../translate/stream.ts';
import { type StoreStats, storeCaps } from './caps.ts';
import { migrate, SCHEMA, TABLES } from './schema.ts';
import { ensurePrivateDir } from './secrets.ts';

export type { StoreStats } from './caps.ts';
export type { StateTable } from './schema.ts';

export interface StoredResponse {
  response: ResponseObject;
  /**
   * This turn's own input, as raw Responses items: what the request sent, without the history its
   * `previous_response_id` brought (that stays in the earlier rows, which `response.previous_response_id` points to).
   */
  input: unknown[];
}

/** A stored response's whole conversation: every turn's input and output, oldest first. */
export type StoredConversation =
  | { kind: 'found'; items: unknown[] }
  | { kind: 'not_found' }
  /** An earlier turn of it was pruned (TTL or caps), so the conversation cannot be rebuilt. */
  | { kind: 'broken'; missing: string };

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
  getResponse(id: string): ResponseObject | undefined;
  /** Finished requests as the dashboard records them (its own JSON), capped at DASHBOARD_RUNS_CAP rows. */
  saveDashboardRuns(runs: ReadonlyArray<{ endedAt: number; record: string }>): void;
  /** The most recent dashboard records, oldest first. */
  recentDashboardRuns(limit: number): string[];
  /** The conversation up to and including response `id`'s output, for a request that continues it. */
  conversation(id: string): StoredConversation;
  /** Removes rows older than the TTL and trims every table to its caps. */
  prune(now?: number): void;
  stats(): StoreStats;
  close(): void;
}

export interface StoreOptions {
  ttlSeconds: number;
  /** Per table (reasoning, tool calls, responses). */
  maxRows: number;
  /** All three tables together: the bytes of what they store (keys and content; SQLite adds its own overhead). */
  maxBytes: number;
  /** Models that always keep their own usage rows (the catalog's); others share USAGE_OTHER_MODELS_MAX names. */
  knownModels?: readonly string[];
  /** How long replay and usage writes wait to be written together (default WRITE_BEHIND_MS); 0 writes each at once. */
  writeBehindMs?: number;
  /** A queued replay or usage write failed (its rows are lost, the rest of its batch kept), or a batch could not be
   * committed (all of it lost); the store has no logger. */
  onWriteError?: (error: unknown) => void;
}

/**
 * Replay and usage rows wait at most this long to be written, together in one transaction. A synchronous SQLite
 * commit (WAL writes, now and then a checkpoint's fsync) after every response delayed the client's next request by
 * as long; batched, the commits are few and land between requests. close() writes what is left.
 */
export const WRITE_BEHIND_MS = 100;
/** The dashboard's history is small: enough to redraw recent sessions after a restart. */
export const DASHBOARD_RUNS_CAP = 2000;

/** Distinct model names, beyond the known ones, the usage table keeps; later ones are counted as OTHER_LABEL. */
export const USAGE_OTHER_MODELS_MAX = 32;
/** Deepest previous_response_id chain reassembled (far beyond any real conversation; guards against a loop). */
const MAX_CHAIN_DEPTH = 100_000;

function scopedKey(kind: 'item' | 'call', scope: string, id: string): string {
  return `${kind}:${scope}\u0000${id}`;
}

function byteSize(...parts: Array<string | null | undefined>): number {
  let total = 0;
  for (const part of parts) if (part) total += Buffer.byteLength(part);
  return total;
}

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
  migrate(db);

  const putReasoning = db.prepare(
    'INSERT OR REPLACE INTO reasoning (key, text, model, created_at, bytes) VALUES (?, ?, ?, ?, ?)',
  );
  const getReasoning = db.prepare('SELECT text FROM reasoning WHERE key = ?');
  const putCall = db.prepare(
    'INSERT OR REPLACE INTO tool_calls (scope, call_id, kind, name, namespace, arguments, created_at, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const getCall = db.prepare(
    'SELECT kind, name, namespace, arguments FROM tool_calls WHERE scope = ? AND call_id = ?',
  );
  const putResponse = db.prepare(
    'INSERT OR REPLACE INTO responses (id, response, input, created_at, parent_id, bytes) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const getResponseRow = db.prepare('SELECT response FROM responses WHERE id = ?');
  const putDashboardRun = db.prepare('INSERT INTO dashboard_runs (record, created_at) VALUES (?, ?)');
  const recentDashboardRuns = db.prepare(
    'SELECT record FROM (SELECT rowid, record FROM dashboard_runs ORDER BY rowid DESC LIMIT ?) ORDER BY rowid',
  );
  const dashboardRunsCap = Math.min(DASHBOARD_RUNS_CAP, options.maxRows);
  const trimDashboardRuns = db.prepare(
    'DELETE FROM dashboard_runs WHERE rowid IN (SELECT rowid FROM dashboard_runs ORDER BY rowid DESC LIMIT -1 OFFSET ?)',
  );
  const pruneDashboardRuns = db.prepare('DELETE FROM dashboard_runs WHERE created_at < ?');
  // A conversation lives as long as its newest turn: saving a turn makes its whole chain as young as itself, so the
  // TTL and the caps (oldest first) never take an early turn from a conversation still in use.
  const touchChain = db.prepare(`
    WITH RECURSIVE chain (id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM responses WHERE id = ?
      UNION ALL
      SELECT r.id, r.parent_id, chain.depth + 1
      FROM responses r JOIN chain ON r.id = chain.parent_id WHERE chain.depth < ${MAX_CHAIN_DEPTH}
    )
    UPDATE responses SET created_at = ? WHERE id IN (SELECT id FROM chain)`);
  // The chain from a response back to the first turn, newest first; a missing parent ends it.
  const getChain = db.prepare(`
    WITH RECURSIVE chain (id, parent_id, response, input, depth) AS (
      SELECT id, parent_id, response, input, 0 FROM responses WHERE id = ?
      UNION ALL
      SELECT r.id, r.parent_id, r.response, r.input, chain.depth + 1
      FROM responses r JOIN chain ON r.id = chain.parent_id WHERE chain.depth < ${MAX_CHAIN_DEPTH}
    )
    SELECT id, parent_id, response, input FROM chain ORDER BY depth DESC`);

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
  const allUsageModels = db.prepare('SELECT DISTINCT model FROM usage_hourly');
  const pruneUsage = db.prepare('DELETE FROM usage_hourly WHERE hour <= ?');
  const windowStartHour = (now: number) => Math.floor(now / HOUR_MS) - USAGE_WINDOW_HOURS;
  const usageLabels = new BoundedLabels(options.knownModels ?? [], USAGE_OTHER_MODELS_MAX);
  const rememberUsageModels = () =>
    usageLabels.reset((allUsageModels.all() as Array<{ model: string }>).map((row) => row.model));
  rememberUsageModels();

  const caps = storeCaps(db, options);

  const textOf = (key: string) => {
    const row = getReasoning.get(key) as { text: string } | undefined;
    return row?.text;
  };

  const inTransaction = (work: () => void) => {
    // IMMEDIATE: the write lock is taken (or waited for, up to busy_timeout) once, at the start, not by each write.
    db.exec('BEGIN IMMEDIATE');
    try {
      work();
      db.exec('COMMIT');
    } catch (error) {
      // SQLite may have rolled the transaction back itself (a full disk, an I/O error): then there is none to end.
      if (db.isTransaction) db.exec('ROLLBACK');
      caps.recount();
      throw error;
    }
  };

  /**
   * Writes behind: a request's replay and usage rows are queued when it ends, and written in one transaction
   * `writeBehindMs` later. Every other use of the store (reads, other writes, prune, stats, close) writes the queue
   * first, so it reads exactly as if each write had been made at once.
   */
  const writeBehindMs = options.writeBehindMs ?? WRITE_BEHIND_MS;
  const onWriteError = options.onWriteError ?? (() => {});
  let queued: Array<() => void> = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (queued.length === 0) return;
    const writes = queued;
    queued = [];
    try {
      inTransaction(() => {
        for (const write of writes) {
          // Each write in a savepoint of its own: one that fails is undone and reported alone, and the others
          // are kept, as when every write was made on its own. The caps hold after each write, likewise.
          db.exec('SAVEPOINT queued_write');
          try {
            write();
            caps.enforce();
            db.exec('RELEASE queued_write');
          } catch (error) {
            // Rolled back by SQLite itself: the batch is lost, reported once below with this cause.
            if (!db.isTransaction) throw error;
            db.exec('ROLLBACK TO queued_write');
            db.exec('RELEASE queued_write');
            caps.recount();
            onWriteError(error);
          }
        }
      });
    } catch (error) {
      // The transaction itself failed (the file locked by another process past busy_timeout, a full disk): the
      // whole batch is lost, reported once.
      onWriteError(error);
    }
  };
  const later = (write: () => void) => {
    if (closed || writeBehindMs === 0) {
      // At once, as before the queue existed: a closed database throws to the caller.
      inTransaction(write);
      caps.enforce();
      return;
    }
    queued.push(write);
    if (!flushTimer) {
      flushTimer = setTimeout(flush, writeBehindMs);
      flushTimer.unref();
    }
  };

  const writeUsage = (label: string, hour: number, counts: UsageCounts | undefined) => {
    addUsage.run(
      label,
      hour,
      counts?.inputTokens ?? 0,
      counts?.outputTokens ?? 0,
      counts?.cachedTokens ?? 0,
      counts?.reasoningTokens ?? 0,
    );
  };

  const writeReplay = (scope: string, records: readonly ReplayRecord[], model: string, now: number) => {
    const putText = (key: string, text: string) => {
      const bytes = byteSize(key, text);
      putReasoning.run(key, text, model, now, bytes);
      caps.counted('reasoning', bytes);
    };
    for (const record of records) {
      if (!record.text && record.calls.length === 0) continue;
      if (record.itemId) putText(scopedKey('item', scope, record.itemId), record.text);
      for (const callId of record.callIds) putText(scopedKey('call', scope, callId), record.text);
      for (const call of record.calls) {
        const { kind, name, namespace } = call.binding;
        const bytes = byteSize(scope, call.callId, name, namespace, call.arguments);
        putCall.run(scope, call.callId, kind, name, namespace ?? null, call.arguments, now, bytes);
        caps.counted('tool_calls', bytes);
      }
    }
  };

  return {
    recordUsage(model, counts, now = Date.now()) {
      // The label is taken now, so the bounded set of names fills in the order requests ended.
      const label = usageLabels.label(model);
      const hour = Math.floor(now / HOUR_MS);
      later(() => writeUsage(label, hour, counts));
    },
    usageWindow(model, now = Date.now()) {
      flush();
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
      flush();
      return (usageModels.all(windowStartHour(now)) as Array<{ model: string }>).map((row) => row.model);
    },
    saveReplay(scope, records, model) {
      if (!records.some((record) => record.text || record.calls.length > 0)) return;
      const now = Date.now();
      later(() => writeReplay(scope, records, model, now));
    },
    reasoningByItemId(scope, itemId) {
      flush();
      return textOf(scopedKey('item', scope, itemId));
    },
    reasoningByCallId(scope, callId) {
      flush();
      return textOf(scopedKey('call', scope, callId));
    },
    callByCallId(scope, callId) {
      flush();
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
      flush();
      const body = JSON.stringify(response);
      const turn = JSON.stringify(input);
      const bytes = byteSize(response.id, body, turn);
      const now = Date.now();
      if (response.previous_response_id) touchChain.run(response.previous_response_id, now);
      putResponse.run(response.id, body, turn, now, response.previous_response_id ?? null, bytes);
      caps.counted('responses', bytes);
      caps.enforce();
    },
    getResponse(id) {
      flush();
      const row = getResponseRow.get(id) as { response: string } | undefined;
      return row ? (JSON.parse(row.response) as ResponseObject) : undefined;
    },
    conversation(id) {
      flush();
      const chain = getChain.all(id) as Array<{
        id: string;
        parent_id: string | null;
        response: string;
        input: string;
      }>;
      const first = chain[0];
      if (!first) return { kind: 'not_found' };
      if (first.parent_id !== null) return { kind: 'broken', missing: first.parent_id };
      // Concatenated, not spread into push(): a long conversation may have more items than a call takes arguments.
      const items = chain.flatMap((turn) => [
        ...(JSON.parse(turn.input) as unknown[]),
        ...(JSON.parse(turn.response) as ResponseObject).output,
      ]);
      return { kind: 'found', items };
    },
    saveDashboardRuns(runs) {
      flush();
      if (runs.length === 0) return;
      db.exec('BEGIN');
      try {
        for (const run of runs) putDashboardRun.run(run.record, run.endedAt);
        // Capped at every write, like the other tables: the history never outgrows its bound.
        trimDashboardRuns.run(dashboardRunsCap);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    recentDashboardRuns(limit) {
      flush();
      return (recentDashboardRuns.all(limit) as Array<{ record: string }>).map((row) => row.record);
    },
    prune(now = Date.now()) {
      flush();
      pruneUsage.run(windowStartHour(now) - 24);
      rememberUsageModels();
      const cutoff = now - options.ttlSeconds * 1000;
      for (const table of TABLES) db.prepare(`DELETE FROM ${table} WHERE created_at < ?`).run(cutoff);
      pruneDashboardRuns.run(cutoff);
      // Recounted first: another process sharing the file may have written since the last count.
      caps.recount();
      caps.trim(options.maxRows, options.maxBytes);
    },
    stats() {
      flush();
      return caps.stats();
    },
    close() {
      flush();
      closed = true;
      db.close();
    },
  };
}
