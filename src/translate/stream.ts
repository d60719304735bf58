/**
 * Chat Completions chunks → Responses streaming events, one chunk at a time. A state machine with explicit item
 * state: reasoning, message and tool-call items each go added → deltas → done → output_item.done, in order, with
 * output_index, content_index, item_id and an increasing sequence_number. It never ends a stream itself: the
 * caller calls `finish()` when the upstream ends or `fail()` when it breaks, and gets exactly one terminal event.
 */
import { assertNever } from '../assert-never.ts';
import type { ResponseEcho } from '../responses/echo.ts';
import type {
  OutputItem,
  ResponseEvent,
  ResponseEventBody,
  ResponseObject,
  ResponseUsage,
} from '../responses/output.ts';
import type { ChatChoiceChunk, ChatChunk, ChatDelta, ChatToolCallDelta } from '../upstream/chat-types.ts';
import { outcomeOfFinishReason, type StreamOutcome } from './finish-reason.ts';
import type { ReasoningCarrier } from './reasoning-carrier.ts';
import {
  continuedUsage,
  customToolInput,
  ITEM_PREFIX,
  type ItemState,
  type MessageState,
  type ReasoningState,
  reasoningDetailsText,
  summedUsage,
  type ToolCallState,
  toolOutputItem,
} from './stream-items.ts';
import { ThinkTagSplitter } from './think-tags.ts';
import type { ToolBinding, ToolNames } from './tools.ts';
import { hasUsageCounts, toResponsesUsage } from './usage.ts';

export interface StreamTranslatorOptions {
  responseId: string;
  /** Model id reported to the client (the Codex id of the model that answered). */
  model: string;
  /** Upstream model id, sealed with the reasoning so a replay knows where it came from. */
  upstreamModel: string;
  createdAt: number;
  names: ToolNames;
  carrier: ReasoningCarrier | undefined;
  thinkTags: boolean;
  exposeEmptyReasoningItem: boolean;
  echo: ResponseEcho;
  /**
   * Guardrails: tool calls are held back while the upstream streams and only go out when `releaseCalls()` says so
   * (after duplicate and count checks); the answer may then continue in another segment.
   */
  holdToolCalls?: boolean;
}

/** A tool call held back at the end of a segment, for the guardrails to decide on. */
export interface HeldCall {
  callId: string;
  binding: ToolBinding;
  arguments: string;
  state: unknown;
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

/** What the state store keeps so a later turn can recover reasoning even if the client drops it. */
export interface ReplayRecord {
  itemId: string;
  text: string;
  callIds: string[];
  calls: Array<{ callId: string; binding: ToolBinding; arguments: string }>;
}

/** What changes when a request moves to another model (a retry or a fallback) before any output was sent. */
export type ServingModel = Pick<StreamTranslatorOptions, 'model' | 'upstreamModel' | 'thinkTags' | 'names'>;

export class ChatToResponsesTranslator {
  #options: StreamTranslatorOptions;
  readonly #idStem: string;
  readonly #items: ItemState[] = [];
  readonly #calls = new Map<number, ToolCallState>();
  #splitter: ThinkTagSplitter | undefined;
  #sequence = 0;
  #itemCounter = 0;
  #reasoning: ReasoningState | undefined;
  #message: MessageState | undefined;
  #sawReasoning = false;
  #finishReason: string | null | undefined;
  readonly #pendingOpen: ToolCallState[] = [];
  readonly #anomalies: string[] = [];
  #usage: ResponseUsage | null = null;
  /** Usage of earlier segments of this response (guardrail continuations). */
  #usageBefore: ResponseUsage | null = null;
  /** Every upstream call's usage added up, abandoned attempts included: what was billed. */
  #billedBefore: ResponseUsage | null = null;
  #segmentStart = 0;
  #terminal: ResponseObject | undefined;

  constructor(options: StreamTranslatorOptions) {
    this.#options = options;
    this.#idStem = options.responseId.replace(/^resp_/, '');
    this.#splitter = options.thinkTags ? new ThinkTagSplitter() : undefined;
  }

  /** True once any output item has been sent: from then on a failure cannot be retried transparently. */
  get hasOutput(): boolean {
    return this.#items.length > 0;
  }

  get finished(): boolean {
    return this.#terminal !== undefined;
  }

  /** What the upstream sent that could not be passed on as is (for the log). */
  get anomalies(): readonly string[] {
    return this.#anomalies;
  }

  /** A partial answer: message text has been streamed and no tool call is half-way. */
  get hasPartialAnswer(): boolean {
    const openCall = [...this.#calls.values()].some((call) => !call.done);
    return !openCall && this.#items.some((item) => item.kind === 'message' && item.text.length > 0);
  }

  /** The upstream said why it stopped (it may still send a usage chunk). */
  get sawFinishReason(): boolean {
    return this.#finishReason !== undefined;
  }

  /**
   * Forgets what the last upstream attempt sent (a role chunk, usage) so another attempt, possibly on another
   * model, can take over. Only possible while no output item has been sent.
   */
  resetBeforeOutput(serving: ServingModel): void {
    if (this.hasOutput) throw new Error('cannot switch upstream after output was sent');
    this.#options = { ...this.#options, ...serving };
    this.#calls.clear();
    this.#pendingOpen.length = 0;
    this.#splitter = serving.thinkTags ? new ThinkTagSplitter() : undefined;
    this.#finishReason = undefined;
    this.#billedBefore = summedUsage(this.#billedBefore, this.#usage);
    this.#usage = null;
  }

  /**
   * Ends one upstream call's part of the response without ending the response: reasoning and message items are
   * closed, held tool calls are handed back for the guardrails to decide on.
   */
  segmentEnd(): SegmentSummary {
    const events: ResponseEvent[] = [];
    this.#flushSplitter(events);
    this.#closeReasoning(events);
    const segmentItems = this.#items.slice(this.#segmentStart);
    const segmentText = (kind: 'message' | 'reasoning') =>
      segmentItems.map((item) => (item.kind === kind ? item.text : '')).join('');
    if (outcomeOfFinishReason(this.#finishReason).status !== 'completed')
      return {
        events,
        calls: [],
        text: segmentText('message'),
        reasoning: segmentText('reasoning'),
        cutShort: { finishReason: String(this.#finishReason), withheldCalls: this.#calls.size },
      };
    this.#closeMessage(events, 'completed');
    const calls: HeldCall[] = [];
    for (const call of this.#calls.values()) {
      if (!call.name) {
        this.#anomalies.push(
          `a tool call without a name was dropped (arguments: ${call.args.slice(0, 200)})`,
        );
        continue;
      }
      call.binding = this.#options.names.fromChat(call.name);
      call.callId ??= `call_${this.#idStem}_${this.#itemCounter + 1 + calls.length}`;
      calls.push({ callId: call.callId, binding: call.binding, arguments: call.args, state: call });
    }
    return {
      events,
      calls,
      text: segmentText('message'),
      reasoning: segmentText('reasoning'),
      cutShort: undefined,
    };
  }

  /** Sends the held calls the guardrails kept, in order; the others are never seen by the client. */
  releaseCalls(calls: readonly HeldCall[]): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    for (const held of calls) {
      const call = held.state as ToolCallState;
      this.#openToolCall(call, events);
      this.#closeToolCall(call, events, 'completed');
    }
    this.#calls.clear();
    return events;
  }

  /** Prepares for another upstream call that continues this response (a guardrail re-asked the model). */
  continueSegment(serving: ServingModel): void {
    this.#options = { ...this.#options, ...serving };
    this.#calls.clear();
    this.#pendingOpen.length = 0;
    this.#splitter = serving.thinkTags ? new ThinkTagSplitter() : undefined;
    this.#finishReason = undefined;
    this.#usageBefore = continuedUsage(this.#usageBefore, this.#usage);
    this.#billedBefore = summedUsage(this.#billedBefore, this.#usage);
    this.#usage = null;
    this.#segmentStart = this.#items.length;
  }

  start(): ResponseEvent[] {
    const response = this.snapshot('in_progress');
    return [
      this.#event({ type: 'response.created', response }),
      this.#event({ type: 'response.in_progress', response }),
    ];
  }

  /**
   * A data event that keeps Codex's idle timer alive (it ignores SSE comments). Slim: the echoed tools and
   * instructions (tens of KB for Codex) were sent once with response.created.
   */
  heartbeat(): ResponseEvent {
    return this.#event({
      type: 'response.in_progress',
      response: this.snapshot('in_progress', { tools: [], instructions: null }),
    });
  }

  push(chunk: ChatChunk): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    const choice: ChatChoiceChunk | undefined = chunk.choices?.[0];
    const usage = chunk.usage ?? choice?.usage;
    if (hasUsageCounts(usage)) this.#usage = toResponsesUsage(usage);
    if (!choice) return events;
    const delta: ChatDelta | null | undefined = choice.delta ?? choice.message;
    if (delta) this.#applyDelta(delta, events);
    if (choice.finish_reason) {
      this.#finishReason = choice.finish_reason;
      this.#flushSplitter(events);
    }
    return events;
  }

  /** The upstream stream ended. Emits the one terminal event. */
  finish(): ResponseEvent[] {
    if (this.#terminal) return [];
    const events: ResponseEvent[] = [];
    this.#flushSplitter(events);
    return this.#end(outcomeOfFinishReason(this.#finishReason), events);
  }

  /** The upstream broke mid-stream (or before it started). Emits `response.failed` with the reason. */
  fail(code: string, message: string): ResponseEvent[] {
    if (this.#terminal) return [];
    return this.#end({ status: 'failed', code, message }, []);
  }

  /** Ends with `response.incomplete`, keeping the partial answer visible as such (e.g. a deadline passed). */
  incomplete(reason: string): ResponseEvent[] {
    if (this.#terminal) return [];
    const events: ResponseEvent[] = [];
    this.#flushSplitter(events);
    return this.#end({ status: 'incomplete', reason: reason as 'max_output_tokens' }, events);
  }

  replayRecords(): ReplayRecord[] {
    const records: ReplayRecord[] = [];
    let current: ReplayRecord | undefined;
    for (const item of this.#items) {
      if (item.kind === 'reasoning') {
        current = { itemId: item.id, text: item.text, callIds: [], calls: [] };
        records.push(current);
      } else if (item.kind === 'tool' && item.callId && item.binding) {
        if (!current) {
          current = { itemId: '', text: '', callIds: [], calls: [] };
          records.push(current);
        }
        current.callIds.push(item.callId);
        current.calls.push({ callId: item.callId, binding: item.binding, arguments: item.args });
      }
    }
    return records;
  }

  snapshot(status: ResponseObject['status'], extra: Partial<ResponseObject> = {}): ResponseObject {
    const { options } = this;
    return {
      id: options.responseId,
      object: 'response',
      created_at: options.createdAt,
      status,
      model: options.model,
      output: [],
      usage: null,
      error: null,
      incomplete_details: null,
      text: { format: { type: 'text' } },
      ...options.echo,
      ...extra,
    };
  }

  /**
   * The tokens every upstream call of this response used, added up (for metrics and usage limits). The response's
   * own `usage` counts the context once instead, as Codex reads it.
   */
  get billedUsage(): ResponseUsage | null {
    return summedUsage(this.#billedBefore, this.#usage);
  }

  /** Adds entries to the response's metadata (shown from the next event on, including the terminal one). */
  addMetadata(entries: Record<string, string>): void {
    const { echo } = this.#options;
    this.#options = { ...this.#options, echo: { ...echo, metadata: { ...echo.metadata, ...entries } } };
  }

  get options(): StreamTranslatorOptions {
    return this.#options;
  }

  #event(body: ResponseEventBody): ResponseEvent {
    // Every body is a fresh literal: numbering it in place saves a copy per delta.
    const event = body as ResponseEvent;
    event.sequence_number = this.#sequence++;
    return event;
  }

  #nextItemId(prefix: string): string {
    this.#itemCounter += 1;
    return `${prefix}_${this.#idStem}_${this.#itemCounter}`;
  }

  #applyDelta(delta: ChatDelta, events: ResponseEvent[]): void {
    const reasoning =
      delta.reasoning_content ?? delta.reasoning ?? reasoningDetailsText(delta.reasoning_details);
    if (reasoning) this.#appendReasoning(reasoning, events);
    if (delta.reasoning_signature) {
      (this.#reasoning ?? this.#openReasoning(events)).signature += delta.reasoning_signature;
    }
    if (delta.reasoning_redacted) {
      if (this.#reasoning) this.#closeReasoning(events);
      if (this.#message) this.#closeMessage(events, 'completed');
      this.#openReasoning(events).redacted = delta.reasoning_redacted;
      this.#closeReasoning(events);
    }
    const content = (delta.content ?? '') + (delta.refusal ?? '');
    if (content) {
      if (this.#splitter) {
        const piece = this.#splitter.push(content);
        if (piece.reasoning) this.#appendReasoning(piece.reasoning, events);
        if (piece.text) this.#appendText(piece.text, events);
      } else {
        this.#appendText(content, events);
      }
    }
    if (delta.tool_calls) {
      for (const call of delta.tool_calls) this.#appendToolCall(call, events);
    }
  }

  #flushSplitter(events: ResponseEvent[]): void {
    if (!this.#splitter) return;
    const piece = this.#splitter.flush();
    if (piece.reasoning) this.#appendReasoning(piece.reasoning, events);
    if (piece.text) this.#appendText(piece.text, events);
  }

  #appendReasoning(delta: string, events: ResponseEvent[]): void {
    if (this.#message) this.#closeMessage(events, 'completed');
    let item = this.#reasoning;
    if (!item) {
      item = this.#openReasoning(events);
    }
    item.text += delta;
    events.push(
      this.#event({
        type: 'response.reasoning_text.delta',
        item_id: item.id,
        output_index: item.index,
        content_index: 0,
        delta,
      }),
    );
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
      this.#event({
        type: 'response.output_item.added',
        output_index: item.index,
        item: { type: 'reasoning', id: item.id, summary: [], content: [], encrypted_content: null },
      }),
      this.#event({
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
    if (this.#sawReasoning || !this.#options.exposeEmptyReasoningItem) return;
    this.#openReasoning(events);
    this.#closeReasoning(events);
  }

  #closeReasoning(events: ResponseEvent[]): void {
    const item = this.#reasoning;
    if (!item) return;
    this.#reasoning = undefined;
    item.done = true;
    item.sealed = this.#seal(item);
    const base = { item_id: item.id, output_index: item.index, content_index: 0 };
    events.push(
      this.#event({ type: 'response.reasoning_text.done', ...base, text: item.text }),
      this.#event({
        type: 'response.content_part.done',
        ...base,
        part: { type: 'reasoning_text', text: item.text },
      }),
      this.#event({
        type: 'response.output_item.done',
        output_index: item.index,
        item: this.#outputItem(item),
      }),
    );
  }

  #appendText(delta: string, events: ResponseEvent[]): void {
    if (this.#reasoning) this.#closeReasoning(events);
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
        this.#event({
          type: 'response.output_item.added',
          output_index: item.index,
          item: { type: 'message', id: item.id, role: 'assistant', status: 'in_progress', content: [] },
        }),
        this.#event({
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
      this.#event({
        type: 'response.output_text.delta',
        item_id: item.id,
        output_index: item.index,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
  }

  #closeMessage(events: ResponseEvent[], status: 'completed' | 'incomplete'): void {
    const item = this.#message;
    if (!item) return;
    this.#message = undefined;
    item.done = true;
    item.status = status;
    const base = { item_id: item.id, output_index: item.index, content_index: 0 };
    const part = { type: 'output_text' as const, text: item.text, annotations: [] as [] };
    events.push(
      this.#event({ type: 'response.output_text.done', ...base, text: item.text, logprobs: [] }),
      this.#event({ type: 'response.content_part.done', ...base, part }),
      this.#event({
        type: 'response.output_item.done',
        output_index: item.index,
        item: this.#outputItem(item, status),
      }),
    );
  }

  #toolCallFor(fragment: ChatToolCallDelta): ToolCallState {
    let chatIndex = fragment.index;
    if (chatIndex === undefined) {
      // Some upstreams omit `index`: match by id, else continue the latest call, else start the first one.
      const byId = fragment.id
        ? [...this.#calls.values()].find((call) => call.callId === fragment.id)
        : undefined;
      const latest = [...this.#calls.values()].at(-1);
      chatIndex =
        byId?.chatIndex ??
        (fragment.id && latest?.callId && latest.callId !== fragment.id
          ? this.#calls.size
          : (latest?.chatIndex ?? 0));
    }
    let call = this.#calls.get(chatIndex);
    if (!call) {
      call = {
        kind: 'tool',
        chatIndex,
        index: undefined,
        id: '',
        callId: undefined,
        name: '',
        args: '',
        binding: undefined,
        status: 'completed',
        done: false,
      };
      // A new call starts: earlier calls still waiting for their first argument go out first, in order.
      for (const earlier of this.#calls.values()) {
        if (earlier.index === undefined && earlier.name) this.#pendingOpen.push(earlier);
      }
      this.#calls.set(chatIndex, call);
    }
    return call;
  }

  #appendToolCall(fragment: ChatToolCallDelta, events: ResponseEvent[]): void {
    const call = this.#toolCallFor(fragment);
    if (this.#options.holdToolCalls) {
      this.#pendingOpen.length = 0;
      if (fragment.id && !call.callId) call.callId = fragment.id;
      if (fragment.function?.name) call.name += fragment.function.name;
      call.args += fragment.function?.arguments ?? '';
      return;
    }
    for (const earlier of this.#pendingOpen.splice(0)) this.#openToolCall(earlier, events);
    if (fragment.id && !call.callId) call.callId = fragment.id;
    if (fragment.function?.name && !call.binding) call.name += fragment.function.name;
    const args = fragment.function?.arguments ?? '';
    if (call.index === undefined) {
      // Opened at its first argument, so a name or id that arrives in pieces is complete by then.
      call.args += args;
      if (call.name && call.args) this.#openToolCall(call, events);
      return;
    }
    call.args += args;
    if (args && call.binding?.kind === 'function') {
      events.push(
        this.#event({
          type: 'response.function_call_arguments.delta',
          item_id: call.id,
          output_index: call.index,
          delta: args,
        }),
      );
    }
  }

  #openToolCall(call: ToolCallState, events: ResponseEvent[]): void {
    if (this.#reasoning) this.#closeReasoning(events);
    if (this.#message) this.#closeMessage(events, 'completed');
    this.#ensureReasoningItem(events);
    call.binding = this.#options.names.fromChat(call.name);
    call.callId ??= `call_${this.#idStem}_${this.#itemCounter + 1}`;
    call.id = this.#nextItemId(ITEM_PREFIX[call.binding.kind]);
    call.index = this.#items.length;
    this.#items.push(call);
    // Their action (arguments) is a structured value, only known once the arguments are complete.
    if (call.binding.kind === 'local_shell' || call.binding.kind === 'tool_search') return;
    events.push(
      this.#event({
        type: 'response.output_item.added',
        output_index: call.index,
        item: this.#outputItem(call, 'in_progress', true),
      }),
    );
    if (call.args && call.binding.kind === 'function') {
      events.push(
        this.#event({
          type: 'response.function_call_arguments.delta',
          item_id: call.id,
          output_index: call.index,
          delta: call.args,
        }),
      );
    }
  }

  #closeToolCall(call: ToolCallState, events: ResponseEvent[], status: 'completed' | 'incomplete'): void {
    if (call.index === undefined || !call.binding || call.done) return;
    call.done = true;
    call.status = status;
    const base = { item_id: call.id, output_index: call.index };
    switch (call.binding.kind) {
      case 'function':
        events.push(
          this.#event({ type: 'response.function_call_arguments.done', ...base, arguments: call.args }),
        );
        break;
      case 'custom': {
        const input = customToolInput(call.args);
        if (input)
          events.push(this.#event({ type: 'response.custom_tool_call_input.delta', ...base, delta: input }));
        events.push(this.#event({ type: 'response.custom_tool_call_input.done', ...base, input }));
        break;
      }
      case 'local_shell':
      case 'tool_search':
        events.push(
          this.#event({
            type: 'response.output_item.added',
            output_index: call.index,
            item: this.#outputItem(call, 'in_progress'),
          }),
        );
        break;
      default:
        assertNever(call.binding.kind);
    }
    events.push(
      this.#event({
        type: 'response.output_item.done',
        output_index: call.index,
        item: this.#outputItem(call, status),
      }),
    );
  }

  #outputItem(
    item: ItemState,
    status: 'completed' | 'incomplete' | 'in_progress' = 'completed',
    empty = false,
  ): OutputItem {
    switch (item.kind) {
      case 'reasoning':
        return {
          type: 'reasoning',
          id: item.id,
          summary: [],
          content: item.text ? [{ type: 'reasoning_text', text: item.text }] : [],
          encrypted_content: item.sealed,
        };
      case 'message':
        return {
          type: 'message',
          id: item.id,
          role: 'assistant',
          status,
          content: [{ type: 'output_text', text: item.text, annotations: [] }],
        };
      case 'tool':
        return toolOutputItem(item, status, empty);
    }
  }

  #seal(item: ReasoningState): string | null {
    const { carrier, upstreamModel } = this.#options;
    if (!carrier) return null;
    return carrier.seal({
      text: item.text,
      model: upstreamModel,
      ...(item.signature ? { signature: item.signature } : {}),
      ...(item.redacted ? { redacted: item.redacted } : {}),
    });
  }

  #end(outcome: StreamOutcome, events: ResponseEvent[]): ResponseEvent[] {
    if (outcome.status !== 'failed') {
      this.#closeReasoning(events);
      this.#closeMessage(events, outcome.status);
    }
    if (outcome.status === 'completed') {
      for (const call of this.#calls.values()) {
        if (call.index === undefined && call.name) this.#openToolCall(call, events);
        else if (!call.name)
          this.#anomalies.push(
            `a tool call without a name was dropped (arguments: ${call.args.slice(0, 200)})`,
          );
      }
      for (const item of this.#items)
        if (item.kind === 'tool') this.#closeToolCall(item, events, 'completed');
    } else {
      // A call cut short has arguments that may be truncated: it is never handed to the client to run.
      const unfinished = [...this.#calls.values()].filter((call) => !call.done);
      if (unfinished.length > 0)
        this.#anomalies.push(`${unfinished.length} unfinished tool call(s) withheld (${outcome.status})`);
    }
    const output = this.#items
      .filter((item) => item.done)
      .map((item) => this.#outputItem(item, item.kind === 'reasoning' ? 'completed' : item.status));
    const response = this.snapshot(outcome.status, {
      output,
      usage: continuedUsage(this.#usageBefore, this.#usage),
      ...(outcome.status === 'failed' ? { error: { code: outcome.code, message: outcome.message } } : {}),
      ...(outcome.status === 'incomplete' ? { incomplete_details: { reason: outcome.reason } } : {}),
    });
    this.#terminal = response;
    const type =
      outcome.status === 'completed'
        ? 'response.completed'
        : outcome.status === 'failed'
          ? 'response.failed'
          : 'response.incomplete';
    events.push(this.#event({ type, response }));
    return events;
  }

  /** The final Response object, once the stream has ended. */
  get response(): ResponseObject | undefined {
    return this.#terminal;
  }
}
