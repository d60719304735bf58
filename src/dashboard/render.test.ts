import { describe, expect, it } from 'vitest';
import type { LimitsView } from './limits.ts';
import type { SessionView, ThreadState } from './model.ts';
import { domId, escapeHtml, renderLimits, renderProblems, renderSession } from './render.ts';

const hostile = '"><script>alert(1)</script>';

function session(overrides: Partial<SessionView['threads'][number]> = {}): SessionView {
  return {
    id: 'sess',
    startedAt: 0,
    updatedAt: 0,
    active: 0,
    threads: [
      {
        id: 'sess',
        parentId: null,
        subagent: null,
        modelAsked: 'ocg-kimi-k2.6',
        effort: null,
        servedModel: 'kimi-k2.6',
        state: 'completed',
        reason: null,
        active: 0,
        turns: 1,
        toolCalls: 0,
        tokens: { input: 1, cached: 0, output: 1, reasoning: 0 },
        firstTokenMs: 12,
        decisions: [],
        startedAt: 0,
        updatedAt: 0,
        ...overrides,
      },
    ],
  };
}

describe('render', () => {
  it('escapes every value that came from a request', () => {
    const html = renderSession(session({ modelAsked: hostile, decisions: [hostile], reason: hostile }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    const problems = renderProblems([
      {
        at: 0,
        sessionId: 's',
        threadId: hostile,
        model: hostile,
        outcome: 'failed',
        reason: hostile,
        message: hostile,
        fix: 'f',
      },
    ]);
    expect(problems).not.toContain('<script>');
  });

  it('escapes a state it has no label for, in its attributes and its text', () => {
    const state = hostile as ThreadState;
    const html = renderSession(session({ state }));
    expect(html).not.toContain('<script>');
    expect(html).toContain(`data-state="${escapeHtml(hostile)}"`);
    expect(html).toContain(`>${escapeHtml(hostile)}</span>`);
    const problems = renderProblems([
      {
        at: 0,
        sessionId: 's',
        threadId: 't',
        model: 'm',
        outcome: state as 'failed',
        reason: 'r',
        message: null,
        fix: 'f',
      },
    ]);
    expect(problems).not.toContain('<script>');
    expect(problems).toContain(`class="badge state-${escapeHtml(hostile)}"`);
  });

  it('makes element ids from any thread id', () => {
    expect(domId('t', 'a b"c')).toBe('t-a_20b_22c');
    expect(domId('t', '01a213a9-dced-7491')).toBe('t-01a213a9-dced-7491');
  });

  it('labels every state in words, not only in colour', () => {
    expect(renderSession(session({ state: 'waiting_upstream' }))).toContain('>waiting for upstream<');
    expect(renderSession(session({ state: 'failed', reason: 'rate_limit_exceeded' }))).toContain(
      '>failed: rate_limit_exceeded<',
    );
  });

  it('names the served model only when another model answered', () => {
    expect(renderSession(session())).not.toContain('class="served"');
    expect(renderSession(session({ servedModel: 'deepseek-v4-flash' }))).toContain(
      '<span class="served">deepseek-v4-flash</span>',
    );
  });

  it('draws usage as a meter with its figures in text', () => {
    const limits: LimitsView = {
      at: 0,
      models: [
        {
          model: 'kimi-k2.6',
          requests: 990,
          requestLimit: 1100,
          inputTokens: 5,
          outputTokens: 6,
          cachedTokens: 0,
          reasoningTokens: 0,
          freeAt: null,
          breaker: { state: 'open', failures: 3, retryAt: 60_000 },
          active: 1,
          cap: 1,
        },
      ],
      concurrency: { active: 1, globalCap: 2, queued: 0, queueMax: 64 },
    };
    const html = renderLimits(limits);
    expect(html).toContain('<meter min="0" max="1100"');
    expect(html).toContain('value="990"');
    expect(html).toContain('990 of 1,100 requests (90%) – at the limit');
    expect(html).toContain('circuit open');
  });
});
