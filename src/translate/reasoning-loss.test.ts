/**
 * Reasoning the upstream gets back on later turns, sealed in a blob that no longer opens (the state directory, and
 * with it the key, was replaced) or was never ours: when nothing else recovers it and the model replays reasoning at
 * that message, translation notes `reasoning_lost` (messages.ts), which the bridge turns into a warning.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createModelCatalog, type ResolvedModel } from '../models/catalog.ts';
import { parseInputItems } from '../responses/input-items.ts';
import { parseResponsesRequest } from '../responses/request.ts';
import { translateMessagesRequest } from './anthropic-request.ts';
import type { HistoryLookup } from './messages.ts';
import type { TranslationNote } from './notes.ts';
import { createReasoningCarrier } from './reasoning-carrier.ts';
import { translateRequest } from './request.ts';

const current = createReasoningCarrier(randomBytes(32));
/** The key of a state directory that is gone. */
const previous = createReasoningCarrier(randomBytes(32));

function lookup(overrides: Partial<HistoryLookup> = {}): HistoryLookup {
  return {
    openReasoning: (blob) => current.open(blob),
    reasoningByItemId: () => undefined,
    reasoningByCallId: () => undefined,
    callByCallId: () => undefined,
    ...overrides,
  };
}

function resolve(modelId: string): ResolvedModel {
  const model = createModelCatalog().resolve(modelId);
  if (!model) throw new Error(`no model ${modelId}`);
  return model;
}

function notesOf(input: unknown[], modelId: string, history = lookup()): TranslationNote[] {
  const request = parseResponsesRequest({ model: modelId, input });
  const items = parseInputItems(request.input);
  const model = resolve(modelId);
  if (model.wire === 'anthropic') {
    return translateMessagesRequest(request, items, {
      model,
      lookup: history,
      stream: true,
      stripTools: false,
      maxOutputTokens: model.maxOutputTokens,
      guardrails: { compaction: undefined, instructions: [], withdrawTools: false, serialToolCalls: false },
    }).notes;
  }
  return translateRequest(request, items, { model, lookup: history, stream: true, stripTools: false }).notes;
}

const user = (text: string) => ({ role: 'user', content: text });
const sealedElsewhere = (id = 'rs_1') => ({
  type: 'reasoning',
  id,
  summary: [],
  encrypted_content: previous.seal({ text: 'the plan', model: 'deepseek-v4-pro', signature: 'sig' }),
});
const call = { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{}' };
const output = { type: 'function_call_output', call_id: 'c1', output: 'ok' };
const answer = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] };

const lost = (notes: TranslationNote[]) => notes.filter((note) => note.kind === 'reasoning_lost');

describe('reasoning lost with its key', () => {
  it('notes it when a DeepSeek tool-call turn goes upstream with the placeholder instead', () => {
    const notes = notesOf([user('go'), sealedElsewhere(), call, output], 'ocg-deepseek-v4-pro');

    expect(lost(notes)).toEqual([
      {
        kind: 'reasoning_lost',
        detail: 'the turn with call c1: reasoning sealed under another key, replayed without it',
      },
    ]);
  });

  it('notes it for every family that replays reasoning at that message', () => {
    const turn = [user('go'), sealedElsewhere(), answer, user('and?')];
    for (const modelId of ['ocg-deepseek-v4-pro', 'ocg-glm-5.1', 'ocg-minimax-m2.7'])
      expect(lost(notesOf(turn, modelId)), modelId).toHaveLength(1);
    expect(lost(notesOf([user('go'), sealedElsewhere(), call, output], 'ocg-kimi-k2.6'))).toHaveLength(1);
  });

  it('says a blob that was never ours was not sealed by this bridge', () => {
    const foreign = { type: 'reasoning', id: 'rs_x', summary: [], encrypted_content: 'gAAAAAforeignblob' };

    const notes = notesOf([user('go'), foreign, call, output], 'ocg-deepseek-v4-pro');

    expect(lost(notes)[0]?.detail).toContain('not sealed by this bridge');
  });

  it('does not note it when the state store still has the reasoning', () => {
    const history = lookup({ reasoningByCallId: (id) => (id === 'c1' ? 'cached reasoning' : undefined) });

    expect(
      lost(notesOf([user('go'), sealedElsewhere(), call, output], 'ocg-deepseek-v4-pro', history)),
    ).toEqual([]);
  });

  it('does not note it where the model takes no reasoning back', () => {
    expect(lost(notesOf([user('go'), sealedElsewhere(), answer, user('and?')], 'ocg-kimi-k2.6'))).toEqual([]);
    expect(lost(notesOf([user('go'), sealedElsewhere(), call, output], 'ocg-some-model'))).toEqual([]);
  });

  it('does not note it when the blob opens', () => {
    const readable = { ...sealedElsewhere(), encrypted_content: current.seal({ text: 'plan', model: 'x' }) };

    expect(lost(notesOf([user('go'), readable, call, output], 'ocg-deepseek-v4-pro'))).toEqual([]);
  });
});
