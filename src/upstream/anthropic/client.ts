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
import { isJsonResponse, parseJsonObject, postToUpstream, readJsonBody, sseMessages } from '../http.ts';
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
  // Anthropic-format gateways read x-api-key; OpenCode Go also accepts the bearer token.
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
  if (isJsonResponse(response)) {
    const message = await readJsonBody<Record<string, unknown>>(response, call.model);
    const chunks = (async function* () {
      for (const event of eventsOfMessage(message)) yield* normalizer.push(event, call.model);
    })();
    return { chunks, sawDone: true };
  }
  async function* chunks(): AsyncGenerator<ChatChunk> {
    for await (const message of sseMessages(response.body, call.signal)) {
      const event = parseJsonObject<MessagesEvent>(message.data, 'an event');
      event.type ??= message.event ?? '';
      yield* normalizer.push(event, call.model);
      if (normalizer.sawStop) return;
    }
  }
  return {
    chunks: chunks(),
    get sawDone() {
      return normalizer.sawStop;
    },
  };
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
        content_block: { type: 'tool_use', id: String(block.id), name: String(block.name), input: {} },
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
