/**
 * The shape of an Anthropic Messages stream event, checked before it is normalised: the fields the bridge reads for
 * the event's type, and only their types (see ../chunk-check.ts for the Chat wire and why this is written by hand).
 */
import {
  indexAt,
  type Json,
  kindOf,
  numberAt,
  objectAt,
  type Problem,
  stringAt,
  stringsAt,
} from '../chunk-check.ts';
import type { MessagesEvent } from './types.ts';

const USAGE_COUNTS = [
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
];
const BLOCK_TEXTS = ['type', 'text', 'thinking', 'signature', 'data', 'id', 'name'];
const DELTA_TEXTS = ['type', 'text', 'thinking', 'signature', 'partial_json'];

function usageProblem(usage: Json): Problem {
  for (const key of USAGE_COUNTS) {
    const problem = numberAt(usage, key);
    if (problem) return problem;
  }
  return undefined;
}

const messageUsage = (message: Json) => objectAt(message, 'usage', usageProblem);
const blockTexts = (block: Json) => stringsAt(block, BLOCK_TEXTS);
const deltaTexts = (delta: Json) => stringsAt(delta, DELTA_TEXTS);
const stopReason = (delta: Json) => stringAt(delta, 'stop_reason');
const errorTexts = (error: Json) => stringAt(error, 'type') ?? stringAt(error, 'message');

/** The first wrongly typed field of a Messages stream event the bridge reads. */
export function messagesEventProblem(event: MessagesEvent): Problem {
  if (typeof event.type !== 'string') return `type is ${kindOf(event.type)}, expected a string`;
  const value = event as unknown as Json;
  switch (event.type) {
    case 'message_start':
      return objectAt(value, 'message', messageUsage);
    case 'content_block_start':
      return indexAt(value, 'index') ?? objectAt(value, 'content_block', blockTexts);
    case 'content_block_delta':
      return indexAt(value, 'index') ?? objectAt(value, 'delta', deltaTexts);
    case 'message_delta':
      return objectAt(value, 'delta', stopReason) ?? objectAt(value, 'usage', usageProblem);
    case 'error':
      return objectAt(value, 'error', errorTexts);
    default:
      // ping, content_block_stop, message_stop and events added later: nothing in them is read.
      return undefined;
  }
}
