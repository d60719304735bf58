/**
 * Reads who sent a request from the headers Codex puts on every Responses request (docs/codex-headers.md):
 * `session-id`, `thread-id`, `x-codex-parent-thread-id`, `x-openai-subagent` and the JSON `x-codex-turn-metadata`.
 * Other clients send none of them; every field is then undefined. Values are kept only when they look like ids.
 */
import type { CodexOrigin } from './run-observer.ts';

/** Ids are short printable tokens (Codex uses UUIDv7); anything else is ignored rather than shown. */
const ID = /^[\w.:@/-]{1,128}$/;
/** The metadata is a few hundred bytes; a huge value is not Codex's and not worth parsing. */
const MAX_METADATA_CHARS = 16_384;

function idOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return ID.test(trimmed) ? trimmed : undefined;
}

function turnMetadata(value: string | undefined): Record<string, unknown> {
  if (!value || value.length > MAX_METADATA_CHARS) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function codexOrigin(header: (name: string) => string | undefined): CodexOrigin {
  const metadata = turnMetadata(header('x-codex-turn-metadata'));
  return {
    sessionId: idOrUndefined(header('session-id')) ?? idOrUndefined(metadata.session_id),
    threadId: idOrUndefined(header('thread-id')) ?? idOrUndefined(metadata.thread_id),
    parentThreadId:
      idOrUndefined(header('x-codex-parent-thread-id')) ?? idOrUndefined(metadata.parent_thread_id),
    subagent: idOrUndefined(header('x-openai-subagent')),
    subagentKind: idOrUndefined(metadata.subagent_kind),
    turnId: idOrUndefined(metadata.turn_id),
  };
}
