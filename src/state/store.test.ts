import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResponseObject } from '../responses/output.ts';
import type { ReplayRecord } from '../translate/stream.ts';
import { type BridgeStore, openStore, type StoreOptions } from './store.ts';

const DAY = 24 * 3600;
const OPTIONS: StoreOptions = { ttlSeconds: DAY, maxRows: 1000 };

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
  it('gives a saved response back with its input', () => {
    const store = open();
    store.saveResponse({ response: response('resp_1'), input });

    expect(store.getResponse('resp_1')).toEqual({ response: response('resp_1'), input });
  });

  it('knows nothing about a response it never saved', () => {
    expect(open().getResponse('resp_missing')).toBeUndefined();
  });

  it('replaces a response saved again under the same id', () => {
    const store = open();
    store.saveResponse({ response: response('resp_1'), input });
    store.saveResponse({ response: { ...response('resp_1'), status: 'failed' }, input: [] });

    expect(store.getResponse('resp_1')?.response.status).toBe('failed');
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

  it('keeps only the newest rows beyond the row cap', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = open({ ttlSeconds: DAY, maxRows: 2 });
    for (const [index, id] of ['resp_old', 'resp_mid', 'resp_new'].entries()) {
      vi.setSystemTime(Date.UTC(2026, 10, 25, 12, 0, index));
      store.saveResponse({ response: response(id), input });
    }

    store.prune();

    expect(store.getResponse('resp_old')).toBeUndefined();
    expect(store.getResponse('resp_mid')).toBeDefined();
    expect(store.getResponse('resp_new')).toBeDefined();
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
    expect(reopened.getResponse('resp_1')).toEqual({ response: response('resp_1'), input });
  });

  it('works in memory without a file', () => {
    const store = openStore(':memory:', OPTIONS);
    opened.push(store);
    store.saveResponse({ response: response('resp_1'), input });

    expect(store.getResponse('resp_1')).toBeDefined();
    expect(existsSync(':memory:')).toBe(false);
  });
});
