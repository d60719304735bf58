/**
 * One stable id per conversation for OpenCode Go's required `x-opencode-session` header. Codex sends its
 * conversation id as `session-id` (subagents keep the root's, so the prompt cache stays warm); other clients may
 * send `prompt_cache_key`; otherwise the id is derived from the start of the conversation, which is stable.
 */
import { createHash } from 'node:crypto';

const SESSION_HEADERS = ['session-id', 'session_id', 'x-session-id', 'conversation_id', 'conversation-id'];

export function conversationSessionId(
  header: (name: string) => string | undefined,
  promptCacheKey: string | null | undefined,
  input: unknown,
): string {
  for (const name of SESSION_HEADERS) {
    const value = header(name)?.trim();
    if (value) return value.slice(0, 200);
  }
  if (promptCacheKey) return promptCacheKey.slice(0, 200);
  return `ocb-${createHash('sha256').update(conversationStart(input)).digest('hex').slice(0, 32)}`;
}

/** The first two input items (system prompt and first user message) identify a conversation across turns. */
function conversationStart(input: unknown): string {
  if (typeof input === 'string') return input;
  return Array.isArray(input) ? JSON.stringify(input.slice(0, 2)) : '';
}
