/**
 * The state's row and byte caps (src/state/store.ts says when they apply).
 */
import type { DatabaseSync } from 'node:sqlite';
import { type StateTable, TABLES } from './schema.ts';

/** A write past a cap prunes down to this share of it, so the next writes do not prune again at once. */
const LOW_WATER = 0.9;

export interface Caps {
  maxRows: number;
  maxBytes: number;
}

/** What the state holds now: rows per table and the bytes of their content. */
export interface StoreStats {
  rows: Record<StateTable, number>;
  bytes: number;
}

/**
 * Writes are counted as they happen (a replaced row counts again, which only brings the next
 * trim closer); a trim recounts exactly. Oldest rows go first: per table for the row cap, across all tables for
 * the byte cap.
 */
export function storeCaps(db: DatabaseSync, options: Caps) {
  const counts = db.prepare(
    TABLES.map(
      (table) =>
        `SELECT '${table}' AS name, COUNT(*) AS rows, COALESCE(SUM(bytes), 0) AS bytes FROM ${table}`,
    ).join(' UNION ALL '),
  );
  // The newest creation time at which the bytes of all rows at least as new exceed the budget: rows up to it go.
  const byteCutoff = db.prepare(`
    SELECT created_at FROM (
      SELECT created_at, SUM(bytes) OVER (ORDER BY created_at DESC ROWS UNBOUNDED PRECEDING) AS newer_bytes
      FROM (${TABLES.map((table) => `SELECT created_at, bytes FROM ${table}`).join(' UNION ALL ')})
    ) WHERE newer_bytes > ? ORDER BY created_at DESC LIMIT 1`);
  const rows: Record<StateTable, number> = { reasoning: 0, tool_calls: 0, responses: 0 };
  let bytes = 0;

  const recount = () => {
    bytes = 0;
    for (const row of counts.all() as Array<{ name: StateTable; rows: number; bytes: number }>) {
      rows[row.name] = Number(row.rows);
      bytes += Number(row.bytes);
    }
  };
  const trim = (maxRows: number, maxBytes: number) => {
    for (const table of TABLES) {
      if (rows[table] <= maxRows) continue;
      db.prepare(
        `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} ORDER BY created_at DESC LIMIT -1 OFFSET ?)`,
      ).run(maxRows);
    }
    recount();
    if (bytes <= maxBytes) return;
    const cutoff = byteCutoff.get(maxBytes) as { created_at: number } | undefined;
    if (cutoff)
      for (const table of TABLES)
        db.prepare(`DELETE FROM ${table} WHERE created_at <= ?`).run(cutoff.created_at);
    recount();
  };
  recount();

  return {
    counted(table: StateTable, rowBytes: number) {
      rows[table] += 1;
      bytes += rowBytes;
    },
    recount,
    trim,
    /** After a write: past a cap, prune down to LOW_WATER of the caps. */
    enforce() {
      if (bytes > options.maxBytes || TABLES.some((table) => rows[table] > options.maxRows))
        trim(Math.floor(options.maxRows * LOW_WATER), Math.floor(options.maxBytes * LOW_WATER));
    },
    stats: (): StoreStats => ({ rows: { ...rows }, bytes }),
  };
}
