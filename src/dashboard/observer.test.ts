import { describe, expect, it } from 'vitest';
import type { RunStart } from '../observe/run-observer.ts';
import { DashboardModel } from './model.ts';
import { DashboardObserver, type RunRecord, replay } from './observer.ts';

const fixFor = (code: string) => `fix for ${code}`;
const TOOL_CONTENT = 'rm -rf ./secret-project-notes';
const PROMPT = 'my confidential merger notes';

const START: RunStart = {
  requestId: 'req-1',
  startedAt: 1,
  modelAsked: 'ocg-kimi-k2.6',
  effort: undefined,
  origin: {
    sessionId: 'sess',
    threadId: 'sess',
    parentThreadId: undefined,
    subagent: undefined,
    subagentKind: undefined,
    turnId: undefined,
  },
};

/** One request that got a decision naming tool content and failed with an upstream error quoting the prompt. */
function savedUnder(showContent: boolean): string[] {
  const saved: string[] = [];
  const observer = new DashboardObserver(
    new DashboardModel({ showContent, fixFor }),
    {
      changed: () => {},
      finished: (record) => saved.push(JSON.stringify(record)),
      failed: (error) => {
        throw error;
      },
    },
    showContent,
  );
  const watch = observer.onStart(START);
  watch.onDecision({
    source: 'guardrail',
    text: `repeated call: ${TOOL_CONTENT}`,
    withoutContent: 'repeated call: exec_command',
  });
  watch.onEnd({
    outcome: 'failed',
    at: 2,
    servedModel: 'kimi-k2.6',
    reason: 'invalid_prompt',
    message: `The upstream rejected the request (HTTP 400): bad input: ${PROMPT}`,
    messageWithoutContent: 'The upstream rejected the request (HTTP 400): bad input: [redacted]',
    tokens: undefined,
    toolCalls: 0,
  });
  return saved;
}

function replayed(saved: readonly string[], showContent: boolean): DashboardModel {
  const model = new DashboardModel({ showContent, fixFor });
  for (const text of saved) replay(model, JSON.parse(text) as RunRecord);
  return model;
}

describe('DashboardObserver: what is saved', () => {
  it('saves no content without PROXY_LOG_BODIES=1', () => {
    const saved = savedUnder(false);
    expect(saved).toHaveLength(1);
    expect(saved[0]).not.toContain(TOOL_CONTENT);
    expect(saved[0]).not.toContain(PROMPT);
    for (const showContent of [false, true]) {
      const model = replayed(saved, showContent);
      expect(model.sessions()[0]?.threads[0]?.decisions).toEqual(['guardrail: repeated call: exec_command']);
      expect(model.problems()[0]?.message).toBe(
        'The upstream rejected the request (HTTP 400): bad input: [redacted]',
      );
    }
  });

  it('saves both variants under PROXY_LOG_BODIES=1 and shows the one the next start allows', () => {
    const saved = savedUnder(true);
    const withContent = replayed(saved, true);
    expect(withContent.sessions()[0]?.threads[0]?.decisions).toEqual([
      `guardrail: repeated call: ${TOOL_CONTENT}`,
    ]);
    expect(withContent.problems()[0]?.message).toContain(PROMPT);

    const without = replayed(saved, false);
    expect(without.sessions()[0]?.threads[0]?.decisions).toEqual(['guardrail: repeated call: exec_command']);
    expect(without.problems()[0]?.message).toBe(
      'The upstream rejected the request (HTTP 400): bad input: [redacted]',
    );
  });

  it('shows live what the options allow', () => {
    const model = new DashboardModel({ showContent: false, fixFor });
    const observer = new DashboardObserver(
      model,
      { changed: () => {}, finished: () => {}, failed: () => {} },
      false,
    );
    const watch = observer.onStart(START);
    watch.onEnd({
      outcome: 'failed',
      at: 2,
      servedModel: undefined,
      reason: 'invalid_prompt',
      message: `bad input: ${PROMPT}`,
      messageWithoutContent: 'bad input: [redacted]',
      tokens: undefined,
      toolCalls: 0,
    });
    expect(model.problems()[0]?.message).toBe('bad input: [redacted]');
  });
});
