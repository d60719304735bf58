import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeStore, DASHBOARD_RUNS_CAP, openStore } from './store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ocb-dashboard-runs-'));
const opened: BridgeStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function open(maxRows = 50_000, ttlSeconds = 86_400): BridgeStore {
  const store = openStore(path.join(dir, `${opened.length}-${Date.now()}.sqlite3`), {
    ttlSeconds,
    maxRows,
    maxBytes: 256 * 1024 * 1024,
  });
  opened.push(store);
  return store;
}

describe("the dashboard's rows in the state store", () => {
  it('returns the most recent records, oldest first', () => {
    const store = open();
    store.saveDashboardRuns(['a', 'b', 'c', 'd'].map((record) => ({ endedAt: Date.now(), record })));
    expect(store.recentDashboardRuns(3)).toEqual(['b', 'c', 'd']);
  });

  it('keeps at most its own cap of rows, dropping the oldest', () => {
    const store = open();
    const rows = Array.from({ length: DASHBOARD_RUNS_CAP + 5 }, (_, index) => ({
      endedAt: Date.now(),
      record: String(index),
    }));
    store.saveDashboardRuns(rows);
    store.prune();
    const kept = store.recentDashboardRuns(DASHBOARD_RUNS_CAP * 2);
    expect(kept).toHaveLength(DASHBOARD_RUNS_CAP);
    expect(kept[0]).toBe('5');
  });

  it('never keeps more than PROXY_STATE_MAX_ROWS, nor rows past the TTL', () => {
    const small = open(3);
    small.saveDashboardRuns(['1', '2', '3', '4'].map((record) => ({ endedAt: Date.now(), record })));
    small.prune();
    expect(small.recentDashboardRuns(10)).toEqual(['2', '3', '4']);
    const aging = open(50_000, 60);
    aging.saveDashboardRuns([
      { endedAt: Date.now() - 120_000, record: 'old' },
      { endedAt: Date.now(), record: 'new' },
    ]);
    aging.prune();
    expect(aging.recentDashboardRuns(10)).toEqual(['new']);
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
