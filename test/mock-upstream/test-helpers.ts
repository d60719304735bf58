// Small HTTP helpers shared by the mock's own tests: post a chat request, read SSE as it arrives.

import type { ChatRequestBody } from './chat-request.ts';
import type { MockUpstream } from './server.ts';

export const SESSION_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'x-opencode-session': 'session-under-test',
};

export function chatBody(overrides: Partial<ChatRequestBody> = {}): ChatRequestBody {
  return { model: 'glm-5.1', messages: [{ role: 'user', content: 'Say hello.' }], ...overrides };
}

export function streamingBody(overrides: Partial<ChatRequestBody> = {}): ChatRequestBody {
  return chatBody({ stream: true, stream_options: { include_usage: true }, ...overrides });
}

export function postChat(
  mock: MockUpstream,
  body: unknown,
  headers: Record<string, string> = SESSION_HEADERS,
  signal?: AbortSignal,
): Promise<Response> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${mock.baseUrl}/chat/completions`, { method: 'POST', headers, body: payload, signal });
}

export function jsonOf(response: Response): Promise<any> {
  return response.json();
}

export async function postChatForError(mock: MockUpstream, body: unknown, headers = SESSION_HEADERS) {
  const response = await postChat(mock, body, headers);
  return { status: response.status, body: (await response.json()) as unknown };
}

export interface SseEvent {
  data: string;
  receivedAt: number;
}

export interface SseRead {
  events: SseEvent[];
  /** Set when the body ended abruptly instead of closing cleanly. */
  error: unknown;
}

function dataOf(rawEvent: string): string | null {
  const lines = rawEvent.split('\n').filter((line) => line.startsWith('data:'));
  return lines.length > 0 ? lines.map((line) => line.slice(5).trimStart()).join('\n') : null;
}

export async function readSse(response: Response): Promise<SseRead> {
  const events: SseEvent[] = [];
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let boundary = buffer.indexOf('\n\n');
      while (boundary >= 0) {
        const data = dataOf(buffer.slice(0, boundary));
        if (data !== null) events.push({ data, receivedAt: performance.now() });
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
      }
    }
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}

export function jsonChunks(read: SseRead): any[] {
  return read.events.filter((event) => event.data !== '[DONE]').map((event) => JSON.parse(event.data));
}

export function assistantToolCalls(callIds: string[], extra: Record<string, unknown> = {}) {
  return {
    role: 'assistant',
    content: '',
    reasoning_content: 'I should run the tool.',
    tool_calls: callIds.map((id) => ({
      id,
      type: 'function',
      function: { name: 'shell', arguments: '{"cmd":"ls"}' },
    })),
    ...extra,
  };
}

export function toolResult(callId: string) {
  return { role: 'tool', tool_call_id: callId, content: 'file.txt' };
}

export function functionTool(name: string, parameters: unknown = { type: 'object', properties: {} }) {
  return { type: 'function', function: { name, description: `The ${name} tool.`, parameters } };
}

export const USER_TURN = { role: 'user', content: 'List the files.' };
