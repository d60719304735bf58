/**
 * One Responses request served by an open model: translate the full input, call the upstream, translate its
 * chunks back. `open()` fails with a BridgeError before any output (the server answers with an HTTP error);
 * after that, `events()` always ends with exactly one terminal event, whatever the upstream does.
 */
import { randomBytes } from 'node:crypto';
import { asBridgeError, BridgeError, toResponseFailure } from '../errors.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import type { InputItem } from '../responses/input-items.ts';
import type { ResponseEvent } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type { HistoryLookup } from '../translate/messages.ts';
import type { TranslationNote } from '../translate/notes.ts';
import { type ChatTranslation, translateRequest } from '../translate/request.ts';
import { ChatToResponsesTranslator, type ResponseEcho } from '../translate/stream.ts';
import { type OpenedChatStream, openChatCompletion, UpstreamStreamError } from '../upstream/chat-client.ts';
import type { BridgeDeps } from './deps.ts';

export interface OssRunParams {
  request: ResponsesRequest;
  /** The raw input items, previous_response_id history included. */
  rawInput: unknown[];
  items: InputItem[];
  model: ResolvedModel;
  sessionId: string;
  requestId: string;
}

export function newResponseId(): string {
  return `resp_${randomBytes(12).toString('hex')}`;
}

function echoOf(request: ResponsesRequest): ResponseEcho {
  return {
    instructions: request.instructions ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    previous_response_id: request.previous_response_id ?? null,
    store: request.store ?? false,
  };
}

export function historyLookup(deps: BridgeDeps): HistoryLookup {
  return {
    openReasoning: (blob) => deps.carrier.open(blob),
    reasoningByItemId: (id) => deps.store.reasoningByItemId(id),
    reasoningByCallId: (id) => deps.store.reasoningByCallId(id),
    callByCallId: (id) => deps.store.callByCallId(id),
  };
}

export class OssRun {
  readonly translation: ChatTranslation;
  readonly translator: ChatToResponsesTranslator;
  readonly startedAt = Date.now();
  readonly #deps: BridgeDeps;
  readonly #params: OssRunParams;
  readonly #abort = new AbortController();
  #opened: OpenedChatStream | undefined;
  #firstChunkAt: number | undefined;
  #error: BridgeError | undefined;

  constructor(deps: BridgeDeps, params: OssRunParams) {
    this.#deps = deps;
    this.#params = params;
    this.translation = translateRequest(params.request, params.items, {
      model: params.model,
      lookup: historyLookup(deps),
      stream: deps.config.upstream.stream,
      stripTools: deps.config.stripTools,
    });
    this.translator = new ChatToResponsesTranslator({
      responseId: newResponseId(),
      model: params.model.requested,
      upstreamModel: params.model.upstreamModel,
      createdAt: Math.floor(this.startedAt / 1000),
      names: this.translation.names,
      carrier: deps.carrier,
      thinkTags: params.model.profile.thinkTags,
      exposeEmptyReasoningItem: deps.config.exposeEmptyReasoningItem,
      echo: echoOf(params.request),
    });
  }

  get notes(): readonly TranslationNote[] {
    return this.translation.notes;
  }

  /** Sends the request upstream; resolves once the upstream has accepted it (HTTP 2xx). */
  async open(): Promise<void> {
    try {
      this.#opened = await openChatCompletion(this.#deps.chatClient, this.translation.body, {
        sessionId: this.#params.sessionId,
        signal: this.#abort.signal,
        model: this.#params.model.requested,
      });
    } catch (error) {
      this.#error = asBridgeError(error);
      throw this.#error;
    }
  }

  /** Translated events, batch by batch; the last batch holds the terminal event. */
  async *events(): AsyncGenerator<ResponseEvent[]> {
    const opened = this.#opened;
    if (!opened) throw new Error('OssRun.events() called before open()');
    try {
      for await (const chunk of opened.chunks) {
        this.#firstChunkAt ??= Date.now();
        const events = this.translator.push(chunk);
        if (events.length > 0) yield events;
      }
      if (opened.sawDone || this.translator.sawFinishReason) {
        yield this.translator.finish();
      } else {
        yield this.#fail(
          new UpstreamStreamError(
            'upstream_disconnected',
            'The upstream stream ended before the model finished its answer.',
          ),
        );
      }
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      yield this.#fail(error);
    }
  }

  /** Ends the response as failed (used when open() fails after the SSE stream has already started). */
  failWith(error: unknown): ResponseEvent[] {
    return this.#fail(error);
  }

  #fail(error: unknown): ResponseEvent[] {
    if (error instanceof UpstreamStreamError) {
      this.#error = new BridgeError({
        status: 502,
        code: error.code,
        type: 'upstream_error',
        message: error.message,
      });
      return this.translator.fail('server_error', error.message);
    }
    this.#error = asBridgeError(error);
    const failure = toResponseFailure(this.#error);
    return this.translator.fail(failure.code, failure.message);
  }

  /** Client went away: cancel the upstream request and its socket at once. */
  abort(): void {
    this.#abort.abort(new Error('client disconnected'));
  }

  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Persists what later turns may need and writes the one log line for this request. */
  complete(clientDisconnected: boolean): void {
    const { store, logger } = this.#deps;
    const { model, request, rawInput, requestId } = this.#params;
    const response = this.translator.response;
    try {
      store.saveReplay(this.translator.replayRecords(), model.upstreamModel);
      if (response && request.store === true) store.saveResponse({ response, input: rawInput });
    } catch (error) {
      logger.error({ requestId, err: error }, 'failed to save state');
    }
    const line = {
      requestId,
      responseId: this.translator.options.responseId,
      model: model.requested,
      upstreamModel: model.upstreamModel,
      status: clientDisconnected && !response ? 'client_disconnected' : (response?.status ?? 'unknown'),
      durationMs: Date.now() - this.startedAt,
      firstChunkMs: this.#firstChunkAt ? this.#firstChunkAt - this.startedAt : undefined,
      usage: response?.usage ?? undefined,
      error: this.#error ? { code: this.#error.code, message: this.#error.message } : undefined,
      notes: this.notes.length > 0 ? this.notes : undefined,
    };
    if (this.#error || response?.status === 'failed') logger.warn(line, 'response failed');
    else logger.info(line, 'response');
  }
}
