/**
 * A scripted client that sends what Codex 0.169 sends for a parent agent and the subagents it spawns: the same
 * session-id for all, each its own thread-id, children with x-openai-subagent: collab_spawn and
 * x-codex-parent-thread-id, and the JSON x-codex-turn-metadata (docs/codex-headers.md). Only the headers and the
 * request shape are Codex's; the conversation is whatever the test scripts.
 */
import { randomUUID } from 'node:crypto';
import { BRIDGE_KEY } from './bridge-harness.ts';

export interface CodexThread {
  sessionId: string;
  threadId: string;
  parentThreadId?: string;
}

export function rootThread(): CodexThread {
  const id = randomUUID();
  return { sessionId: id, threadId: id };
}

export function spawnedThread(parent: CodexThread): CodexThread {
  return { sessionId: parent.sessionId, threadId: randomUUID(), parentThreadId: parent.threadId };
}

export function codexHeaders(thread: CodexThread, model: string): Record<string, string> {
  const child = thread.parentThreadId !== undefined;
  const metadata = {
    session_id: thread.sessionId,
    thread_id: thread.threadId,
    agent_name: '/root',
    turn_id: randomUUID(),
    request_kind: 'turn',
    thread_source: child ? 'subagent' : 'user',
    ...(child ? { parent_thread_id: thread.parentThreadId, subagent_kind: 'thread_spawn' } : {}),
    model,
  };
  return {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    authorization: `Bearer ${BRIDGE_KEY}`,
    originator: 'codex_exec',
    'session-id': thread.sessionId,
    'thread-id': thread.threadId,
    'x-client-request-id': thread.sessionId,
    'x-codex-window-id': `${thread.threadId}:0`,
    'x-codex-turn-metadata': JSON.stringify(metadata),
    ...(child
      ? { 'x-openai-subagent': 'collab_spawn', 'x-codex-parent-thread-id': thread.parentThreadId as string }
      : {}),
  };
}

export const SHELL_TOOL = {
  type: 'function',
  name: 'exec_command',
  description: 'Runs a shell command.',
  strict: false,
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] },
};

/** One streamed Responses request as Codex makes it; resolves with the SSE events once the stream ends. */
export async function codexTurn(
  baseUrl: string,
  thread: CodexThread,
  model: string,
  input: unknown[],
  effort = 'medium',
): Promise<Array<{ type: string; [key: string]: any }>> {
  const response = await fetch(`${baseUrl}/responses`, {
    method: 'POST',
    headers: codexHeaders(thread, model),
    body: JSON.stringify({
      model,
      stream: true,
      store: false,
      input,
      tools: [SHELL_TOOL],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort },
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: thread.sessionId,
    }),
  });
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream'))
    return [{ type: 'http_error', status: response.status, body: text }];
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as { type: string });
}

export const userMessage = (text: string) => ({
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text }],
});
