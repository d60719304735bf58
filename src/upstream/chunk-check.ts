/**
 * The shape of what an upstream streams, checked before anything is translated: only the fields the bridge reads,
 * and only their types. Unknown fields are tolerated (upstreams add their own), and so is `null` wherever a field
 * may be absent; a field of the wrong type (`delta.content: {"text": "hi"}`, then `42`) is reported, so the
 * response ends `failed` with that reason instead of streaming "[object Object]".
 *
 * Written by hand rather than with zod: it runs on every chunk of every stream. Each check returns the problem
 * relative to the object it was given ("content is an object, expected a string") and its caller puts the key in
 * front, so a good chunk costs a few `typeof`s and allocates nothing (bench/README.md, "Chunk checks").
 */
import type { ChatChunk } from './chat-types.ts';
import { UpstreamStreamError } from './http.ts';

export type Json = Record<string, unknown>;
/** What is wrong, from the checked object down ("delta.content is a number, expected a string"); undefined if nothing. */
export type Problem = string | undefined;

/** How a value reads in a message: "an object", "a number", "an array", "null". */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wrong(key: string, value: unknown, expected: string): string {
  return `${key} is ${kindOf(value)}, expected ${expected}`;
}

/** A string, or absent (undefined or null). */
export function stringAt(value: Json, key: string): Problem {
  const field = value[key];
  if (field === undefined || field === null || typeof field === 'string') return undefined;
  return wrong(key, field, 'a string');
}

/** Every one of `keys` a string, or absent. */
export function stringsAt(value: Json, keys: readonly string[]): Problem {
  for (const key of keys) {
    const problem = stringAt(value, key);
    if (problem) return problem;
  }
  return undefined;
}

/** A finite number, or absent. */
export function numberAt(value: Json, key: string): Problem {
  const field = value[key];
  if (field === undefined || field === null || (typeof field === 'number' && Number.isFinite(field)))
    return undefined;
  return wrong(key, field, 'a number');
}

/** A whole number ≥ 0, or undefined (an index: null is no index). */
export function indexAt(value: Json, key: string): Problem {
  const field = value[key];
  if (field === undefined || (typeof field === 'number' && Number.isInteger(field) && field >= 0))
    return undefined;
  return wrong(key, field, 'an index (a whole number)');
}

/** An object whose fields pass `check`, or absent. */
export function objectAt(value: Json, key: string, check: (object: Json) => Problem): Problem {
  const field = value[key];
  if (field === undefined || field === null) return undefined;
  if (!isObject(field)) return wrong(key, field, 'an object');
  const problem = check(field);
  return problem === undefined ? undefined : `${key}.${problem}`;
}

/** A list of objects that pass `check` (the first `limit` of them), or absent. */
export function listAt(
  value: Json,
  key: string,
  check: (element: Json) => Problem,
  limit = Number.POSITIVE_INFINITY,
): Problem {
  const field = value[key];
  if (field === undefined || field === null) return undefined;
  if (!Array.isArray(field)) return wrong(key, field, 'an array');
  for (let index = 0; index < field.length && index < limit; index++) {
    const element: unknown = field[index];
    if (!isObject(element)) return wrong(`${key}[${index}]`, element, 'an object');
    const problem = check(element);
    if (problem !== undefined) return `${key}[${index}].${problem}`;
  }
  return undefined;
}

const USAGE_COUNTS = ['prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_cache_hit_tokens'];
const DELTA_TEXTS = ['content', 'reasoning_content', 'reasoning', 'refusal'];

const cachedTokens = (details: Json) => numberAt(details, 'cached_tokens');
const reasoningTokens = (details: Json) => numberAt(details, 'reasoning_tokens');
const reasoningDetail = (detail: Json) => stringAt(detail, 'text');
const functionFields = (fn: Json) => stringAt(fn, 'name') ?? stringAt(fn, 'arguments');

function usageProblem(usage: Json): Problem {
  for (const key of USAGE_COUNTS) {
    const problem = numberAt(usage, key);
    if (problem) return problem;
  }
  return (
    objectAt(usage, 'prompt_tokens_details', cachedTokens) ??
    objectAt(usage, 'completion_tokens_details', reasoningTokens)
  );
}

function toolCallProblem(call: Json): Problem {
  return (
    indexAt(call, 'index') ??
    stringAt(call, 'id') ??
    stringAt(call, 'type') ??
    objectAt(call, 'function', functionFields)
  );
}

function deltaProblem(delta: Json): Problem {
  return (
    stringsAt(delta, DELTA_TEXTS) ??
    listAt(delta, 'reasoning_details', reasoningDetail) ??
    listAt(delta, 'tool_calls', toolCallProblem)
  );
}

function choiceProblem(choice: Json): Problem {
  return (
    stringAt(choice, 'finish_reason') ??
    objectAt(choice, 'usage', usageProblem) ??
    objectAt(choice, 'delta', deltaProblem) ??
    objectAt(choice, 'message', deltaProblem)
  );
}

/** The first wrongly typed field of a Chat Completions chunk (or non-streamed completion) the bridge reads. */
export function chatChunkProblem(chunk: ChatChunk): Problem {
  const value = chunk as Json;
  // Only the first choice is read (the bridge asks for one).
  return objectAt(value, 'usage', usageProblem) ?? listAt(value, 'choices', choiceProblem, 1);
}

/** The error that ends a stream whose chunk (or event) has a field of the wrong type. */
export function wronglyTyped(what: string, problem: string): UpstreamStreamError {
  return new UpstreamStreamError(
    'upstream_invalid_chunk',
    `The upstream sent ${what} with a field of the wrong type: ${problem}.`,
  );
}
