import { describe, expect, it } from 'vitest';
import { readCodexRequest } from '../../test/support/fixtures.ts';
import { BridgeError } from '../errors.ts';
import { MAX_JSON_DEPTH } from './json-depth.ts';
import { parseResponsesRequest } from './request.ts';

/** The 400 that parsing throws; fails the test if parsing succeeds. */
function rejection(body: unknown): BridgeError {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

/** A value nested `depth` levels deep, built from JSON text as a client would send it. */
function nested(depth: number): unknown {
  return JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

const minimal = { model: 'ocg-deepseek-v4-pro', input: 'hi' };

describe('parseResponsesRequest', () => {
  it('accepts what Codex really sends, namespaced tools included', () => {
    const { body } = readCodexRequest('spawn_ns_multi_agent_v1-00');

    expect(parseResponsesRequest(body).tools?.some((tool) => tool.type === 'namespace')).toBe(true);
  });

  it.each([
    ['metadata', { metadata: { note: nested(12_000) } }, 'metadata.note.a'],
    [
      'tool parameters',
      { tools: [{ type: 'function', name: 'f', parameters: nested(12_000) }] },
      'tools.0.parameters',
    ],
    [
      'a structured-output schema',
      { text: { format: { type: 'json_schema', name: 'r', schema: nested(12_000) } } },
      'text.format.schema',
    ],
    [
      'an input item',
      { input: [{ type: 'function_call', call_id: 'c', name: 'f', extra: nested(500) }] },
      'input.0.extra',
    ],
  ])('refuses JSON nested too deep in %s with a 400 naming where', (_label, fields, param) => {
    const error = rejection({ ...minimal, ...fields });

    expect(error).toMatchObject({ status: 400, param });
    expect(error.message).toContain(`nested more than ${MAX_JSON_DEPTH} levels deep`);
  });

  it('accepts nesting up to the limit', () => {
    // The body is level 1 and metadata level 2, so its value may nest MAX_JSON_DEPTH - 2 levels.
    expect(() =>
      parseResponsesRequest({ ...minimal, metadata: { deep: nested(MAX_JSON_DEPTH - 2) } }),
    ).not.toThrow();
  });

  it.each([
    ['null', [null], 'tools.0.tools.0'],
    ['a tool without a type', [{ name: 'x' }], 'tools.0.tools.0.type'],
    ['a tool whose type is an object', [{ type: { toString: 1 } }], 'tools.0.tools.0.type'],
    [
      'a namespace holding null',
      [{ type: 'namespace', name: 'inner', tools: [null] }],
      'tools.0.tools.0.tools.0',
    ],
  ])('refuses a namespace holding %s, naming its path', (_label, tools, param) => {
    const error = rejection({ ...minimal, tools: [{ type: 'namespace', name: 'ns', tools }] });

    expect(error).toMatchObject({ status: 400, param });
  });

  it('refuses a namespace whose tools are not a list', () => {
    expect(rejection({ ...minimal, tools: [{ type: 'namespace', name: 'ns', tools: 'shell' }] }).param).toBe(
      'tools.0.tools',
    );
  });
});
