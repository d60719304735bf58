/**
 * One stable id per conversation for OpenCode Go's required `x-opencode-session` header. Codex sends its
 * conversation id as `session-id` (subagents keep the root's, so the prompt cache stays warm); other clients may
 * send `prompt_cache_key`; otherwise the id is derived from the start of the conversation, which is stable
 * (docs/providers.md#x-opencode-session).
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
    if (value) return headerSafe(value);
  }
  if (promptCacheKey) return headerSafe(promptCacheKey);
  return `ocb-${digest(conversationStart(input))}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** An HTTP header value must be printable ASCII; anything else (or anything long) is replaced by its hash. */
function headerSafe(value: string): string {
  return /^[\x21-\x7e]{1,200}$/.test(value) ? value : `ocb-${digest(value)}`;
}

/**
 * The input up to and including the first user message (system prompt and first question) identifies a
 * conversation: it stays the same on every later turn, whatever is appended after it.
 */
function conversationStart(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const firstUser = input.findIndex((item) => (item as { role?: unknown } | null)?.role === 'user');
  return JSON.stringify(firstUser === -1 ? input.slice(0, 1) : input.slice(0, firstUser + 1));
}
