// A body reply for the /messages endpoint as wire steps: `event:` + `data:` lines per Anthropic event. Recorded
// fixtures come as {event, data} objects in a `chunks` reply. Faults wrap the same way as on the Chat endpoint.

import { type BodyReply, DEFAULT_FAULT_REPLY } from '../replies.ts';
import { insertAfterWrites, positionAfterWrites, type WireStep } from '../reply-plan.ts';
import { buildMessagesEvents, foldEventsIntoMessage, type MessagesWireEvent } from './events.ts';

function eventSteps(events: readonly MessagesWireEvent[], delayMs: number | undefined): WireStep[] {
  return events.flatMap((event, position) => {
    const write: WireStep = {
      type: 'write',
      text: `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`,
    };
    return position > 0 && delayMs ? [{ type: 'wait', ms: delayMs } as const, write] : [write];
  });
}

export function messagesEvents(reply: BodyReply, model: string, inputTokens: number): MessagesWireEvent[] {
  switch (reply.kind) {
    case 'stream':
      return buildMessagesEvents(reply, model, inputTokens);
    case 'chunks':
      return reply.chunks as MessagesWireEvent[];
    default:
      return messagesEvents(reply.reply ?? DEFAULT_FAULT_REPLY, model, inputTokens);
  }
}

export function planMessagesSse(reply: BodyReply, model: string, inputTokens: number): WireStep[] {
  switch (reply.kind) {
    case 'stream':
    case 'chunks':
      return eventSteps(messagesEvents(reply, model, inputTokens), reply.delayMs);
    case 'cut': {
      const inner = planMessagesSse(reply.reply ?? DEFAULT_FAULT_REPLY, model, inputTokens);
      return [...inner.slice(0, positionAfterWrites(inner, reply.afterChunks)), { type: 'destroy' }];
    }
    case 'stall':
      return insertAfterWrites(
        planMessagesSse(reply.reply ?? DEFAULT_FAULT_REPLY, model, inputTokens),
        reply.afterChunks,
        [{ type: 'wait', ms: reply.ms }],
      );
    case 'garbage':
      return insertAfterWrites(
        planMessagesSse(reply.reply ?? DEFAULT_FAULT_REPLY, model, inputTokens),
        reply.afterChunks,
        [{ type: 'write', text: `event: content_block_delta\ndata: ${reply.text}\n\n` }],
      );
  }
}

export function planMessagesJson(reply: BodyReply, model: string, inputTokens: number): WireStep[] {
  if (reply.kind === 'cut') return [{ type: 'destroy' }];
  return [
    { type: 'write', text: JSON.stringify(foldEventsIntoMessage(messagesEvents(reply, model, inputTokens))) },
  ];
}
