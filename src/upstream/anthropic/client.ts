/**
 * The Anthropic Messages wire: one POST to `{baseUrl}/messages`; its events are normalised to Chat-shaped chunks
 * (MessagesStreamNormalizer) so the rest of the bridge treats both wires alike.
 */
import {
  type OpenedChatStream,
  type UpstreamCallOptions,
  type UpstreamClientOptions,
  upstreamHeaders,
} from '../chat-client.ts';
import type { ChatChunk } from '../chat-types.ts';
import { wronglyTyped } from '../chunk-check.ts';
import { parseJsonObject, postToUpstream, readJsonBody, sseMessageBatches } from '../http.ts';
import { messagesEventProblem } from './event-check.ts';
import { MessagesStreamNormalizer } from './stream-normalizer.ts';
import type { MessagesEvent, MessagesRequest } from './types.ts';

export const ANTHROPIC_VERSION = '2023-06-01';

export async function openMessages(
  client: UpstreamClientOptions,
  body: MessagesRequest,
  call: UpstreamCallOptions,
): Promise<OpenedChatStream> {
  const headers = upstreamHeaders(client, call, body.stream);
  headers['anthropic-version'] = ANTHROPIC_VERSION;
  // OpenCode Go's /messages reads only x-api-key (docs/providers.md#authentication); the bearer is what its
  // /chat/completions reads.
  if (client.apiKey) headers['x-api-key'] = client.apiKey;
  const response = await postToUpstream({
    url: `${client.baseUrl}/messages`,
    baseUrl: client.baseUrl,
    headers,
    body,
    signal: call.signal,
    model: call.model,
  });
  const normalizer = new MessagesStreamNormalizer();
  if (response.isJson) {
    const message = await readJsonBody<Record<string, unknown>>(response, call.model);
    const batches = (async function* () {
      yield eventsOfMessage(message).flatMap((event) =>
        normalizer.push(checkedEvent(event, 'a message'), call.model),
      );
    })();
    return { batches, sawDone: true };
  }
  async function* batches(): AsyncGenerator<ChatChunk[]> {
    for await (const messages of sseMessageBatches(response, call.signal, () => normalizer.sawStop)) {
      const chunks: ChatChunk[] = [];
      let broken: unknown;
      for (const message of messages) {
        try {
          const event = parseJsonObject<MessagesEvent>(message.data, 'an event');
          event.type ??= message.event ?? '';
          chunks.push(...normalizer.push(checkedEvent(event, 'an event'), call.model));
        } catch (error) {
          broken = error;
          break;
        }
        if (normalizer.sawStop) break;
      }
      // What arrived before a bad event is still passed on; then the stream fails.
      if (chunks.length > 0) yield chunks;
      if (broken) throw broken;
      if (normalizer.sawStop) return;
    }
  }
  return {
    batches: batches(),
    get sawDone() {
      return normalizer.sawStop;
    },
  };
}

/** The event, if the fields the bridge reads have the right types; else the stream ends with that reason. */
function checkedEvent(event: MessagesEvent, what: string): MessagesEvent {
  const problem = messagesEventProblem(event);
  if (problem) throw wronglyTyped(what, problem);
  return event;
}

/** A non-streaming Message, replayed as the events that would have streamed it. */
export function eventsOfMessage(message: Record<string, unknown>): MessagesEvent[] {
  if (message.type === 'error') return [message as unknown as MessagesEvent];
  const events: MessagesEvent[] = [
    { type: 'message_start', message: { usage: message.usage as MessagesEvent['usage'] } },
  ];
  const content = Array.isArray(message.content) ? (message.content as Array<Record<string, unknown>>) : [];
  content.forEach((block, index) => {
    if (block.type === 'tool_use') {
      events.push({
        type: 'content_block_start',
        index,
        // Typed as the stream would have them; checkedEvent() refuses an id or name of another type.
        content_block: { type: 'tool_use', id: block.id as string, name: block.name as string, input: {} },
      });
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) },
      });
    } else {
      events.push({
        type: 'content_block_start',
        index,
        content_block: block as MessagesEvent['content_block'],
      });
    }
  });
  events.push({
    type: 'message_delta',
    delta: { stop_reason: (message.stop_reason as string) ?? 'end_turn' },
    usage: message.usage as MessagesEvent['usage'],
  });
  events.push({ type: 'message_stop' });
  return events;
}
