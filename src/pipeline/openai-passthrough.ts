/**
 * GPT_MODEL_STRATEGY=openai: GPT requests go to the OpenAI Responses API untouched — the body exactly as received,
 * the reply streamed back byte for byte. Needed because Codex subagents share the parent's provider
 * (docs/codex-client.md#agent-roles), so the bridge may sit in front of GPT traffic too.
 */

import { BRIDGE_KEY_HEADER } from '../bridge-key-header.ts';
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';

/** Hop-by-hop and per-connection headers and the bridge's own key are never forwarded; authorization is chosen. */
const DROP_REQUEST_HEADERS = new Set([
  BRIDGE_KEY_HEADER,
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'authorization',
  'accept-encoding',
  'origin',
  'referer',
  'cookie',
]);
const DROP_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
  'set-cookie',
]);

interface OpenAITarget {
  baseUrl: string;
  authorization: string;
}

/**
 * Whose credentials a GPT request uses, and where it goes (a ChatGPT sign-in — Codex then sends
 * `chatgpt-account-id` — to CHATGPT_BASE_URL, an API key to OPENAI_BASE_URL): OPENAI_API_KEY when the bridge has one; otherwise the user's own Codex
 * sign-in, forwarded as is — only when the client authenticated to the bridge with the bridge-key header, so the
 * Authorization header is not the bridge key (which is never forwarded).
 */
function openAITarget(gpt: Config['gpt'], incoming: Request): OpenAITarget {
  if (gpt.openaiApiKey) return { baseUrl: gpt.openaiBaseUrl, authorization: `Bearer ${gpt.openaiApiKey}` };
  const forwarded = incoming.headers.get('authorization');
  if (forwarded && incoming.headers.has(BRIDGE_KEY_HEADER)) {
    const chatgpt = incoming.headers.has('chatgpt-account-id');
    return { baseUrl: chatgpt ? gpt.chatgptBaseUrl : gpt.openaiBaseUrl, authorization: forwarded };
  }
  throw new BridgeError({
    status: 500,
    code: 'openai_key_missing',
    message:
      'GPT_MODEL_STRATEGY=openai needs credentials for OpenAI: set OPENAI_API_KEY for the bridge, or let Codex ' +
      `forward your own sign-in (provider with requires_openai_auth = true and the bridge key in ${BRIDGE_KEY_HEADER}; ` +
      '`codex-oss install --auth codex` writes that).',
  });
}

export async function passThroughToOpenAI(
  gpt: Config['gpt'],
  incoming: Request,
  rawBody: string,
): Promise<Response> {
  const target = openAITarget(gpt, incoming);
  const headers = new Headers();
  incoming.headers.forEach((value, name) => {
    if (!DROP_REQUEST_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  });
  headers.set('authorization', target.authorization);
  headers.set('accept-encoding', 'identity');
  let upstream: Response;
  try {
    upstream = await fetch(`${target.baseUrl}/responses`, {
      method: 'POST',
      headers,
      body: rawBody,
      signal: incoming.signal,
    });
  } catch (error) {
    if (incoming.signal.aborted) throw error;
    throw new BridgeError({
      status: 502,
      code: 'upstream_unreachable',
      type: 'upstream_error',
      message: `Could not reach OpenAI at ${target.baseUrl}: ${(error as Error).message}`,
    });
  }
  const responseHeaders = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROP_RESPONSE_HEADERS.has(name.toLowerCase())) responseHeaders.set(name, value);
  });
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}
