import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChunks } from '../../test/support/fixtures.ts';
import type { ChatChunk } from './chat-types.ts';
import { chatChunkProblem, kindOf } from './chunk-check.ts';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'chunks');
const recorded = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.chunks.jsonl'))
  .map((name) => name.replace('.chunks.jsonl', ''));

const withDelta = (delta: unknown): ChatChunk => ({ choices: [{ index: 0, delta }] }) as ChatChunk;

describe('chatChunkProblem', () => {
  it.each(recorded)('finds nothing wrong in the recorded %s stream', (name) => {
    expect(readChunks(name).map(chatChunkProblem).filter(Boolean)).toEqual([]);
  });

  it('tolerates fields it does not read, of any type, and null wherever a field may be absent', () => {
    const chunk = {
      id: 42,
      system_fingerprint: { any: 'thing' },
      usage: null,
      choices: [
        {
          index: 0,
          logprobs: { content: [] },
          finish_reason: null,
          delta: { role: 'assistant', content: null, reasoning_content: null, tool_calls: null, audio: {} },
        },
        'a second choice is never read',
      ],
    } as unknown as ChatChunk;

    expect(chatChunkProblem(chunk)).toBeUndefined();
  });

  it.each([
    ['an object', { text: 'hi' }, 'choices[0].delta.content is an object, expected a string'],
    ['a number', 42, 'choices[0].delta.content is a number, expected a string'],
    [
      'an array of parts',
      [{ type: 'text', text: 'hi' }],
      'choices[0].delta.content is an array, expected a string',
    ],
  ])('reports content that is %s, naming the field', (_label, content, problem) => {
    expect(chatChunkProblem(withDelta({ content }))).toBe(problem);
  });

  it.each([
    [{ reasoning_content: 7 }, 'choices[0].delta.reasoning_content is a number, expected a string'],
    [{ reasoning: true }, 'choices[0].delta.reasoning is a boolean, expected a string'],
    [{ refusal: {} }, 'choices[0].delta.refusal is an object, expected a string'],
    [
      { reasoning_details: [{ text: 1 }] },
      'choices[0].delta.reasoning_details[0].text is a number, expected a string',
    ],
    [{ reasoning_details: 'thinking' }, 'choices[0].delta.reasoning_details is a string, expected an array'],
    [{ tool_calls: {} }, 'choices[0].delta.tool_calls is an object, expected an array'],
    [{ tool_calls: [null] }, 'choices[0].delta.tool_calls[0] is null, expected an object'],
    [
      { tool_calls: [{ index: '0' }] },
      'choices[0].delta.tool_calls[0].index is a string, expected an index (a whole number)',
    ],
    [
      { tool_calls: [{ index: -1 }] },
      'choices[0].delta.tool_calls[0].index is a number, expected an index (a whole number)',
    ],
    [
      { tool_calls: [{ index: 0, id: 5 }] },
      'choices[0].delta.tool_calls[0].id is a number, expected a string',
    ],
    [
      { tool_calls: [{ index: 0, function: 'f' }] },
      'choices[0].delta.tool_calls[0].function is a string, expected an object',
    ],
    [
      { tool_calls: [{ index: 0, function: { name: 'f', arguments: { cmd: 'ls' } } }] },
      'choices[0].delta.tool_calls[0].function.arguments is an object, expected a string',
    ],
  ])('reports a wrongly typed delta field: %j', (delta, problem) => {
    expect(chatChunkProblem(withDelta(delta))).toBe(problem);
  });

  it.each([
    [{ choices: {} }, 'choices is an object, expected an array'],
    [{ choices: [null] }, 'choices[0] is null, expected an object'],
    [{ choices: [{ delta: 'hi' }] }, 'choices[0].delta is a string, expected an object'],
    [{ choices: [{ finish_reason: 1 }] }, 'choices[0].finish_reason is a number, expected a string'],
    [
      { choices: [{ message: { content: {} } }] },
      'choices[0].message.content is an object, expected a string',
    ],
    [{ choices: [], usage: { prompt_tokens: '12' } }, 'usage.prompt_tokens is a string, expected a number'],
    [
      { choices: [], usage: { prompt_tokens_details: { cached_tokens: [] } } },
      'usage.prompt_tokens_details.cached_tokens is an array, expected a number',
    ],
    [
      { choices: [{ usage: { completion_tokens: {} } }] },
      'choices[0].usage.completion_tokens is an object, expected a number',
    ],
  ])('reports a wrongly typed chunk field: %j', (chunk, problem) => {
    expect(chatChunkProblem(chunk as unknown as ChatChunk)).toBe(problem);
  });
});

describe('kindOf', () => {
  it.each([
    [null, 'null'],
    [[], 'an array'],
    [{}, 'an object'],
    ['x', 'a string'],
    [1, 'a number'],
  ])('describes %j as %s', (value, kind) => {
    expect(kindOf(value)).toBe(kind);
  });
});
