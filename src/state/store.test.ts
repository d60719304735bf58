import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OTHER_LABEL } from '../bounded-labels.ts';
import type { ResponseObject } from '../responses/output.ts';
import type { ReplayRecord } from '../translate/stream.ts';
import {
  type BridgeStore,
  openStore,
  type StoreOptions,
  USAGE_OTHER_MODELS_MAX,
  WRITE_BEHIND_MS,
} from './store.ts';

const DAY = 24 * 3600;
const OPTIONS: StoreOptions = { ttlSeconds: DAY, maxRows: 1000, maxBytes: 64 * 2 ** 20 };

let dir: string;
let dbPath: string;
const opened: BridgeStore[] = [];

function open(options: StoreOptions = OPTIONS): BridgeStore {
  const store = openStore(dbPath, options);
  opened.push(store);
  return store;
}

function closeAll() {
  for (const store of opened.splice(0)) store.close();
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ocb-store-'));
  dbPath = path.join(dir, 'state', 'bridge.sqlite3');
});

afterEach(() => {
  closeAll();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A DeepSeek turn: reasoning, then two parallel calls, one of them namespaced. */
const toolTurn: ReplayRecord = {
  itemId: 'rs_0001',
  text: 'I should list the files, then read the README.',
  callIds: ['call_ls', 'call_spawn'],
  calls: [
    { callId: 'call_ls', binding: { kind: 'function', name: 'exec_command' }, arguments: '{"cmd":"ls"}' },
    {
      callId: 'call_spawn',
      binding: { kind: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' },
      arguments: '{"message":"review"}',
    },
  ],
};

function response(id: string): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: 1_795_000_000,
    status: 'completed',
    model: 'ocg-deepseek-v4-pro',
    output: [
      {
        type: 'message',
        id: 'msg_1',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Done.', annotations: [] }],
      },
    ],
    usage: null,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    temperature: null,
    top_p: null,
    max_output_tokens: null,
    previous_response_id: null,
    store: true,
    text: { format: { type: 'text' } },
  };
}

const input = [{ role: 'user', content: 'Summarise the README.' }];
const SCOPE = 'session-a';

describe('state store: replay cache', () => {
  it('finds reasoning by the reasoning item id', () => {
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');

    expect(store.reasoningByItemId(SCOPE, 'rs_0001')).toBe(toolTurn.text);
  });

  it('finds reasoning by each call id of the turn', () => {
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');

    expect(store.reasoningByCallId(SCOPE, 'call_ls')).toBe(toolTurn.text);
    expect(store.reasoningByCallId(SCOPE, 'call_spawn')).toBe(toolTurn.text);
  });

  it('finds a call by its call id', () => {
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');

    expect(store.callByCallId(SCOPE, 'call_ls')).toEqual({
      kind: 'function',
      name: 'exec_command',
      arguments: '{"cmd":"ls"}',
    });
  });

  it('keeps the namespace of a namespaced call', () => {
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');

    expect(store.callByCallId(SCOPE, 'call_spawn')).toEqual({
      kind: 'function',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
      arguments: '{"message":"review"}',
    });
  });

  it('stores calls that came without reasoning, under no item id', () => {
    const store = open();
    store.saveReplay(
      SCOPE,
      [
        {
          itemId: '',
          text: '',
          callIds: ['call_patch'],
          calls: [
            {
              callId: 'call_patch',
              binding: { kind: 'custom', name: 'apply_patch' },
              arguments: '*** Begin Patch',
            },
          ],
        },
      ],
      'kimi-k2.6',
    );

    expect(store.callByCallId(SCOPE, 'call_patch')).toMatchObject({ kind: 'custom', name: 'apply_patch' });
    expect(store.reasoningByItemId(SCOPE, '')).toBeUndefined();
  });

  it('keeps conversations apart: the same call id in another session finds nothing', () => {
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'kimi-k2.6');

    expect(store.reasoningByCallId('session-b', 'call_ls')).toBeUndefined();
    expect(store.callByCallId('session-b', 'call_ls')).toBeUndefined();
    expect(store.reasoningByItemId('session-b', 'rs_0001')).toBeUndefined();
  });

  it('knows nothing about ids it never saw', () => {
    const store = open();

    expect(store.reasoningByItemId(SCOPE, 'rs_unknown')).toBeUndefined();
    expect(store.reasoningByCallId(SCOPE, 'call_unknown')).toBeUndefined();
    expect(store.callByCallId(SCOPE, 'call_unknown')).toBeUndefined();
  });
});

describe('state store: responses', () => {
  it('gives a saved response back', () => {
    const store = open();
    store.saveResponse({ response: response('resp_1'), input });

    expect(store.getResponse('resp_1')).toEqual(response('resp_1'));
  });

  it("gives a saved response's conversation back: its input, then its output", () => {
    const store = open();
    store.saveResponse({ response: response('resp_1'), input });

    expect(store.conversation('resp_1')).toEqual({
      kind: 'found',
      items: [...input, ...response('resp_1').output],
    });
  });

  it('knows nothing about a response it never saved', () => {
    expect(open().getResponse('resp_missing')).toBeUndefined();
  });

  it('replaces a response saved again under the same id', () => {
    const store = open();
    store.saveResponse({ response: response('resp_1'), input });
    store.saveResponse({ response: { ...response('resp_1'), status: 'failed' }, input: [] });

    expect(store.getResponse('resp_1')?.status).toBe('failed');
  });
});

describe('state store: pruning', () => {
  it('keeps rows younger than the TTL', () => {
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');
    store.saveResponse({ response: response('resp_1'), input });

    store.prune(Date.now() + (DAY - 60) * 1000);

    expect(store.reasoningByItemId(SCOPE, 'rs_0001')).toBe(toolTurn.text);
    expect(store.callByCallId(SCOPE, 'call_ls')).toBeDefined();
    expect(store.getResponse('resp_1')).toBeDefined();
  });

  it('removes rows older than the TTL from every table', () => {
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');
    store.saveResponse({ response: response('resp_1'), input });

    store.prune(Date.now() + (DAY + 60) * 1000);

    expect(store.reasoningByItemId(SCOPE, 'rs_0001')).toBeUndefined();
    expect(store.reasoningByCallId(SCOPE, 'call_ls')).toBeUndefined();
    expect(store.callByCallId(SCOPE, 'call_ls')).toBeUndefined();
    expect(store.getResponse('resp_1')).toBeUndefined();
  });

  it('trims to the row cap on prune(), e.g. at start after the cap was lowered', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const before = open();
    for (const [index, id] of ['resp_old', 'resp_mid', 'resp_new'].entries()) {
      vi.setSystemTime(Date.UTC(2026, 10, 25, 12, 0, index));
      before.saveResponse({ response: response(id), input });
    }
    closeAll();
    const store = open({ ...OPTIONS, maxRows: 2 });

    store.prune();

    expect(store.getResponse('resp_old')).toBeUndefined();
    expect(store.getResponse('resp_mid')).toBeDefined();
    expect(store.getResponse('resp_new')).toBeDefined();
  });
});

/** Saves `count` responses one second apart, each with `bytes` of input text; returns their ids, oldest first. */
function saveMany(store: BridgeStore, count: number, bytes = 10): string[] {
  vi.useFakeTimers({ toFake: ['Date'] });
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    vi.setSystemTime(Date.UTC(2026, 10, 25, 12, 0, 0) + index * 1000);
    const id = `resp_${String(index).padStart(4, '0')}`;
    store.saveResponse({ response: response(id), input: [{ role: 'user', content: 'x'.repeat(bytes) }] });
    ids.push(id);
  }
  return ids;
}

describe('state store: caps hold at every write', () => {
  it('prunes the oldest rows as soon as a write passes the row cap, down to 90% of it', () => {
    const store = open({ ...OPTIONS, maxRows: 100 });
    const ids = saveMany(store, 101);

    expect(store.stats().rows.responses).toBe(90);
    expect(store.getResponse(ids[10] as string)).toBeUndefined();
    expect(store.getResponse(ids[11] as string)).toBeDefined();
    expect(store.getResponse(ids[100] as string)).toBeDefined();
  });

  it('never holds more bytes than the byte cap, whatever the table', () => {
    const store = open({ ...OPTIONS, maxBytes: 2 ** 20 });
    const ids = saveMany(store, 50, 50_000);
    for (let index = 0; index < 20; index += 1)
      store.saveReplay(`scope-${index}`, [{ ...toolTurn, text: 'r'.repeat(20_000) }], 'deepseek-v4-pro');

    expect(store.stats().bytes).toBeLessThanOrEqual(2 ** 20);
    expect(store.reasoningByItemId('scope-19', 'rs_0001')).toBeDefined();
    expect(store.getResponse(ids[0] as string)).toBeUndefined();
  });

  it('counts the bytes of what it holds', () => {
    const store = open();
    expect(store.stats()).toEqual({ rows: { reasoning: 0, tool_calls: 0, responses: 0 }, bytes: 0 });

    saveMany(store, 3, 1000);

    expect(store.stats().rows.responses).toBe(3);
    expect(store.stats().bytes).toBeGreaterThan(3000);
    expect(store.stats().bytes).toBeLessThan(3 * (1000 + JSON.stringify(response('resp_0000')).length + 100));
  });
});

describe('state store: previous_response_id chains', () => {
  /** Saves a chain of turns; each stores only its own input and points at the turn before. */
  function saveChain(store: BridgeStore, turns: number, inputBytes: number): string[] {
    const ids: string[] = [];
    for (let turn = 0; turn < turns; turn += 1) {
      const id = `resp_turn${turn}`;
      store.saveResponse({
        response: { ...response(id), previous_response_id: ids.at(-1) ?? null },
        input: [{ role: 'user', content: `turn ${turn} ${'x'.repeat(inputBytes)}` }],
      });
      ids.push(id);
    }
    return ids;
  }

  it('reassembles a conversation from its turns, oldest first', () => {
    const store = open();
    const ids = saveChain(store, 3, 0);

    const conversation = store.conversation(ids[2] as string);

    expect(conversation.kind).toBe('found');
    const texts = (conversation as { items: Array<{ content: unknown }> }).items.map((item) =>
      typeof item.content === 'string' ? item.content : 'output',
    );
    expect(texts).toEqual(['turn 0 ', 'output', 'turn 1 ', 'output', 'turn 2 ', 'output']);
  });

  it('stores a 100-turn chain in bytes linear in what was sent', () => {
    const store = open();
    const turnBytes = 19_000;

    saveChain(store, 100, turnBytes);

    // Each turn's own input and output once (the whole history in every row would be ~50 times this).
    expect(store.stats().bytes).toBeLessThan(100 * (turnBytes + 2_000));
  });

  it('keeps a whole conversation as long as its newest turn: the TTL counts from the last turn', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = open();
    const [first] = saveChain(store, 1, 0);
    vi.setSystemTime(Date.now() + (DAY - 60) * 1000);
    store.saveResponse({
      response: { ...response('resp_later'), previous_response_id: first as string },
      input: [{ role: 'user', content: 'a day later' }],
    });

    // The first turn is now older than the TTL, but its conversation went on a minute ago.
    store.prune(Date.now() + 120 * 1000);

    expect(store.conversation('resp_later').kind).toBe('found');
  });

  it('says which earlier turn is missing when one was pruned', () => {
    const store = open();
    const ids = saveChain(store, 3, 0);
    // Another handle on the same file removes the first turn, as a prune would.
    const raw = new DatabaseSync(dbPath);
    raw.prepare('DELETE FROM responses WHERE id = ?').run(ids[0] as string);
    raw.close();

    expect(store.conversation(ids[2] as string)).toEqual({ kind: 'broken', missing: ids[0] });
    expect(store.conversation('resp_unknown')).toEqual({ kind: 'not_found' });
  });

  it('reads a response an older version stored with its whole conversation and no parent', () => {
    mkdirSync(path.dirname(dbPath), { recursive: true });
    const raw = new DatabaseSync(dbPath);
    raw.exec(
      'CREATE TABLE responses (id TEXT PRIMARY KEY, response TEXT NOT NULL, input TEXT NOT NULL, created_at INTEGER NOT NULL)',
    );
    const whole = [
      ...input,
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: 'and?' },
    ];
    raw
      .prepare('INSERT INTO responses (id, response, input, created_at) VALUES (?, ?, ?, ?)')
      .run('resp_old', JSON.stringify(response('resp_old')), JSON.stringify(whole), Date.now());
    raw.close();

    const store = open();

    expect(store.conversation('resp_old')).toEqual({
      kind: 'found',
      items: [...whole, ...response('resp_old').output],
    });
    expect(store.stats().bytes).toBeGreaterThan(JSON.stringify(whole).length);
  });
});

describe('state store: usage', () => {
  it('keeps its own rows for the known models and a bounded number of others; the rest are counted together', () => {
    const store = open({ ...OPTIONS, knownModels: ['deepseek-v4-pro'] });
    for (let index = 0; index < 100; index += 1) store.recordUsage(`made-up-${index}`, undefined);
    store.recordUsage('deepseek-v4-pro', undefined);

    const models = store.usageModels();

    expect(models).toHaveLength(USAGE_OTHER_MODELS_MAX + 2);
    expect(models).toContain('deepseek-v4-pro');
    expect(models).toContain(OTHER_LABEL);
    expect(store.usageWindow(OTHER_LABEL).requests).toBe(100 - USAGE_OTHER_MODELS_MAX);
  });

  it('still counts a model it has seen once the others are full', () => {
    const store = open();
    store.recordUsage('early-model', undefined);
    for (let index = 0; index < 100; index += 1) store.recordUsage(`made-up-${index}`, undefined);
    store.recordUsage('early-model', undefined);

    expect(store.usageWindow('early-model').requests).toBe(2);
  });
});

/** Rows in the file as another handle sees them (not through the store, which writes its queue before it reads). */
function rowsOnDisk(): { reasoning: number; toolCalls: number; usageRequests: number } {
  const raw = new DatabaseSync(dbPath);
  try {
    const count = (sql: string) => Number((raw.prepare(sql).get() as { n: number | null }).n ?? 0);
    return {
      reasoning: count('SELECT COUNT(*) AS n FROM reasoning'),
      toolCalls: count('SELECT COUNT(*) AS n FROM tool_calls'),
      usageRequests: count('SELECT SUM(requests) AS n FROM usage_hourly'),
    };
  } finally {
    raw.close();
  }
}

const NOTHING = { reasoning: 0, toolCalls: 0, usageRequests: 0 };
/** What queueOneTurn() writes: the item id and both call ids, both calls, one request. */
const ONE_TURN = { reasoning: 3, toolCalls: 2, usageRequests: 1 };

/** One request's end: its replay rows and its usage, queued. */
function queueOneTurn(store: BridgeStore): void {
  store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');
  store.recordUsage('deepseek-v4-pro', undefined);
}

/** A call with no name breaks a NOT NULL column: a write that fails inside the batch. */
const brokenTurn: ReplayRecord = {
  itemId: '',
  text: '',
  callIds: ['call_bad'],
  calls: [
    { callId: 'call_bad', binding: { kind: 'function', name: null as unknown as string }, arguments: '{}' },
  ],
};

describe('state store: replay and usage rows are written behind', () => {
  it('queues them, and close() writes what is queued', () => {
    queueOneTurn(open());

    expect(rowsOnDisk()).toEqual(NOTHING);
    closeAll();
    expect(rowsOnDisk()).toEqual(ONE_TURN);
  });

  it('writes them on its own WRITE_BEHIND_MS after the first queued write, with no further call', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = open();
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');
    vi.advanceTimersByTime(WRITE_BEHIND_MS - 40);
    // A later write joins the batch; it does not put the batch off.
    store.recordUsage('deepseek-v4-pro', undefined);
    vi.advanceTimersByTime(39);
    expect(rowsOnDisk()).toEqual(NOTHING);

    vi.advanceTimersByTime(1);
    expect(rowsOnDisk()).toEqual(ONE_TURN);
  });

  it('writes them on its own with real timers too (a timer that does not keep the process alive)', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const store = open();
    queueOneTurn(store);

    const timer = timers.mock.results.at(-1)?.value as NodeJS.Timeout;
    timers.mockRestore();
    expect(timer.hasRef()).toBe(false);
    await vi.waitFor(() => expect(rowsOnDisk()).toEqual(ONE_TURN), {
      timeout: 50 * WRITE_BEHIND_MS,
      interval: WRITE_BEHIND_MS / 2,
    });
  });

  // Every other use of the store writes the queue first, so it sees (and orders its own writes after) what is queued.
  const uses: Array<[string, (store: BridgeStore) => unknown]> = [
    ['usageWindow', (store) => store.usageWindow('deepseek-v4-pro')],
    ['usageModels', (store) => store.usageModels()],
    ['reasoningByItemId', (store) => store.reasoningByItemId(SCOPE, 'rs_0001')],
    ['reasoningByCallId', (store) => store.reasoningByCallId(SCOPE, 'call_ls')],
    ['callByCallId', (store) => store.callByCallId(SCOPE, 'call_ls')],
    ['saveResponse', (store) => store.saveResponse({ response: response('resp_w'), input })],
    ['getResponse', (store) => store.getResponse('resp_none')],
    ['conversation', (store) => store.conversation('resp_none')],
    ['saveDashboardRuns', (store) => store.saveDashboardRuns([{ endedAt: Date.now(), record: '{}' }])],
    ['recentDashboardRuns', (store) => store.recentDashboardRuns(10)],
    ['prune', (store) => store.prune()],
    ['stats', (store) => store.stats()],
  ];
  it.each(uses)('writes the queue before %s()', (_name, use) => {
    const store = open();
    queueOneTurn(store);
    expect(rowsOnDisk()).toEqual(NOTHING);

    use(store);
    expect(rowsOnDisk()).toEqual(ONE_TURN);
  });

  it('reads as if every write had been made at once', () => {
    const store = open();
    queueOneTurn(store);

    expect(store.reasoningByItemId(SCOPE, 'rs_0001')).toBe(toolTurn.text);
    expect(store.reasoningByCallId(SCOPE, 'call_spawn')).toBe(toolTurn.text);
    expect(store.callByCallId(SCOPE, 'call_ls')?.name).toBe('exec_command');
    expect(store.usageWindow('deepseek-v4-pro').requests).toBe(1);
    expect(store.stats().rows).toEqual({ reasoning: 3, tool_calls: 2, responses: 0 });
  });

  it('writes a whole batch in one transaction', () => {
    const store = open();
    for (let turn = 0; turn < 10; turn += 1) queueOneTurn(store);
    const exec = vi.spyOn(DatabaseSync.prototype, 'exec');
    try {
      store.stats();
      const statements = exec.mock.calls.map(([sql]) => sql);
      expect(statements.filter((sql) => /^BEGIN\b/.test(sql))).toHaveLength(1);
      expect(statements.filter((sql) => sql === 'COMMIT')).toHaveLength(1);
    } finally {
      exec.mockRestore();
    }
    expect(rowsOnDisk().usageRequests).toBe(10);
  });

  it('reports a write that fails and keeps the rest of its batch and what comes after', () => {
    const errors: unknown[] = [];
    const store = open({ ...OPTIONS, onWriteError: (error) => errors.push(error) });
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');
    store.saveReplay(SCOPE, [brokenTurn], 'deepseek-v4-pro');
    store.recordUsage('deepseek-v4-pro', undefined);

    expect(store.stats().rows).toEqual({ reasoning: 3, tool_calls: 2, responses: 0 });
    expect(rowsOnDisk()).toEqual(ONE_TURN);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/NOT NULL/);
    expect(store.callByCallId(SCOPE, 'call_bad')).toBeUndefined();

    store.saveReplay('session-b', [toolTurn], 'deepseek-v4-pro');
    expect(store.callByCallId('session-b', 'call_ls')?.name).toBe('exec_command');
  });

  it('does not throw from its timer when a queued write fails, with or without a handler', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = open();
    store.saveReplay(SCOPE, [brokenTurn], 'deepseek-v4-pro');
    store.recordUsage('deepseek-v4-pro', undefined);

    expect(() => vi.advanceTimersByTime(WRITE_BEHIND_MS)).not.toThrow();
    expect(rowsOnDisk()).toEqual({ reasoning: 0, toolCalls: 0, usageRequests: 1 });
  });

  it('reports a batch it cannot write while another process holds the file once, and writes the next one', () => {
    const errors: unknown[] = [];
    const store = open({ ...OPTIONS, onWriteError: (error) => errors.push(error) });
    for (let turn = 0; turn < 3; turn += 1) queueOneTurn(store);
    const other = new DatabaseSync(dbPath);
    try {
      other.exec('BEGIN IMMEDIATE');
      // Waits busy_timeout once for the whole batch, not once per write.
      store.stats();
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/locked|busy/i);
    expect(rowsOnDisk()).toEqual(NOTHING);

    queueOneTurn(store);
    expect(store.usageWindow('deepseek-v4-pro').requests).toBe(1);
    expect(rowsOnDisk()).toEqual(ONE_TURN);
  });

  it('reports the cause when SQLite rolls the whole batch back itself (as on a full disk), and writes the next', () => {
    const errors: unknown[] = [];
    const store = open({ ...OPTIONS, onWriteError: (error) => errors.push(error) });
    store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');
    store.saveReplay(SCOPE, [brokenTurn], 'deepseek-v4-pro');
    const realExec = DatabaseSync.prototype.exec;
    let savepoints = 0;
    const exec = vi.spyOn(DatabaseSync.prototype, 'exec').mockImplementation(function (
      this: DatabaseSync,
      sql,
    ) {
      // The second write's transaction is gone before it fails, as SQLite leaves it after SQLITE_FULL or IOERR.
      if (sql === 'SAVEPOINT queued_write' && ++savepoints === 2) return realExec.call(this, 'ROLLBACK');
      return realExec.call(this, sql);
    });
    try {
      store.stats();
    } finally {
      exec.mockRestore();
    }
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/NOT NULL/);
    expect(store.callByCallId(SCOPE, 'call_ls')).toBeUndefined();

    queueOneTurn(store);
    expect(store.usageWindow('deepseek-v4-pro').requests).toBe(1);
    expect(store.callByCallId(SCOPE, 'call_ls')?.name).toBe('exec_command');
  });

  it('writes at once once closed, so a write after close() throws as it did before the queue', () => {
    const store = open();
    closeAll();
    expect(() => store.recordUsage('deepseek-v4-pro', undefined)).toThrow();
    expect(() => store.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro')).toThrow();
  });

  it('writes each at once with writeBehindMs 0', () => {
    queueOneTurn(open({ ...OPTIONS, writeBehindMs: 0 }));

    expect(rowsOnDisk()).toEqual(ONE_TURN);
  });
});

describe('state store: the file', () => {
  it('creates the database file readable by its owner only', () => {
    open();

    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
  });

  it('creates its directory private to its owner', () => {
    open();

    expect(statSync(path.dirname(dbPath)).mode & 0o777).toBe(0o700);
  });

  it('gives the write-ahead log the same private mode', () => {
    open().saveResponse({ response: response('resp_1'), input });

    expect(existsSync(`${dbPath}-wal`)).toBe(true);
    expect(statSync(`${dbPath}-wal`).mode & 0o777).toBe(0o600);
  });

  it('keeps its data when the same file is opened again', () => {
    const first = open();
    first.saveReplay(SCOPE, [toolTurn], 'deepseek-v4-pro');
    first.saveResponse({ response: response('resp_1'), input });
    closeAll();

    const reopened = open();

    expect(reopened.reasoningByCallId(SCOPE, 'call_ls')).toBe(toolTurn.text);
    expect(reopened.callByCallId(SCOPE, 'call_spawn')?.namespace).toBe('multi_agent_v1');
    expect(reopened.getResponse('resp_1')).toEqual(response('resp_1'));
  });

  it('works in memory without a file', () => {
    const store = openStore(':memory:', OPTIONS);
    opened.push(store);
    store.saveResponse({ response: response('resp_1'), input });

    expect(store.getResponse('resp_1')).toBeDefined();
    expect(existsSync(':memory:')).toBe(false);
  });
});
