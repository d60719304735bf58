/**
 * Anthropic Messages stream events → the Chat-chunk shape the Responses translator consumes, so that nothing past
 * the adapter knows which wire format the upstream spoke. Thinking becomes reasoning deltas (with the block's
 * signature), text becomes content, tool_use blocks become tool-call deltas keyed by their own index, and
 * `message_delta` carries the stop reason and the usage (cache reads and writes counted into the input tokens).
 */
import { BridgeError } from '../../errors.ts';
import { UpstreamStreamError } from '../chat-client.ts';
import type { ChatChunk, ChatDelta, ChatUsage } from '../chat-types.ts';
import type { MessagesEvent, MessagesUsage } from './types.ts';

const STOP_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'content_filter',
};

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export class MessagesStreamNormalizer {
  /** Anthropic block index → tool-call index among the message's tool_use blocks. */
  readonly #toolIndex = new Map<number, number>();
  #usage: MessagesUsage = {};
  #sawStop = false;

  /** True once `message_stop` arrived: the message is complete. */
  get sawStop(): boolean {
    return this.#sawStop;
  }

  push(event: MessagesEvent, model: string): ChatChunk[] {
    switch (event.type) {
      case 'message_start':
        this.#usage = { ...this.#usage, ...(event.message?.usage ?? {}) };
        return [];
      case 'content_block_start':
        return this.#blockStart(event);
      case 'content_block_delta':
        return this.#blockDelta(event);
      case 'message_delta': {
        this.#usage = { ...this.#usage, ...(event.usage ?? {}) };
        const finish = event.delta?.stop_reason ? (STOP_REASONS[event.delta.stop_reason] ?? 'stop') : null;
        return [{ choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: this.#chatUsage() }];
      }
      case 'message_stop':
        this.#sawStop = true;
        return [];
      case 'error':
        throw messagesStreamError(event, model);
      default:
        // ping, content_block_stop and unknown events carry nothing to translate, but they are activity.
        return [{}];
    }
  }

  #blockStart(event: MessagesEvent): ChatChunk[] {
    const block = event.content_block;
    const index = event.index ?? 0;
    switch (block?.type) {
      case 'text':
        return block.text ? [chunk({ content: block.text })] : [];
      case 'thinking':
        return [
          chunk({ reasoning_content: block.thinking ?? '', reasoning_signature: block.signature ?? null }),
        ];
      case 'redacted_thinking':
        return block.data ? [chunk({ reasoning_redacted: block.data })] : [];
      case 'tool_use': {
        const toolIndex = this.#toolIndex.size;
        this.#toolIndex.set(index, toolIndex);
        const input =
          block.input && typeof block.input === 'object' && Object.keys(block.input).length > 0
            ? JSON.stringify(block.input)
            : '';
        return [
          chunk({
            tool_calls: [
              {
                index: toolIndex,
                id: block.id,
                type: 'function',
                function: { name: block.name, arguments: input },
              },
            ],
          }),
        ];
      }
      default:
        return [{}];
    }
  }

  #blockDelta(event: MessagesEvent): ChatChunk[] {
    const delta = event.delta;
    switch (delta?.type) {
      case 'text_delta':
        return [chunk({ content: delta.text ?? '' })];
      case 'thinking_delta':
        return [chunk({ reasoning_content: delta.thinking ?? '' })];
      case 'signature_delta':
        return [chunk({ reasoning_signature: delta.signature ?? '' })];
      case 'input_json_delta': {
        const toolIndex = this.#toolIndex.get(event.index ?? 0) ?? 0;
        return [
          chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json ?? '' } }] }),
        ];
      }
      default:
        return [{}];
    }
  }

  /** Anthropic's input_tokens exclude cache reads and writes; Responses' input_tokens include them. */
  #chatUsage(): ChatUsage {
    const cacheRead = count(this.#usage.cache_read_input_tokens);
    const input =
      count(this.#usage.input_tokens) + cacheRead + count(this.#usage.cache_creation_input_tokens);
    const output = count(this.#usage.output_tokens);
    return {
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
      prompt_tokens_details: { cached_tokens: cacheRead },
    };
  }
}

function chunk(delta: ChatDelta): ChatChunk {
  return { choices: [{ index: 0, delta }] };
}

/** A mid-stream `error` event: overloads and API errors are retryable before output, like a cut stream. */
function messagesStreamError(event: MessagesEvent, model: string): Error {
  const type = event.error?.type ?? 'error';
  const message = event.error?.message ?? 'unknown error';
  const upstream = { type, text: message };
  if (type === 'rate_limit_error') {
    return new BridgeError({
      status: 429,
      code: 'rate_limit_exceeded',
      message: `Upstream rate limit for ${model}: ${message}. Please try again in 5s.`,
      retryAfterSeconds: 5,
      upstream,
    });
  }
  if (type === 'invalid_request_error') {
    return new BridgeError({
      status: 400,
      code: 'upstream_invalid_request',
      message: `The upstream rejected the request for ${model}: ${message}`,
      upstream,
    });
  }
  return new UpstreamStreamError(
    'upstream_error',
    `The upstream reported ${type} mid-stream: ${message}`,
    upstream,
  );
}
