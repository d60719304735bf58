/**
 * The upstream adapters behind one interface: how to translate a request for a wire format, and how to open a
 * call on it. The pipeline (retries, fallback, breaker, limits, the Responses event writer) uses only this; which
 * wire a model speaks comes from the model catalog.
 */
import type { Wire } from '../models/catalog.ts';
import type { InputItem } from '../responses/input-items.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import { translateMessagesRequest } from '../translate/anthropic-request.ts';
import type { TranslationNote } from '../translate/notes.ts';
import { type TranslateOptions, translateRequest } from '../translate/request.ts';
import type { ToolNames } from '../translate/tools.ts';
import { openMessages } from '../upstream/anthropic/client.ts';
import type { MessagesRequest } from '../upstream/anthropic/types.ts';
import {
  type OpenedChatStream,
  openChatCompletion,
  type UpstreamCallOptions,
  type UpstreamClientOptions,
} from '../upstream/chat-client.ts';
import type { ChatRequest } from '../upstream/chat-types.ts';

export interface UpstreamTranslation {
  wire: Wire;
  body: ChatRequest | MessagesRequest;
  names: ToolNames;
  notes: TranslationNote[];
}

export interface UpstreamAdapter {
  translate(
    request: ResponsesRequest,
    items: readonly InputItem[],
    options: TranslateOptions,
  ): UpstreamTranslation;
  open(
    client: UpstreamClientOptions,
    translation: UpstreamTranslation,
    call: UpstreamCallOptions,
  ): Promise<OpenedChatStream>;
}

const chatAdapter: UpstreamAdapter = {
  translate: (request, items, options) => ({ wire: 'chat', ...translateRequest(request, items, options) }),
  open: (client, translation, call) => openChatCompletion(client, translation.body as ChatRequest, call),
};

const messagesAdapter: UpstreamAdapter = {
  translate: (request, items, options) => ({
    wire: 'anthropic',
    ...translateMessagesRequest(request, items, {
      ...options,
      maxOutputTokens: options.model.maxOutputTokens,
    }),
  }),
  open: (client, translation, call) => openMessages(client, translation.body as MessagesRequest, call),
};

export const ADAPTERS: Readonly<Record<Wire, UpstreamAdapter>> = {
  chat: chatAdapter,
  anthropic: messagesAdapter,
};
