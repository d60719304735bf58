/**
 * Tool outputs from the history, paired with their calls. Outputs are queued per call id in order, so a call id
 * that an upstream reuses in a later turn (Kimi numbers per response) gets its own output, not a placeholder.
 * Chat `tool` messages carry text only: images a tool returned (Codex's view_image) follow in a user message for
 * models that accept images, and become a placeholder for the others.
 */

import type { ModelProfile } from '../models/profiles.ts';
import type { ContentPart, InputItem } from '../responses/input-items.ts';
import type { ChatContentPart, ChatMessage } from '../upstream/chat-types.ts';
import { type CompactionLimits, compactToolOutput } from './compact-output.ts';
import type { TranslationNote } from './notes.ts';
import { type ToolNames, toolSearchResultText } from './tools.ts';

export const NO_OUTPUT_TEXT = 'No output was recorded for this tool call (it was interrupted or never ran).';

export class ToolOutputQueue {
  readonly #byCall = new Map<string, Array<readonly ContentPart[]>>();

  /** `names` tells a tool search's result by the names the model calls the found tools. */
  constructor(items: readonly InputItem[], names: ToolNames) {
    for (const item of items) {
      if (item.type !== 'tool_output' && item.type !== 'tool_search_output') continue;
      const output =
        item.type === 'tool_output'
          ? item.output
          : [{ type: 'text' as const, text: toolSearchResultText(item.tools, names) }];
      const queue = this.#byCall.get(item.callId) ?? [];
      queue.push(output);
      this.#byCall.set(item.callId, queue);
    }
  }

  take(callId: string): readonly ContentPart[] | undefined {
    return this.#byCall.get(callId)?.shift();
  }

  /** Outputs nobody asked for (more outputs than calls with that id). */
  leftovers(): string[] {
    return [...this.#byCall].flatMap(([callId, queue]) => queue.map(() => callId));
  }
}

export interface ToolReplies {
  messages: ChatMessage[];
}

/**
 * The tool messages answering one assistant turn's calls, in call order, followed by a user message with any
 * images those tools returned (when the model accepts images).
 */
export function toolReplies(
  callIds: readonly string[],
  outputs: ToolOutputQueue,
  profile: ModelProfile,
  notes: TranslationNote[],
  compaction?: CompactionLimits,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const images: ChatContentPart[] = [];
  for (const callId of callIds) {
    const output = outputs.take(callId);
    if (output === undefined) {
      notes.push({ kind: 'missing_output_filled', detail: `call ${callId}` });
      messages.push({ role: 'tool', tool_call_id: callId, content: NO_OUTPUT_TEXT });
      continue;
    }
    const text: string[] = [];
    for (const part of output) {
      switch (part.type) {
        case 'text':
          text.push(part.text);
          break;
        case 'image':
          if (profile.acceptsImages) {
            if (images.length === 0)
              images.push({ type: 'text', text: 'Images returned by the tool calls above:' });
            images.push({
              type: 'image_url',
              image_url: part.detail ? { url: part.imageUrl, detail: part.detail } : { url: part.imageUrl },
            });
            text.push('[image returned; it follows in the next message]');
          } else {
            notes.push({
              kind: 'image_replaced',
              detail: `${profile.family} models do not accept images (tool output ${callId})`,
            });
            text.push('[image omitted: this model does not accept images]');
          }
          break;
        case 'file':
          notes.push({
            kind: 'file_replaced',
            detail: `file ${part.filename ?? '(unnamed)'} in tool output ${callId}`,
          });
          text.push(
            `[file omitted: ${part.filename ?? 'unnamed file'}; attached files are not supported by this bridge]`,
          );
          break;
      }
    }
    messages.push({
      role: 'tool',
      tool_call_id: callId,
      content: compacted(text.join(''), callId, notes, compaction),
    });
  }
  if (images.length > 0) messages.push({ role: 'user', content: images });
  return messages;
}

function compacted(
  text: string,
  callId: string,
  notes: TranslationNote[],
  limits: CompactionLimits | undefined,
): string {
  if (!limits) return text;
  const result = compactToolOutput(text, limits);
  if (result.omittedChars > 0) {
    notes.push({
      kind: 'output_compacted',
      detail: `call ${callId}: ${result.omittedChars} of ${text.length} characters omitted`,
    });
  }
  return result.text;
}
