import { describe, expect, it } from 'vitest';
import { doneItems, eventViolations } from '../../test/support/event-invariants.ts';
import { testTranslator } from '../../test/support/translator.ts';
import type { ResponseEvent } from '../responses/output.ts';
import type { ChatChunk } from '../upstream/chat-types.ts';

const text = (content: string): ChatChunk => ({ choices: [{ index: 0, delta: { content } }] });
const reasoning = (content: string): ChatChunk => ({
  choices: [{ index: 0, delta: { reasoning_content: content } }],
});
const finish = (reason: string): ChatChunk => ({ choices: [{ index: 0, delta: {}, finish_reason: reason }] });
const call = (index: number, id: string | undefined, name: string, args: string): ChatChunk => ({
  choices: [
    {
      index: 0,
      delta: { tool_calls: [{ index, ...(id ? { id } : {}), function: { name, arguments: args } }] },
    },
  ],
});

/** A guarded translator that has streamed one segment's chunks. */
function streamed(chunks: ChatChunk[]) {
  const translator = testTranslator({ holdToolCalls: true });
  const events: ResponseEvent[] = [...translator.start()];
  for (const chunk of chunks) events.push(...translator.push(chunk));
  return { translator, events };
}

const types = (events: readonly ResponseEvent[]) => events.map((event) => event.type);

describe('segments of a guarded response', () => {
  it('streams text and reasoning at once but holds tool calls back until the segment ends', () => {
    const { translator, events } = streamed([
      reasoning('look first'),
      text('Running it.'),
      call(0, 'c1', 'exec_command', '{"cmd":"ls"}'),
      finish('tool_calls'),
    ]);
    expect(types(events)).toContain('response.output_text.delta');
    expect(types(events)).toContain('response.reasoning_text.delta');
    expect(events.some((event) => JSON.stringify(event).includes('function_call'))).toBe(false);
    const segment = translator.segmentEnd();
    expect(segment).toMatchObject({ text: 'Running it.', reasoning: 'look first', cutShort: undefined });
    expect(segment.calls).toEqual([
      { callId: 'c1', binding: { kind: 'function', name: 'exec_command' }, arguments: '{"cmd":"ls"}' },
    ]);
    // The message is closed with the segment; no call has become an item yet.
    expect(types(segment.events)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
    ]);
  });

  it('sends only the released calls, in the order given; the others never reach the client', () => {
    const { translator, events } = streamed([
      call(0, 'c1', 'exec_command', '{"cmd":"ls"}'),
      call(1, 'c2', 'apply_patch', '{"input":"*** Begin Patch"}'),
      call(2, 'c3', 'view_image', '{"path":"a.png"}'),
      finish('tool_calls'),
    ]);
    const segment = translator.segmentEnd();
    const [first, , third] = segment.calls;
    events.push(...segment.events, ...translator.releaseCalls([third, first].filter((c) => c !== undefined)));
    events.push(...translator.finish());
    expect(eventViolations(events)).toEqual([]);
    expect(doneItems(events).map((item) => [item.type, item.call_id])).toEqual([
      ['function_call', 'c3'],
      ['function_call', 'c1'],
    ]);
    expect(translator.response?.output).toHaveLength(2);
  });

  it('maps held calls to their tool: a custom tool keeps its raw arguments, a namespaced one its namespace', () => {
    const { translator } = streamed([
      call(0, 'c1', 'apply_patch', '{"input":"*** Begin Patch"}'),
      call(1, 'c2', 'multi_agent_v1__spawn_agent', '{}'),
      finish('tool_calls'),
    ]);
    expect(translator.segmentEnd().calls).toEqual([
      {
        callId: 'c1',
        binding: { kind: 'custom', name: 'apply_patch' },
        arguments: '{"input":"*** Begin Patch"}',
      },
      {
        callId: 'c2',
        binding: { kind: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' },
        arguments: '{}',
      },
    ]);
  });

  it('gives held calls without an upstream id distinct ids, kept when they are released', () => {
    const { translator } = streamed([
      text('Two.'),
      call(0, undefined, 'exec_command', '{"cmd":"a"}'),
      call(1, undefined, 'exec_command', '{"cmd":"b"}'),
      finish('tool_calls'),
    ]);
    const segment = translator.segmentEnd();
    const ids = segment.calls.map((held) => held.callId);
    expect(ids).toEqual(['call_test_2', 'call_test_3']);
    const released = translator.releaseCalls(segment.calls);
    expect(doneItems(released).map((item) => item.call_id)).toEqual(ids);
  });

  it('hands back no call when the upstream cut the segment short, and says how many it withheld', () => {
    const { translator } = streamed([
      text('Partial'),
      call(0, 'c1', 'exec_command', '{"cmd":"l'),
      finish('length'),
    ]);
    const segment = translator.segmentEnd();
    expect(segment).toMatchObject({
      calls: [],
      text: 'Partial',
      cutShort: { finishReason: 'length', withheldCalls: 1 },
    });
    // The message stays open: finish() ends it incomplete, as the upstream said.
    expect(types(segment.events)).toEqual([]);
    expect(translator.finish().at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { output: [{ type: 'message', status: 'incomplete' }] },
    });
  });

  it('drops a call the upstream never named, and notes it for the log', () => {
    const { translator } = streamed([call(0, 'c1', '', '{"a":1}'), finish('tool_calls')]);
    expect(translator.segmentEnd().calls).toEqual([]);
    expect(translator.anomalies).toEqual(['a tool call without a name was dropped (arguments: {"a":1})']);
  });

  it('releases only calls this segment handed out, not a copy of one', () => {
    const { translator } = streamed([call(0, 'c1', 'exec_command', '{}'), finish('tool_calls')]);
    const [held] = translator.segmentEnd().calls;
    expect(() => translator.releaseCalls([{ ...(held as NonNullable<typeof held>) }])).toThrow(
      'tool call c1 was not held in this segment',
    );
  });

  it('summarises a continued segment on its own, numbering its items after the first segment', () => {
    const { translator, events } = streamed([
      reasoning('first thought'),
      text('I will run it.'),
      finish('stop'),
    ]);
    const first = translator.segmentEnd();
    events.push(...first.events);
    translator.nextUpstreamCall(translator.options);
    for (const chunk of [reasoning('second thought'), text('Done.'), call(0, 'c9', 'exec_command', '{}')])
      events.push(...translator.push(chunk));
    events.push(...translator.push(finish('tool_calls')));
    const second = translator.segmentEnd();
    expect(second).toMatchObject({ text: 'Done.', reasoning: 'second thought', cutShort: undefined });
    events.push(...second.events, ...translator.releaseCalls(second.calls), ...translator.finish());
    expect(eventViolations(events)).toEqual([]);
    expect(doneItems(events).map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'reasoning',
      'message',
      'function_call',
    ]);
  });

  it('forgets the calls of an earlier segment once another one starts', () => {
    const { translator } = streamed([call(0, 'c1', 'exec_command', '{}'), finish('tool_calls')]);
    const earlier = translator.segmentEnd().calls;
    translator.nextUpstreamCall(translator.options);
    translator.push(text('Answer.'));
    translator.push(finish('stop'));
    expect(translator.segmentEnd().calls).toEqual([]);
    expect(() => translator.releaseCalls(earlier)).toThrow('tool call c1 was not held in this segment');
  });
});
