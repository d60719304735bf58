/**
 * The state database's tables, and the columns later versions added to a file an older version created.
 */
import type { DatabaseSync } from 'node:sqlite';

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS reasoning (key TEXT PRIMARY KEY, text TEXT NOT NULL, model TEXT NOT NULL, created_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS tool_calls (scope TEXT NOT NULL, call_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
    namespace TEXT, arguments TEXT NOT NULL, created_at INTEGER NOT NULL, bytes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, call_id));
  CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, response TEXT NOT NULL, input TEXT NOT NULL, created_at INTEGER NOT NULL,
    parent_id TEXT, bytes INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS usage_hourly (model TEXT NOT NULL, hour INTEGER NOT NULL, requests INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL, PRIMARY KEY (model, hour));
  CREATE TABLE IF NOT EXISTS dashboard_runs (record TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS dashboard_runs_age ON dashboard_runs (created_at);
  CREATE INDEX IF NOT EXISTS reasoning_age ON reasoning (created_at);
  CREATE INDEX IF NOT EXISTS tool_calls_age ON tool_calls (created_at);
  CREATE INDEX IF NOT EXISTS responses_age ON responses (created_at);
`;

export const TABLES = ['reasoning', 'tool_calls', 'responses'] as const;
export type StateTable = (typeof TABLES)[number];

/**
 * Columns added after the first release, with how to size the rows an older version wrote. Those older response rows
 * hold their whole conversation and no parent, which reassembly reads as a chain of one.
 */
const ADDED_COLUMNS: ReadonlyArray<{ table: StateTable; column: string; type: string }> = [
  { table: 'reasoning', column: 'bytes', type: 'INTEGER NOT NULL DEFAULT 0' },
  { table: 'tool_calls', column: 'bytes', type: 'INTEGER NOT NULL DEFAULT 0' },
  { table: 'responses', column: 'bytes', type: 'INTEGER NOT NULL DEFAULT 0' },
  { table: 'responses', column: 'parent_id', type: 'TEXT' },
];
const SIZE_OF_OLD_ROWS: Record<StateTable, string> = {
  reasoning: 'length(CAST(key AS BLOB)) + length(CAST(text AS BLOB))',
  tool_calls:
    'length(CAST(scope AS BLOB)) + length(CAST(call_id AS BLOB)) + length(CAST(name AS BLOB)) + length(CAST(arguments AS BLOB))',
  responses: 'length(CAST(id AS BLOB)) + length(CAST(response AS BLOB)) + length(CAST(input AS BLOB))',
};

export function migrate(db: DatabaseSync): void {
  for (const { table, column, type } of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((existing) => existing.name === column))
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
  for (const table of TABLES)
    db.exec(`UPDATE ${table} SET bytes = ${SIZE_OF_OLD_ROWS[table]} WHERE bytes = 0`);
}
