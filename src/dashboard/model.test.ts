import { describe, expect, it } from 'vitest';
import type { CodexOrigin, RunEnd, RunStart } from '../observe/run-observer.ts';
import { DashboardModel, NO_SESSION } from './model.ts';

const ROOT: CodexOrigin = {
  sessionId: 'sess',
  threadId: 'sess',
  parentThreadId: undefined,
  subagent: undefined,
  subagentKind: undefined,
  turnId: 'turn-1',
};

function child(threadId: string): CodexOrigin {
  return {
    ...ROOT,
    threadId,
    parentThreadId: 'sess',
    subagent: 'collab_spawn',
    subagentKind: 'thread_spawn',
  };
}

function start(origin: CodexOrigin, at: number, model = 'ocg-deepseek-v4-pro'): RunStart {
  return { requestId: `req-${at}`, startedAt: at, modelAsked: model, effort: 'high', origin };
}

function end(outcome: RunEnd['outcome'], at: number, extra: Partial<RunEnd> = {}): RunEnd {
  return {
    outcome,
    at,
    servedModel: 'deepseek-v4-pro',
    reason: undefined,
    message: undefined,
    tokens: { input: 100, cached: 40, output: 20, reasoning: 5 },
    toolCalls: 1,
    ...extra,
  };
}

const fixFor = (code: string) => `fix for ${code}`;

describe('DashboardModel', () => {
  it('builds a session tree from the parent thread ids of its requests', () => {
    const model = new DashboardModel({ showContent: false, fixFor });
    model.start(start(ROOT, 1));
    model.start(start(child('kid-a'), 2, 'ocg-kimi-k2.6'));
    model.start(start(child('kid-b'), 3, 'ocg-deepseek-v4-flash'));
    const [session] = model.sessions();
    expect(session?.id).toBe('sess');
    expect(session?.active).toBe(3);
    expect(session?.threads.map((thread) => [thread.id, thread.parentId, thread.subagent])).toEqual([
      ['sess', null, null],
      ['kid-a', 'sess', 'thread_spawn'],
      ['kid-b', 'sess', 'thread_spawn'],
    ]);
  });

  it('follows a request through queued, waiting, streaming and done, with its time to first token', () => {
    const model = new DashboardModel({ showContent: false, fixFor });
    const ref = model.start(start(ROOT, 1000));
    const thread = () => model.sessions()[0]?.threads[0];
    expect(thread()?.state).toBe('queued');
    model.state(ref, { phase: 'waiting_upstream', model: 'deepseek-v4-pro', at: 1010 });
    expect(thread()?.state).toBe('waiting_upstream');
    model.state(ref, { phase: 'streaming', model: 'deepseek-v4-pro', at: 1250 });
    expect(thread()).toMatchObject({ state: 'streaming', firstTokenMs: 250, servedModel: 'deepseek-v4-pro' });
    model.end(ref, end('completed', 2000));
    expect(thread()).toMatchObject({
      state: 'completed',
      active: 0,
      turns: 1,
      toolCalls: 1,
      tokens: { input: 100, cached: 40, output: 20, reasoning: 5 },
    });
  });

  it('adds up turns, tool calls and tokens over a thread, and counts only the first end of a request', () => {
    const model = new DashboardModel({ showContent: false, fixFor });
    const first = model.start(start(ROOT, 1));
    model.end(first, end('completed', 2));
    model.end(first, end('failed', 3));
    const second = model.start(start(ROOT, 4));
    model.end(second, end('completed', 5));
    expect(model.sessions()[0]?.threads[0]).toMatchObject({
      state: 'completed',
      turns: 2,
      toolCalls: 2,
      tokens: { input: 200, cached: 80, output: 40, reasoning: 10 },
    });
    expect(model.problems()).toEqual([]);
  });

  it('lists failed and incomplete requests as problems, newest first, with their fix', () => {
    const model = new DashboardModel({ showContent: false, fixFor });
    const a = model.start(start(child('kid-a'), 1, 'ocg-kimi-k2.6'));
    model.end(a, end('incomplete', 2, { reason: 'repeated_tool_calls', servedModel: 'kimi-k2.6' }));
    const b = model.start(start(child('kid-b'), 3));
    model.end(b, end('failed', 4, { reason: 'rate_limit_exceeded', message: 'slow down' }));
    const c = model.start(start(ROOT, 5));
    model.end(c, end('client_disconnected', 6));
    expect(model.problems()).toEqual([
      {
        at: 4,
        sessionId: 'sess',
        threadId: 'kid-b',
        model: 'deepseek-v4-pro',
        outcome: 'failed',
        reason: 'rate_limit_exceeded',
        message: 'slow down',
        fix: 'fix for rate_limit_exceeded',
      },
      expect.objectContaining({ threadId: 'kid-a', reason: 'repeated_tool_calls', model: 'kimi-k2.6' }),
    ]);
    expect(model.sessions()[0]?.threads.find((thread) => thread.id === 'kid-a')).toMatchObject({
      state: 'incomplete',
      reason: 'repeated_tool_calls',
    });
  });

  it('shows a decision without its tool content unless bodies may be shown', () => {
    const decision = {
      source: 'guardrail' as const,
      text: 'not forwarded: duplicate of call c1: exec_command {"cmd":"cat secret.txt"}',
      withoutContent: 'not forwarded: a duplicate or over-cap tool call',
    };
    const hidden = new DashboardModel({ showContent: false, fixFor });
    hidden.decision(hidden.start(start(ROOT, 1)), decision, 2);
    expect(hidden.sessions()[0]?.threads[0]?.decisions).toEqual([
      'guardrail: not forwarded: a duplicate or over-cap tool call',
    ]);
    const shown = new DashboardModel({ showContent: true, fixFor });
    shown.decision(shown.start(start(ROOT, 1)), decision, 2);
    expect(shown.sessions()[0]?.threads[0]?.decisions[0]).toContain('cat secret.txt');
  });

  it('keeps the latest decisions only', () => {
    const model = new DashboardModel({ showContent: false, fixFor, maxDecisions: 2 });
    const ref = model.start(start(ROOT, 1));
    for (const text of ['one', 'two', 'three']) model.decision(ref, { source: 'mode', text }, 2);
    expect(model.sessions()[0]?.threads[0]?.decisions).toEqual(['mode: two', 'mode: three']);
  });

  it('groups requests without Codex headers under one session', () => {
    const model = new DashboardModel({ showContent: false, fixFor });
    const none = { ...ROOT, sessionId: undefined, threadId: undefined, turnId: undefined };
    model.start(start(none, 1));
    model.start(start(none, 2));
    expect(model.sessions().map((session) => [session.id, session.threads.length])).toEqual([
      [NO_SESSION, 1],
    ]);
  });

  it('reports only the sessions changed since a version, and the sessions it dropped', () => {
    const model = new DashboardModel({ showContent: false, fixFor, maxSessions: 2 });
    for (const id of ['s1', 's2']) {
      const ref = model.start(start({ ...ROOT, sessionId: id, threadId: id }, 1));
      model.end(ref, end('completed', 2));
    }
    const seen = model.changesSince(0);
    expect(seen.sessions.map((session) => session.id).sort()).toEqual(['s1', 's2']);
    const ref = model.start(start({ ...ROOT, sessionId: 's3', threadId: 's3' }, 3));
    const next = model.changesSince(seen.version);
    expect(next.sessions.map((session) => session.id)).toEqual(['s3']);
    expect(next.removed).toEqual(['s1']);
    expect(next.problems).toBeUndefined();
    model.end(ref, end('failed', 4, { reason: 'server_error' }));
    expect(model.changesSince(next.version).problems).toHaveLength(1);
  });

  it('drops the idle sessions active longest ago, whatever order they arrived in', () => {
    const model = new DashboardModel({ showContent: false, fixFor, maxSessions: 3 });
    for (const [id, at] of [
      ['s1', 1],
      ['s2', 2],
      ['s3', 3],
    ] as const) {
      model.end(model.start(start({ ...ROOT, sessionId: id, threadId: id }, at)), end('completed', at));
    }
    // s1 is active again after s2 and s3: s2 is now the one active longest ago, then s3.
    model.end(model.start(start({ ...ROOT, sessionId: 's1', threadId: 's1' }, 4)), end('completed', 4));
    model.start(start({ ...ROOT, sessionId: 's4', threadId: 's4' }, 5));
    expect(model.sessionOrder()).toEqual(['s4', 's1', 's3']);
    model.start(start({ ...ROOT, sessionId: 's5', threadId: 's5' }, 6));
    // s4 is still in flight: the idle s3 goes, then s1 would be next.
    expect(model.sessionOrder()).toEqual(['s5', 's4', 's1']);
  });

  it('never drops a session with requests in flight', () => {
    const model = new DashboardModel({ showContent: false, fixFor, maxSessions: 1 });
    model.start(start({ ...ROOT, sessionId: 'busy', threadId: 'busy' }, 1));
    model.start(start({ ...ROOT, sessionId: 'new', threadId: 'new' }, 2));
    expect(model.sessionOrder()).toEqual(['new', 'busy']);
  });
});

describe('DashboardModel, a request that streams twice (a guardrail re-ask)', () => {
  it('shows it streaming again, and keeps the time to its first token', () => {
    const model = new DashboardModel({ showContent: false, fixFor });
    const ref = model.start(start(ROOT, 1000));
    model.state(ref, { phase: 'streaming', model: 'deepseek-v4-pro', at: 1100 });
    model.state(ref, { phase: 'waiting_upstream', model: 'deepseek-v4-pro', at: 1500 });
    model.state(ref, { phase: 'streaming', model: 'deepseek-v4-pro', at: 1900 });
    expect(model.sessions()[0]?.threads[0]).toMatchObject({ state: 'streaming', firstTokenMs: 100 });
  });
});
