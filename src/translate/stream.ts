/**
 * Chat Completions chunks → Responses streaming events, one chunk at a time: which delta becomes which output item
 * (stream-item-events.ts numbers and orders the events), the response's usage, and its one terminal event. It never
 * ends a stream itself: the caller calls `finish()` when the upstream ends or `fail()` when it breaks, and gets
 * exactly one terminal event. Guarded responses hold their tool calls and go segment by segment (stream-segments.ts).
 */
import type { ResponseEcho } from '../responses/echo.ts';
import type { ResponseEvent, ResponseObject, ResponseUsage } from '../responses/output.ts';
import type { ChatChoiceChunk, ChatChunk, ChatDelta, ChatToolCallDelta } from '../upstream/chat-types.ts';
import { outcomeOfFinishReason, type StreamOutcome } from './finish-reason.ts';
import type { ReasoningCarrier } from './reasoning-carrier.ts';
import { OutputItems } from './stream-item-events.ts';
import { reasoningDetailsText } from './stream-items.ts';
import { type HeldCall, ResponseSegments, type SegmentSummary } from './stream-segments.ts';
import { ChatToolCalls, namelessCallNote } from './stream-tool-calls.ts';
import { type SplitPiece, ThinkTagSplitter } from './think-tags.ts';
import type { ToolBinding, ToolNames } from './tools.ts';
import { hasUsageCounts, toResponsesUsage, UsageTally } from './usage.ts';

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
  readonly #items: OutputItems;
  /** The running upstream call's tool calls. */
  readonly #calls = new ChatToolCalls();
  readonly #segments: ResponseSegments;
  readonly #usage = new UsageTally();
  #splitter: ThinkTagSplitter | undefined;
  #finishReason: string | null | undefined;
  readonly #anomalies: string[] = [];
  #terminal: ResponseObject | undefined;

  constructor(options: StreamTranslatorOptions) {
    this.#options = options;
    this.#items = new OutputItems(options.responseId.replace(/^resp_/, ''), () => this.#options);
    this.#segments = new ResponseSegments(this.#items, this.#calls, this.#anomalies);
    this.#splitter = options.thinkTags ? new ThinkTagSplitter() : undefined;
  }

  /** True once any output item has been sent: from then on a failure cannot be retried transparently. */
  get hasOutput(): boolean {
    return this.#items.all.length > 0;
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
    return (
      !this.#calls.hasUnfinishedCall &&
      this.#items.all.some((item) => item.kind === 'message' && item.text.length > 0)
    );
  }

  /** The upstream said why it stopped (it may still send a usage chunk). */
  get sawFinishReason(): boolean {
    return this.#finishReason !== undefined;
  }

  /**
   * Another upstream call takes over, possibly on another model. Before any output (a retry, a fallback) it starts
   * the response afresh: what the last attempt sent (a role chunk, usage) is forgotten, its usage only billed. After
   * output (a guardrail re-asked the model) it continues the response in a new segment.
   */
  nextUpstreamCall(serving: ServingModel): void {
    this.#options = { ...this.#options, ...serving };
    this.#calls.clear();
    this.#splitter = serving.thinkTags ? new ThinkTagSplitter() : undefined;
    this.#finishReason = undefined;
    if (this.hasOutput) this.#usage.continueResponse();
    else this.#usage.abandonCall();
    this.#segments.next();
  }

  /**
   * Ends one upstream call's part of the response without ending the response: reasoning and message items are
   * closed, held tool calls are handed back for the guardrails to decide on.
   */
  segmentEnd(): SegmentSummary {
    const events: ResponseEvent[] = [];
    this.#flushSplitter(events);
    return this.#segments.end(events, this.#finishReason, this.#options.names);
  }

  /** Sends the held calls the guardrails kept, in order; the others are never seen by the client. */
  releaseCalls(calls: readonly HeldCall[]): ResponseEvent[] {
    return this.#segments.release(calls);
  }

  start(): ResponseEvent[] {
    const response = this.#snapshot('in_progress');
    return [
      this.#items.event({ type: 'response.created', response }),
      this.#items.event({ type: 'response.in_progress', response }),
    ];
  }

  /**
   * A data event that keeps Codex's idle timer alive (it ignores SSE comments). Slim: the echoed tools and
   * instructions (tens of KB for Codex) were sent once with response.created.
   */
  heartbeat(): ResponseEvent {
    return this.#items.event({
      type: 'response.in_progress',
      response: this.#snapshot('in_progress', { tools: [], instructions: null }),
    });
  }

  push(chunk: ChatChunk): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    const choice: ChatChoiceChunk | undefined = chunk.choices?.[0];
    const usage = chunk.usage ?? choice?.usage;
    if (hasUsageCounts(usage)) this.#usage.record(toResponsesUsage(usage));
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
    for (const item of this.#items.all) {
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

  #snapshot(status: ResponseObject['status'], extra: Partial<ResponseObject> = {}): ResponseObject {
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
    return this.#usage.billed;
  }

  /** Adds entries to the response's metadata (shown from the next event on, including the terminal one). */
  addMetadata(entries: Record<string, string>): void {
    const { echo } = this.#options;
    this.#options = { ...this.#options, echo: { ...echo, metadata: { ...echo.metadata, ...entries } } };
  }

  get options(): StreamTranslatorOptions {
    return this.#options;
  }

  /** The final Response object, once the stream has ended. */
  get response(): ResponseObject | undefined {
    return this.#terminal;
  }

  #applyDelta(delta: ChatDelta, events: ResponseEvent[]): void {
    const reasoning =
      delta.reasoning_content ?? delta.reasoning ?? reasoningDetailsText(delta.reasoning_details);
    if (reasoning) this.#items.appendReasoning(reasoning, events);
    if (delta.reasoning_signature) this.#items.appendReasoningSignature(delta.reasoning_signature, events);
    if (delta.reasoning_redacted) this.#items.addRedactedReasoning(delta.reasoning_redacted, events);
    const content = (delta.content ?? '') + (delta.refusal ?? '');
    if (content) {
      if (this.#splitter) this.#appendSplit(this.#splitter.push(content), events);
      else this.#items.appendText(content, events);
    }
    if (delta.tool_calls) {
      for (const call of delta.tool_calls) this.#appendToolCall(call, events);
    }
  }

  #appendToolCall(fragment: ChatToolCallDelta, events: ResponseEvent[]): void {
    if (this.#options.holdToolCalls) this.#segments.hold(fragment);
    else this.#calls.stream(fragment, this.#items, events);
  }

  #flushSplitter(events: ResponseEvent[]): void {
    if (this.#splitter) this.#appendSplit(this.#splitter.flush(), events);
  }

  #appendSplit(piece: SplitPiece, events: ResponseEvent[]): void {
    if (piece.reasoning) this.#items.appendReasoning(piece.reasoning, events);
    if (piece.text) this.#items.appendText(piece.text, events);
  }

  #end(outcome: StreamOutcome, events: ResponseEvent[]): ResponseEvent[] {
    if (outcome.status !== 'failed') {
      this.#items.closeReasoning(events);
      this.#items.closeMessage(events, outcome.status);
    }
    if (outcome.status === 'completed') {
      for (const call of this.#calls.values()) {
        if (call.index === undefined && call.name) this.#items.openToolCall(call, events);
        else if (!call.name) this.#anomalies.push(namelessCallNote(call));
      }
      for (const item of this.#items.all)
        if (item.kind === 'tool') this.#items.closeToolCall(item, events, 'completed');
    } else {
      // A call cut short has arguments that may be truncated: it is never handed to the client to run.
      const unfinished = [...this.#calls.values()].filter((call) => !call.done);
      if (unfinished.length > 0)
        this.#anomalies.push(`${unfinished.length} unfinished tool call(s) withheld (${outcome.status})`);
    }
    const response = this.#snapshot(outcome.status, {
      output: this.#items.doneOutput(),
      usage: this.#usage.reported,
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
    events.push(this.#items.event({ type, response }));
    return events;
  }
}
