// A StreamReply as Anthropic Messages events: message_start, then a thinking block (thinking_delta pieces and a
// signature_delta), a text block, tool_use blocks (input_json_delta pieces), message_delta with the stop reason
// and usage, message_stop — the order MiniMax and Anthropic stream them in.
import type { StreamReply } from '../replies.ts';
import { splitIntoPieces } from '../stream-chunks.ts';
import { signThinking } from './signature.ts';

export interface MessagesWireEvent {
  event: string;
  data: Record<string, unknown>;
}

let messageCounter = 0;
let toolCounter = 0;

const STOP_REASON = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  length: 'max_tokens',
  content_filter: 'refusal',
} as const;

export function buildMessagesEvents(
  reply: StreamReply,
  model: string,
  inputTokens: number,
): MessagesWireEvent[] {
  const size = reply.chunkSize ?? 8;
  const events: MessagesWireEvent[] = [];
  const push = (event: string, data: Record<string, unknown>) =>
    events.push({ event, data: { type: event, ...data } });
  messageCounter += 1;
  push('message_start', {
    message: {
      id: `msg_mock_${messageCounter}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: inputTokens,
        output_tokens: 1,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    },
  });
  let index = 0;
  let outputChars = 0;
  if (reply.reasoning) {
    push('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const piece of splitIntoPieces(reply.reasoning, size)) {
      push('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
    }
    push('content_block_delta', {
      index,
      delta: { type: 'signature_delta', signature: signThinking(reply.reasoning) },
    });
    push('content_block_stop', { index });
    outputChars += reply.reasoning.length;
    index += 1;
  }
  if (reply.text) {
    push('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const piece of splitIntoPieces(reply.text, size))
      push('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    push('content_block_stop', { index });
    outputChars += reply.text.length;
    index += 1;
  }
  for (const call of reply.toolCalls ?? []) {
    toolCounter += 1;
    const id = call.id ?? `toolu_mock_${toolCounter}`;
    push('content_block_start', {
      index,
      content_block: { type: 'tool_use', id, name: call.name, input: {} },
    });
    const pieces = reply.argumentsInOneChunk ? [call.arguments] : splitIntoPieces(call.arguments, size);
    for (const piece of pieces)
      push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    push('content_block_stop', { index });
    outputChars += call.arguments.length;
    index += 1;
  }
  const finish = reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
  const outputTokens =
    reply.usage === null
      ? undefined
      : (reply.usage?.completion_tokens ?? Math.max(1, Math.ceil(outputChars / 4)));
  push('message_delta', {
    delta: { stop_reason: STOP_REASON[finish], stop_sequence: null },
    usage: outputTokens === undefined ? {} : { output_tokens: outputTokens },
  });
  push('message_stop', {});
  return events;
}

/** The non-streaming Message the same events describe. */
export function foldEventsIntoMessage(events: readonly MessagesWireEvent[]): Record<string, unknown> {
  const start = events.find((event) => event.event === 'message_start')?.data.message as Record<
    string,
    unknown
  >;
  const blocks: Array<Record<string, unknown>> = [];
  const json: string[] = [];
  let stopReason: unknown = null;
  let usage = { ...(start?.usage as object) };
  for (const { event, data } of events) {
    const index = data.index as number;
    if (event === 'content_block_start') blocks[index] = { ...(data.content_block as object) };
    if (event === 'content_block_delta') {
      const delta = data.delta as Record<string, string>;
      const block = blocks[index] as Record<string, unknown>;
      if (delta.type === 'text_delta') block.text = `${block.text ?? ''}${delta.text}`;
      if (delta.type === 'thinking_delta') block.thinking = `${block.thinking ?? ''}${delta.thinking}`;
      if (delta.type === 'signature_delta') block.signature = delta.signature;
      if (delta.type === 'input_json_delta') json[index] = `${json[index] ?? ''}${delta.partial_json}`;
    }
    if (event === 'message_delta') {
      stopReason = (data.delta as Record<string, unknown>).stop_reason;
      usage = { ...usage, ...(data.usage as object) };
    }
  }
  blocks.forEach((block, index) => {
    if (block.type === 'tool_use') block.input = JSON.parse(json[index] || '{}');
  });
  return { ...start, content: blocks, stop_reason: stopReason, usage };
}
