// Turns a scripted stream reply into the chat.completion.chunk objects a real provider would send:
// role chunk, reasoning pieces, content pieces, tool-call fragments keyed by index, the
// finish_reason chunk and, when asked for, the usage chunk with `choices: []`.

import { randomUUID } from 'node:crypto';
import { type ChatRequestBody, countToolCallsInHistory } from './chat-request.ts';
import type { CompletionUsage, FinishReason, StreamReply, ToolCallSpec } from './replies.ts';
import { estimateUsage } from './usage.ts';

const DEFAULT_CHUNK_SIZE = 8;

export interface ChunkEnvelope {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}

export function newEnvelope(request: ChatRequestBody, includeUsage: boolean): ChunkEnvelope {
  return {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    includeUsage,
  };
}

export function splitIntoPieces(text: string, size: number): string[] {
  const pieces: string[] = [];
  // Without surrogate pairs every UTF-16 unit is a code point: slice directly (tests stream tens of megabytes).
  if (!/[\uD800-\uDFFF]/.test(text)) {
    for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
    return pieces;
  }
  const codePoints = Array.from(text);
  for (let start = 0; start < codePoints.length; start += size) {
    pieces.push(codePoints.slice(start, start + size).join(''));
  }
  return pieces;
}

function chunk(envelope: ChunkEnvelope, delta: object, finishReason: FinishReason | null = null): object {
  return {
    id: envelope.id,
    object: 'chat.completion.chunk',
    created: envelope.created,
    model: envelope.model,
    system_fingerprint: 'fp_mock_upstream',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(envelope.includeUsage ? { usage: null } : {}),
  };
}

function usageChunk(envelope: ChunkEnvelope, usage: CompletionUsage): object {
  return {
    id: envelope.id,
    object: 'chat.completion.chunk',
    created: envelope.created,
    model: envelope.model,
    system_fingerprint: 'fp_mock_upstream',
    choices: [],
    usage,
  };
}

function randomCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** Kimi numbers its ids with one counter across the whole conversation (vllm#21259). */
export function assignToolCallIds(reply: StreamReply, request: ChatRequestBody): Required<ToolCallSpec>[] {
  const firstKimiIndex = countToolCallsInHistory(request);
  return (reply.toolCalls ?? []).map((call, position) => ({
    ...call,
    id:
      call.id ??
      (reply.idStyle === 'kimi' ? `functions.${call.name}:${firstKimiIndex + position}` : randomCallId()),
  }));
}

function reasoningDeltas(reply: StreamReply, size: number): object[] {
  if (!reply.reasoning) return [];
  const pieces = splitIntoPieces(reply.reasoning, size);
  if (reply.thinkTags) return ['<think>', ...pieces, '</think>'].map((content) => ({ content }));
  // DeepSeek sends `content: null` next to every reasoning piece.
  return pieces.map((piece) => ({ content: null, reasoning_content: piece }));
}

function textDeltas(reply: StreamReply, size: number): object[] {
  return splitIntoPieces(reply.text ?? '', size).map((content) => ({ content }));
}

function toolCallDeltas(reply: StreamReply, calls: Required<ToolCallSpec>[], size: number): object[] {
  return calls.flatMap((call, index) => {
    const header = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    if (reply.argumentsInOneChunk) {
      return [{ tool_calls: [{ ...header, function: { name: call.name, arguments: call.arguments } }] }];
    }
    const fragments = splitIntoPieces(call.arguments, size).map((piece) => ({
      index,
      ...(reply.repeatIdOnEveryChunk ? { id: call.id } : {}),
      function: { arguments: piece },
    }));
    return [header, ...fragments].map((fragment) => ({ tool_calls: [fragment] }));
  });
}

function finishReasonOf(reply: StreamReply): FinishReason {
  return reply.finishReason ?? ((reply.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
}

export function buildStreamChunks(
  reply: StreamReply,
  request: ChatRequestBody,
  envelope: ChunkEnvelope,
): object[] {
  const size = Math.max(1, reply.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const calls = assignToolCallIds(reply, request);
  const deltas = [
    { role: 'assistant', content: '' },
    ...reasoningDeltas(reply, size),
    ...textDeltas(reply, size),
    ...toolCallDeltas(reply, calls, size),
  ];
  const chunks = [
    ...deltas.map((delta) => chunk(envelope, delta)),
    chunk(envelope, {}, finishReasonOf(reply)),
  ];
  if (!envelope.includeUsage || reply.usage === null) return chunks;
  const output = { reasoning: reply.reasoning ?? '', text: reply.text ?? '', toolCalls: calls };
  return [...chunks, usageChunk(envelope, reply.usage ?? estimateUsage(request, output))];
}
