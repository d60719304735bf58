/**
 * Guarded responses go segment by segment: one segment per upstream call. While a segment streams, its tool calls
 * are held back (text and reasoning still stream); when it ends, the guardrails get the calls as plain data and
 * decide which go out (`release`), and the model may be asked again, continuing the same response in a new segment.
 */
import type { ResponseEvent } from '../responses/output.ts';
import type { ChatToolCallDelta } from '../upstream/chat-types.ts';
import { outcomeOfFinishReason } from './finish-reason.ts';
import type { OutputItems } from './stream-item-events.ts';
import type { ToolCallState } from './stream-items.ts';
import { type ChatToolCalls, namelessCallNote } from './stream-tool-calls.ts';
import type { ToolBinding, ToolNames } from './tools.ts';

/**
 * A tool call held back at the end of a segment, for the guardrails to decide on. Released by identity: only the
 * objects the segment handed out can be released (the translator keeps the call's item state to itself).
 */
export interface HeldCall {
  readonly callId: string;
  readonly binding: ToolBinding;
  readonly arguments: string;
}

/** What one upstream call (a segment of the response) produced, once it ended. */
export interface SegmentSummary {
  events: ResponseEvent[];
  calls: HeldCall[];
  /** Message text of this segment. */
  text: string;
  reasoning: string;
  /**
   * Set when the upstream stopped this segment short (length, content filter, overload): its calls may be cut
   * mid-argument, so none is handed back and the caller ends the response with `finish()`.
   */
  cutShort: { finishReason: string; withheldCalls: number } | undefined;
}

export class ResponseSegments {
  readonly #items: OutputItems;
  readonly #calls: ChatToolCalls;
  /** The translator's notes for the log. */
  readonly #anomalies: string[];
  /** Output index of the current segment's first item. */
  #start = 0;
  readonly #held = new Map<HeldCall, ToolCallState>();

  constructor(items: OutputItems, calls: ChatToolCalls, anomalies: string[]) {
    this.#items = items;
    this.#calls = calls;
    this.#anomalies = anomalies;
  }

  /** Gathers a fragment of a held call: nothing is sent until the call is released. */
  hold(fragment: ChatToolCallDelta): void {
    const call = this.#calls.callFor(fragment);
    this.#calls.takePendingOpens();
    if (fragment.id && !call.callId) call.callId = fragment.id;
    if (fragment.function?.name) call.name += fragment.function.name;
    call.args += fragment.function?.arguments ?? '';
  }

  /**
   * Ends the current segment without ending the response: its reasoning and message items are closed (`events`
   * already holds what the translator flushed), its named calls are handed back under the serving model's names.
   */
  end(events: ResponseEvent[], finishReason: string | null | undefined, names: ToolNames): SegmentSummary {
    const items = this.#items;
    const calls = this.#calls;
    items.closeReasoning(events);
    const segmentItems = items.all.slice(this.#start);
    const segmentText = (kind: 'message' | 'reasoning') =>
      segmentItems.map((item) => (item.kind === kind ? item.text : '')).join('');
    if (outcomeOfFinishReason(finishReason).status !== 'completed')
      return {
        events,
        calls: [],
        text: segmentText('message'),
        reasoning: segmentText('reasoning'),
        cutShort: { finishReason: String(finishReason), withheldCalls: calls.size },
      };
    items.closeMessage(events, 'completed');
    const held: HeldCall[] = [];
    for (const call of calls.values()) {
      if (!call.name) {
        this.#anomalies.push(namelessCallNote(call));
        continue;
      }
      call.binding = names.fromChat(call.name);
      // None is an item yet, so each counts ahead past the calls before it: ids stay distinct once released.
      call.callId ??= items.generatedCallId(1 + held.length);
      const heldCall: HeldCall = { callId: call.callId, binding: call.binding, arguments: call.args };
      this.#held.set(heldCall, call);
      held.push(heldCall);
    }
    return {
      events,
      calls: held,
      text: segmentText('message'),
      reasoning: segmentText('reasoning'),
      cutShort: undefined,
    };
  }

  /** Sends the held calls the guardrails kept, in order; the others are never seen by the client. */
  release(kept: readonly HeldCall[]): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    for (const heldCall of kept) {
      const call = this.#held.get(heldCall);
      if (!call) throw new Error(`tool call ${heldCall.callId} was not held in this segment`);
      this.#items.openToolCall(call, events);
      this.#items.closeToolCall(call, events, 'completed');
    }
    this.#held.clear();
    this.#calls.clear();
    return events;
  }

  /** Another upstream call continues the response: its items form the next segment. */
  next(): void {
    this.#held.clear();
    this.#start = this.#items.all.length;
  }
}
