import { describe, expect, it } from 'vitest';
import type { ChatToolCallDelta } from '../upstream/chat-types.ts';
import { ChatToolCalls } from './stream-tool-calls.ts';

const fragment = (index: number | undefined, id?: string, name?: string, args = ''): ChatToolCallDelta => ({
  ...(index === undefined ? {} : { index }),
  ...(id ? { id } : {}),
  function: { ...(name ? { name } : {}), arguments: args },
});

/** Fragments as the upstream sent them, gathered the way held calls are (name, id and arguments only). */
function gather(fragments: ChatToolCallDelta[]) {
  const calls = new ChatToolCalls();
  for (const piece of fragments) {
    const call = calls.callFor(piece);
    if (piece.id && !call.callId) call.callId = piece.id;
    call.name += piece.function?.name ?? '';
    call.args += piece.function?.arguments ?? '';
  }
  return [...calls.values()].map((call) => ({
    chatIndex: call.chatIndex,
    callId: call.callId,
    args: call.args,
  }));
}

describe('ChatToolCalls.callFor', () => {
  it('keeps calls apart by their Chat index', () => {
    expect(
      gather([fragment(0, 'a', 'f', '{"x"'), fragment(1, 'b', 'g', '{}'), fragment(0, undefined, '', ':1}')]),
    ).toEqual([
      { chatIndex: 0, callId: 'a', args: '{"x":1}' },
      { chatIndex: 1, callId: 'b', args: '{}' },
    ]);
  });

  it('without an index, continues the latest call, starts a new one for a new id, and finds an earlier one by id', () => {
    expect(
      gather([
        fragment(undefined, 'a', 'f', '{"x"'),
        fragment(undefined, undefined, undefined, ':1}'),
        fragment(undefined, 'b', 'g', '{'),
        fragment(undefined, 'a', undefined, ''),
        fragment(undefined, 'b', undefined, '}'),
      ]),
    ).toEqual([
      { chatIndex: 0, callId: 'a', args: '{"x":1}' },
      { chatIndex: 1, callId: 'b', args: '{}' },
    ]);
  });

  it('hands back the earlier named calls still waiting for their first argument when a later call starts', () => {
    const calls = new ChatToolCalls();
    const first = calls.callFor(fragment(0, 'a', 'f'));
    first.name = 'f';
    expect(calls.takePendingOpens()).toEqual([]);
    calls.callFor(fragment(1, 'b'));
    expect(calls.takePendingOpens()).toEqual([first]);
    first.index = 0; // the caller opened it
    calls.callFor(fragment(2, 'c', 'h'));
    // The first call is open, the second has no name yet: nothing waits.
    expect(calls.takePendingOpens()).toEqual([]);
  });
});
