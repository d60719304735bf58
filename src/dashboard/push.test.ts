import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunStart } from '../observe/run-observer.ts';
import type { LimitsView } from './limits.ts';
import { DashboardModel } from './model.ts';
import { PushChannel, type PushMessage } from './push.ts';

const INTERVAL_MS = 500;
const LIMITS: LimitsView = {
  at: 0,
  models: [],
  concurrency: { active: 0, globalCap: 1, queued: 0, queueMax: 1 },
};

function start(sessionId: string): RunStart {
  return {
    requestId: `req-${sessionId}`,
    startedAt: Date.now(),
    modelAsked: 'ocg-kimi-k2.6',
    effort: undefined,
    origin: {
      sessionId,
      threadId: sessionId,
      parentThreadId: undefined,
      subagent: undefined,
      subagentKind: undefined,
      turnId: undefined,
    },
  };
}

/** A page: what it was sent, and whether it has read it (`ready`). */
function page() {
  const messages: Array<{ event: string; data: PushMessage }> = [];
  let keepAlives = 0;
  const state = { ready: true };
  return {
    state,
    messages,
    keepAlives: () => keepAlives,
    subscriber: {
      write(text: string) {
        if (text.startsWith(':')) {
          keepAlives += 1;
          return;
        }
        const [eventLine, dataLine] = text.split('\n');
        messages.push({
          event: (eventLine as string).slice('event: '.length),
          data: JSON.parse((dataLine as string).slice('data: '.length)) as PushMessage,
        });
      },
      ready: () => state.ready,
      end() {},
    },
  };
}

describe('PushChannel and a page that stops reading', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function channel() {
    const model = new DashboardModel({ showContent: false, fixFor: (code) => code });
    const push = new PushChannel(model, {
      intervalMs: INTERVAL_MS,
      limitsIntervalMs: 60_000,
      keepAliveMs: 1000,
      readLimits: () => LIMITS,
    });
    return { model, push };
  }

  it('writes nothing while the page has not read, then one message with all it missed', () => {
    const { model, push } = channel();
    const stuck = page();
    const handle = push.subscribe(stuck.subscriber);
    expect(stuck.messages.map((message) => message.event)).toEqual(['snapshot']);

    stuck.state.ready = false;
    for (const id of ['a', 'b', 'c']) {
      model.start(start(id));
      push.changed();
      vi.advanceTimersByTime(INTERVAL_MS * 2);
    }
    vi.advanceTimersByTime(5000);
    expect(stuck.messages).toHaveLength(1);
    expect(stuck.keepAlives()).toBe(0);

    stuck.state.ready = true;
    handle.drained();
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(stuck.messages).toHaveLength(2);
    const caughtUp = stuck.messages[1];
    expect(caughtUp?.event).toBe('changes');
    expect(caughtUp?.data.sessions.map((session) => session.id).sort()).toEqual(['a', 'b', 'c']);
    handle.unsubscribe();
  });

  it('keeps sending to the pages that read while one does not', () => {
    const { model, push } = channel();
    const reading = page();
    const stuck = page();
    push.subscribe(reading.subscriber);
    push.subscribe(stuck.subscriber);
    stuck.state.ready = false;
    for (const id of ['a', 'b']) {
      model.start(start(id));
      push.changed();
      vi.advanceTimersByTime(INTERVAL_MS * 2);
    }
    expect(reading.messages.map((message) => message.event)).toEqual(['snapshot', 'changes', 'changes']);
    expect(stuck.messages).toHaveLength(1);
  });

  it('does nothing on a drained page that missed nothing', () => {
    const { push } = channel();
    const quiet = page();
    const handle = push.subscribe(quiet.subscriber);
    handle.drained();
    vi.advanceTimersByTime(INTERVAL_MS * 4);
    expect(quiet.messages).toHaveLength(1);
  });
});
