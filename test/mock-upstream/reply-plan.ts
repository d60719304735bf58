// Compiles a body reply (stream, raw chunks, faults around them) into a flat list of wire steps.
// Pure: the writer in write-reply.ts only executes the steps.

import type { ChatRequestBody } from './chat-request.ts';
import { foldChunksIntoCompletion } from './completion.ts';
import { type BodyReply, DEFAULT_FAULT_REPLY } from './replies.ts';
import { buildStreamChunks, newEnvelope } from './stream-chunks.ts';

export type WireStep = { type: 'write'; text: string } | { type: 'wait'; ms: number } | { type: 'destroy' };

function sseData(payload: string): WireStep {
  return { type: 'write', text: `data: ${payload}\n\n` };
}

function sseSteps(chunks: object[], delayMs: number | undefined, sendDone: boolean): WireStep[] {
  const payloads = [...chunks.map((chunk) => JSON.stringify(chunk)), ...(sendDone ? ['[DONE]'] : [])];
  return payloads.flatMap((payload, position) =>
    position > 0 && delayMs ? [{ type: 'wait', ms: delayMs } as const, sseData(payload)] : [sseData(payload)],
  );
}

/** Index just after the n-th write step (n = 0 → before the first one). */
export function positionAfterWrites(steps: WireStep[], writes: number): number {
  if (writes <= 0) return 0;
  let seen = 0;
  for (let position = 0; position < steps.length; position += 1) {
    if (steps[position]?.type === 'write') seen += 1;
    if (seen === writes) return position + 1;
  }
  return steps.length;
}

export function insertAfterWrites(steps: WireStep[], writes: number, inserted: WireStep[]): WireStep[] {
  const position = positionAfterWrites(steps, writes);
  return [...steps.slice(0, position), ...inserted, ...steps.slice(position)];
}

export function planSse(reply: BodyReply, request: ChatRequestBody, includeUsage: boolean): WireStep[] {
  switch (reply.kind) {
    case 'stream':
      return sseSteps(
        buildStreamChunks(reply, request, newEnvelope(request, includeUsage)),
        reply.delayMs,
        true,
      );
    case 'chunks':
      return sseSteps(reply.chunks, reply.delayMs, reply.done ?? true);
    case 'cut': {
      const inner = planSse(reply.reply ?? DEFAULT_FAULT_REPLY, request, includeUsage);
      return [...inner.slice(0, positionAfterWrites(inner, reply.afterChunks)), { type: 'destroy' }];
    }
    case 'stall': {
      const inner = planSse(reply.reply ?? DEFAULT_FAULT_REPLY, request, includeUsage);
      return insertAfterWrites(inner, reply.afterChunks, [{ type: 'wait', ms: reply.ms }]);
    }
    case 'garbage': {
      const inner = planSse(reply.reply ?? DEFAULT_FAULT_REPLY, request, includeUsage);
      return insertAfterWrites(inner, reply.afterChunks, [sseData(reply.text)]);
    }
    default: {
      const unknownReply: never = reply;
      throw new Error(`unknown body reply ${JSON.stringify(unknownReply)}`);
    }
  }
}

/** Non-streaming: the same reply as one JSON body; faults degrade to their closest one-shot form. */
export function planJson(reply: BodyReply, request: ChatRequestBody): WireStep[] {
  switch (reply.kind) {
    case 'stream': {
      const chunks = buildStreamChunks(reply, request, newEnvelope(request, true));
      return [{ type: 'write', text: JSON.stringify(foldChunksIntoCompletion(chunks)) }];
    }
    case 'chunks':
      return [{ type: 'write', text: JSON.stringify(foldChunksIntoCompletion(reply.chunks)) }];
    case 'cut':
      return [{ type: 'destroy' }];
    case 'stall':
      return [{ type: 'wait', ms: reply.ms }, ...planJson(reply.reply ?? DEFAULT_FAULT_REPLY, request)];
    case 'garbage':
      return [{ type: 'write', text: reply.text }];
    default: {
      const unknownReply: never = reply;
      throw new Error(`unknown body reply ${JSON.stringify(unknownReply)}`);
    }
  }
}
