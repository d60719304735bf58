import { describe, expect, it } from 'vitest';
import { readCodexRequest } from '../../test/support/fixtures.ts';
import { conversationSessionId } from './session.ts';

function headers(values: Record<string, string>) {
  return (name: string) => values[name];
}

const noHeaders = headers({});

const systemPrompt = { role: 'system', content: 'You are a careful coding agent.' };
const firstQuestion = { role: 'user', content: 'Why does the build fail?' };
const firstAnswer = { role: 'assistant', content: 'The lockfile is stale.' };
const followUp = { role: 'user', content: 'Fix it.' };

describe('conversationSessionId', () => {
  it("uses Codex's session-id header", () => {
    const { headers: captured, body } = readCodexRequest('basic-00');

    expect(conversationSessionId(headers(captured), body.prompt_cache_key as string, body.input)).toBe(
      '01a213a2-f7bf-7a50-9220-eeb3c1d94a04',
    );
  });

  it('prefers session-id to the other session headers and to prompt_cache_key', () => {
    const all = headers({
      'session-id': 'from-session-id',
      session_id: 'from-session_id',
      'x-session-id': 'from-x-session-id',
      conversation_id: 'from-conversation_id',
    });

    expect(conversationSessionId(all, 'cache-key', [firstQuestion])).toBe('from-session-id');
  });

  it.each(['session_id', 'x-session-id', 'conversation_id', 'conversation-id'])(
    'uses the %s header when session-id is absent',
    (name) => {
      expect(conversationSessionId(headers({ [name]: 'conv-42' }), 'cache-key', [firstQuestion])).toBe(
        'conv-42',
      );
    },
  );

  it('takes session_id before conversation_id', () => {
    const both = headers({ conversation_id: 'from-conversation', session_id: 'from-session' });

    expect(conversationSessionId(both, undefined, [])).toBe('from-session');
  });

  it('ignores a blank session header', () => {
    expect(conversationSessionId(headers({ 'session-id': '   ' }), 'cache-key', [])).toBe('cache-key');
  });

  it('trims the header value', () => {
    expect(conversationSessionId(headers({ 'session-id': ' conv-42 ' }), undefined, [])).toBe('conv-42');
  });

  it('replaces a very long header by a stable hash', () => {
    const id = conversationSessionId(headers({ 'session-id': 'x'.repeat(500) }), undefined, []);
    expect(id).toMatch(/^ocb-[0-9a-f]{32}$/);
    expect(conversationSessionId(headers({ 'session-id': 'x'.repeat(500) }), undefined, [])).toBe(id);
  });

  it('replaces a value that is not printable ASCII (it cannot be an HTTP header) by a stable hash', () => {
    const id = conversationSessionId(noHeaders, 'sessão-日本', []);
    expect(id).toMatch(/^ocb-[0-9a-f]{32}$/);
    expect(id).not.toBe(conversationSessionId(noHeaders, 'other-日本', []));
  });

  it('falls back to prompt_cache_key without a session header', () => {
    expect(conversationSessionId(noHeaders, 'cache-key-7', [firstQuestion])).toBe('cache-key-7');
  });

  it('derives an ocb- id without header or prompt_cache_key', () => {
    expect(conversationSessionId(noHeaders, null, [systemPrompt, firstQuestion])).toMatch(
      /^ocb-[0-9a-f]{32}$/,
    );
  });

  it('derives the same id as the conversation grows', () => {
    const firstTurn = conversationSessionId(noHeaders, null, [systemPrompt, firstQuestion]);
    const secondTurn = conversationSessionId(noHeaders, null, [
      systemPrompt,
      firstQuestion,
      firstAnswer,
      followUp,
    ]);

    expect(secondTurn).toBe(firstTurn);
  });

  it('derives different ids for conversations that start differently', () => {
    const one = conversationSessionId(noHeaders, null, [systemPrompt, firstQuestion]);
    const other = conversationSessionId(noHeaders, null, [
      systemPrompt,
      { role: 'user', content: 'Add a test.' },
    ]);

    expect(other).not.toBe(one);
  });

  it('derives an id from a string input', () => {
    const id = conversationSessionId(noHeaders, undefined, 'Why does the build fail?');

    expect(id).toBe(conversationSessionId(noHeaders, undefined, 'Why does the build fail?'));
    expect(id).not.toBe(conversationSessionId(noHeaders, undefined, 'Add a test.'));
  });

  // Regression: the id once hashed the first two items, so turn 1 hashed [question] and turn 2
  // [question, answer] when the system prompt came in `instructions`.
  it('derives the same id on the second turn when the system prompt is in instructions', () => {
    const firstTurn = conversationSessionId(noHeaders, null, [firstQuestion]);
    const secondTurn = conversationSessionId(noHeaders, null, [firstQuestion, firstAnswer, followUp]);

    expect(secondTurn).toBe(firstTurn);
  });
});
