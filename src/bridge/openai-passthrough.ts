/**
 * GPT_MODEL_STRATEGY=openai: GPT requests go to the OpenAI Responses API untouched — the body exactly as received,
 * the reply streamed back byte for byte. Needed because Codex subagents share the parent's provider (CODEX-CLIENT.md
 * §15), so the bridge may sit in front of GPT traffic too.
 */

import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';

/** Hop-by-hop and per-connection headers are never forwarded; authorization is replaced by the OpenAI key. */
const DROP_REQUEST_HEADERS = new Set([
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

export async function passThroughToOpenAI(
  gpt: Config['gpt'],
  incoming: Request,
  rawBody: string,
): Promise<Response> {
  if (!gpt.openaiApiKey) {
    throw new BridgeError({
      status: 500,
      code: 'openai_key_missing',
      message: 'GPT_MODEL_STRATEGY=openai needs OPENAI_API_KEY to pass GPT requests through to OpenAI.',
    });
  }
  const headers = new Headers();
  incoming.headers.forEach((value, name) => {
    if (!DROP_REQUEST_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  });
  headers.set('authorization', `Bearer ${gpt.openaiApiKey}`);
  headers.set('accept-encoding', 'identity');
  let upstream: Response;
  try {
    upstream = await fetch(`${gpt.openaiBaseUrl}/responses`, {
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
      message: `Could not reach OpenAI at ${gpt.openaiBaseUrl}: ${(error as Error).message}`,
    });
  }
  const responseHeaders = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROP_RESPONSE_HEADERS.has(name.toLowerCase())) responseHeaders.set(name, value);
  });
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}
