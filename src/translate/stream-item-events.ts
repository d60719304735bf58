/**
 * The response's output items and the numbered events that carry them: each reasoning, message and tool-call item
 * goes added → deltas → done → output_item.done, in order, with output_index, content_index, item_id and an
 * increasing sequence_number. Which Chat delta becomes which item is decided by the translator (stream.ts).
 */
import { assertNever } from '../assert-never.ts';
import type { OutputItem, ResponseEvent, ResponseEventBody } from '../responses/output.ts';
import type { ReasoningCarrier } from './reasoning-carrier.ts';
import {
  customToolInput,
  ITEM_PREFIX,
  type ItemState,
  type MessageState,
  outputItemOf,
  type ReasoningState,
  type ToolCallState,
} from './stream-items.ts';
import type { ToolNames } from './tools.ts';

/** What the items need from the translator's options, read afresh each time (a fallback may change them). */
export interface ItemSettings {
  names: ToolNames;
  carrier: ReasoningCarrier | undefined;
  upstreamModel: string;
  exposeEmptyReasoningItem: boolean;
}

export class OutputItems {
  readonly #idStem: string;
  readonly #settings: () => ItemSettings;
  readonly #items: ItemState[] = [];
  #sequence = 0;
  #itemCounter = 0;
  #reasoning: ReasoningState | undefined;
  #message: MessageState | undefined;
  #sawReasoning = false;

  constructor(idStem: string, settings: () => ItemSettings) {
    this.#idStem = idStem;
    this.#settings = settings;
  }

  /** Every item opened so far, in output order. */
  get all(): readonly ItemState[] {
    return this.#items;
  }

  /** Numbers an event: every event of the response goes through here, in the order it is sent. */
  event(body: ResponseEventBody): ResponseEvent {
    // Every body is a fresh literal: numbering it in place saves a copy per delta.
    const event = body as ResponseEvent;
    event.sequence_number = this.#sequence++;
    return event;
  }

  /** The call id a call gets when the upstream sent none: unique within the response, `ahead` items from now. */
  generatedCallId(ahead: number): string {
    return `call_${this.#idStem}_${this.#itemCounter + ahead}`;
  }

  appendReasoning(delta: string, events: ResponseEvent[]): void {
    if (this.#message) this.closeMessage(events, 'completed');
    const item = this.#reasoning ?? this.#openReasoning(events);
    item.text += delta;
    events.push(
      this.event({
        type: 'response.reasoning_text.delta',
        item_id: item.id,
        output_index: item.index,
        content_index: 0,
        delta,
      }),
    );
  }

  /** Anthropic wire: the thinking block's signature, sealed with its text. */
  appendReasoningSignature(signature: string, events: ResponseEvent[]): void {
    (this.#reasoning ?? this.#openReasoning(events)).signature += signature;
  }

  /** Anthropic wire: a redacted_thinking block is an item of its own, opened and closed at once. */
  addRedactedReasoning(data: string, events: ResponseEvent[]): void {
    if (this.#reasoning) this.closeReasoning(events);
    if (this.#message) this.closeMessage(events, 'completed');
    this.#openReasoning(events).redacted = data;
    this.closeReasoning(events);
  }

  closeReasoning(events: ResponseEvent[]): void {
    const item = this.#reasoning;
    if (!item) return;
    this.#reasoning = undefined;
    item.done = true;
    item.sealed = this.#seal(item);
    const base = { item_id: item.id, output_index: item.index, content_index: 0 };
    events.push(
      this.event({ type: 'response.reasoning_text.done', ...base, text: item.text }),
      this.event({
        type: 'response.content_part.done',
        ...base,
        part: { type: 'reasoning_text', text: item.text },
      }),
      this.event({
        type: 'response.output_item.done',
        output_index: item.index,
        item: outputItemOf(item),
      }),
    );
  }

  appendText(delta: string, events: ResponseEvent[]): void {
    if (this.#reasoning) this.closeReasoning(events);
    this.#ensureReasoningItem(events);
    let item = this.#message;
    if (!item) {
      item = {
        kind: 'message',
        index: this.#items.length,
        id: this.#nextItemId('msg'),
        text: '',
        status: 'completed',
        done: false,
      };
      this.#items.push(item);
      this.#message = item;
      events.push(
        this.event({
          type: 'response.output_item.added',
          output_index: item.index,
          item: { type: 'message', id: item.id, role: 'assistant', status: 'in_progress', content: [] },
        }),
        this.event({
          type: 'response.content_part.added',
          item_id: item.id,
          output_index: item.index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        }),
      );
    }
    item.text += delta;
    events.push(
      this.event({
        type: 'response.output_text.delta',
        item_id: item.id,
        output_index: item.index,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
  }

  closeMessage(events: ResponseEvent[], status: 'completed' | 'incomplete'): void {
    const item = this.#message;
    if (!item) return;
    this.#message = undefined;
    item.done = true;
    item.status = status;
    const base = { item_id: item.id, output_index: item.index, content_index: 0 };
    const part = { type: 'output_text' as const, text: item.text, annotations: [] as [] };
    events.push(
      this.event({ type: 'response.output_text.done', ...base, text: item.text, logprobs: [] }),
      this.event({ type: 'response.content_part.done', ...base, part }),
      this.event({
        type: 'response.output_item.done',
        output_index: item.index,
        item: outputItemOf(item, status),
      }),
    );
  }

  /** A tool call becomes an item once its name is complete: the text and reasoning before it are closed. */
  openToolCall(call: ToolCallState, events: ResponseEvent[]): void {
    if (this.#reasoning) this.closeReasoning(events);
    if (this.#message) this.closeMessage(events, 'completed');
    this.#ensureReasoningItem(events);
    call.binding = this.#settings().names.fromChat(call.name);
    call.callId ??= this.generatedCallId(1);
    call.id = this.#nextItemId(ITEM_PREFIX[call.binding.kind]);
    call.index = this.#items.length;
    this.#items.push(call);
    // Their action (arguments) is a structured value, only known once the arguments are complete.
    if (call.binding.kind === 'local_shell' || call.binding.kind === 'tool_search') return;
    events.push(
      this.event({
        type: 'response.output_item.added',
        output_index: call.index,
        item: outputItemOf(call, 'in_progress', true),
      }),
    );
    if (call.args) this.appendArguments(call, call.args, events);
  }

  /** More arguments of an open call; only function calls stream theirs (a custom call's input is sent whole). */
  appendArguments(call: ToolCallState, args: string, events: ResponseEvent[]): void {
    if (call.index === undefined || call.binding?.kind !== 'function') return;
    events.push(
      this.event({
        type: 'response.function_call_arguments.delta',
        item_id: call.id,
        output_index: call.index,
        delta: args,
      }),
    );
  }

  closeToolCall(call: ToolCallState, events: ResponseEvent[], status: 'completed' | 'incomplete'): void {
    if (call.index === undefined || !call.binding || call.done) return;
    call.done = true;
    call.status = status;
    const base = { item_id: call.id, output_index: call.index };
    switch (call.binding.kind) {
      case 'function':
        events.push(
          this.event({ type: 'response.function_call_arguments.done', ...base, arguments: call.args }),
        );
        break;
      case 'custom': {
        const input = customToolInput(call.args);
        if (input)
          events.push(this.event({ type: 'response.custom_tool_call_input.delta', ...base, delta: input }));
        events.push(this.event({ type: 'response.custom_tool_call_input.done', ...base, input }));
        break;
      }
      case 'local_shell':
      case 'tool_search':
        events.push(
          this.event({
            type: 'response.output_item.added',
            output_index: call.index,
            item: outputItemOf(call, 'in_progress'),
          }),
        );
        break;
      default:
        assertNever(call.binding.kind);
    }
    events.push(
      this.event({
        type: 'response.output_item.done',
        output_index: call.index,
        item: outputItemOf(call, status),
      }),
    );
  }

  /** The finished items, as the terminal response lists them. */
  doneOutput(): OutputItem[] {
    return this.#items
      .filter((item) => item.done)
      .map((item) => outputItemOf(item, item.kind === 'reasoning' ? 'completed' : item.status));
  }

  #nextItemId(prefix: string): string {
    this.#itemCounter += 1;
    return `${prefix}_${this.#idStem}_${this.#itemCounter}`;
  }

  #openReasoning(events: ResponseEvent[]): ReasoningState {
    const item: ReasoningState = {
      kind: 'reasoning',
      index: this.#items.length,
      id: this.#nextItemId('rs'),
      text: '',
      signature: '',
      redacted: undefined,
      sealed: null,
      done: false,
    };
    this.#items.push(item);
    this.#reasoning = item;
    this.#sawReasoning = true;
    events.push(
      this.event({
        type: 'response.output_item.added',
        output_index: item.index,
        item: { type: 'reasoning', id: item.id, summary: [], content: [], encrypted_content: null },
      }),
      this.event({
        type: 'response.content_part.added',
        item_id: item.id,
        output_index: item.index,
        content_index: 0,
        part: { type: 'reasoning_text', text: '' },
      }),
    );
    return item;
  }

  /** Codex replays reasoning it was given; an empty item still carries "there was none" for strict upstreams. */
  #ensureReasoningItem(events: ResponseEvent[]): void {
    if (this.#sawReasoning || !this.#settings().exposeEmptyReasoningItem) return;
    this.#openReasoning(events);
    this.closeReasoning(events);
  }

  #seal(item: ReasoningState): string | null {
    const { carrier, upstreamModel } = this.#settings();
    if (!carrier) return null;
    return carrier.seal({
      text: item.text,
      model: upstreamModel,
      ...(item.signature ? { signature: item.signature } : {}),
      ...(item.redacted ? { redacted: item.redacted } : {}),
    });
  }
}
