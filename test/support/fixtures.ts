import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChatChunk } from '../../src/upstream/chat-types.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

/** A recorded upstream stream: one JSON chunk per line. */
export function readChunks(name: string): ChatChunk[] {
  const text = readFileSync(path.join(FIXTURES, 'chunks', `${name}.chunks.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as ChatChunk);
}

/** A real request captured from Codex 0.169 (provenance: test/fixtures/codex-requests/SOURCES.md). */
export function readCodexRequest(name: string): {
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const text = readFileSync(path.join(FIXTURES, 'codex-requests', `${name}.json`), 'utf8');
  return JSON.parse(text) as { headers: Record<string, string>; body: Record<string, unknown> };
}

/** A recorded Anthropic Messages stream: one `{event, data}` per line. */
export function readMessagesEvents(name: string): Array<{ event: string; data: Record<string, unknown> }> {
  const text = readFileSync(path.join(FIXTURES, 'messages', `${name}.events.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as { event: string; data: Record<string, unknown> });
}
