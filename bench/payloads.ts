/**
 * Request pairs: a Responses request for the bridge and, for the direct path, the Chat request the bridge makes
 * of it (translated here with the bridge's own pure functions, so both paths carry the same conversation).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createModelCatalog, type ResolvedModel } from '../src/models/catalog.ts';
import { parseInputItems } from '../src/responses/input-items.ts';
import { parseResponsesRequest } from '../src/responses/request.ts';
import { type BridgeStore, openStore } from '../src/state/store.ts';
import type { HistoryLookup } from '../src/translate/messages.ts';
import type { ReasoningCarrier } from '../src/translate/reasoning-carrier.ts';
import { type ChatTranslation, translateRequest } from '../src/translate/request.ts';

export const BENCH_MODEL = 'ocg-deepseek-v4-flash';

export interface Payload {
  name: string;
  /** The Responses request body sent to the bridge. */
  responses: string;
  /** The Chat Completions body sent straight to the upstream. */
  chat: string;
}

const FIXTURES = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'codex-requests');

/** The carrier opens sealed reasoning first; the store is only asked when that fails, as in the bridge. */
export function benchLookup(carrier: ReasoningCarrier, store: BridgeStore, scope = 'bench'): HistoryLookup {
  return {
    openReasoning: (blob) => carrier.open(blob),
    reasoningByItemId: (id) => store.reasoningByItemId(scope, id),
    reasoningByCallId: (id) => store.reasoningByCallId(scope, id),
    callByCallId: (id) => store.callByCallId(scope, id),
  };
}

export function memoryStore(): BridgeStore {
  return openStore(':memory:', { ttlSeconds: 3600, maxRows: 50_000, maxBytes: 2 ** 30 });
}

export function resolveBenchModel(model = BENCH_MODEL): ResolvedModel {
  const resolved = createModelCatalog({}).resolve(model);
  if (!resolved) throw new Error(`bench model ${model} does not resolve`);
  return resolved;
}

/** Exactly the bridge's steps from parsed JSON to the upstream body. */
export function translateBody(body: unknown, lookup: HistoryLookup): ChatTranslation {
  const request = parseResponsesRequest(body);
  const items = parseInputItems(request.input);
  return translateRequest(request, items, {
    model: resolveBenchModel(request.model),
    lookup,
    stream: true,
    stripTools: false,
  });
}

export function payloadOf(name: string, request: object, lookup: HistoryLookup): Payload {
  const responses = JSON.stringify(request);
  return { name, responses, chat: JSON.stringify(translateBody(JSON.parse(responses), lookup).body) };
}

export function smallRequest(): object {
  return {
    model: BENCH_MODEL,
    instructions: 'You are a helpful assistant.',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello.' }] }],
    stream: true,
    store: false,
  };
}

/** A captured first-turn Codex CLI request (instructions, ~20 tools, environment context): about 45 KB. */
export function codexRequest(fixture = 'basic-00.json'): Record<string, unknown> {
  const captured = JSON.parse(readFileSync(path.join(FIXTURES, fixture), 'utf8')) as {
    body: Record<string, unknown>;
  };
  return { ...captured.body, model: BENCH_MODEL, stream: true, store: false };
}
