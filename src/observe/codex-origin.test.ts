import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codexOrigin } from './codex-origin.ts';

const headersOf = (headers: Record<string, string>) => (name: string) => headers[name];

describe('codexOrigin', () => {
  it('reads a root request captured from Codex 0.169', () => {
    const capture = JSON.parse(
      readFileSync(
        path.join(import.meta.dirname, '../../test/fixtures/codex-requests/basic-00.json'),
        'utf8',
      ),
    );
    const origin = codexOrigin(headersOf(capture.headers));
    expect(origin.sessionId).toBe(capture.headers['session-id']);
    expect(origin.threadId).toBe(capture.headers['thread-id']);
    expect(origin.parentThreadId).toBeUndefined();
    expect(origin.subagent).toBeUndefined();
    expect(origin.turnId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads a spawned child: parent thread, subagent header and kind', () => {
    const origin = codexOrigin(
      headersOf({
        'session-id': 'root-1',
        'thread-id': 'child-1',
        'x-codex-parent-thread-id': 'root-1',
        'x-openai-subagent': 'collab_spawn',
        'x-codex-turn-metadata': JSON.stringify({
          thread_source: 'subagent',
          parent_thread_id: 'root-1',
          subagent_kind: 'thread_spawn',
          turn_id: 't-9',
        }),
      }),
    );
    expect(origin).toEqual({
      sessionId: 'root-1',
      threadId: 'child-1',
      parentThreadId: 'root-1',
      subagent: 'collab_spawn',
      subagentKind: 'thread_spawn',
      turnId: 't-9',
    });
  });

  it('takes ids from the metadata when the headers are missing', () => {
    const origin = codexOrigin(
      headersOf({
        'x-codex-turn-metadata': JSON.stringify({ session_id: 's', thread_id: 't', parent_thread_id: 'p' }),
      }),
    );
    expect(origin).toMatchObject({ sessionId: 's', threadId: 't', parentThreadId: 'p' });
  });

  it('ignores broken metadata and values that are not ids', () => {
    const origin = codexOrigin(
      headersOf({
        'session-id': '<script>alert(1)</script>',
        'x-codex-turn-metadata': '{not json',
      }),
    );
    expect(origin).toEqual({
      sessionId: undefined,
      threadId: undefined,
      parentThreadId: undefined,
      subagent: undefined,
      subagentKind: undefined,
      turnId: undefined,
    });
  });
});
