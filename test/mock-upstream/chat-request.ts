// The Chat Completions request as the mock sees it after validation. Fields stay loose on purpose:
// the validator is what proves their shape, and handlers may read provider-specific extras.

export interface ChatToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  reasoning_content?: string | null;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  name?: string;
  [field: string]: unknown;
}

export interface ChatTool {
  type: string;
  function?: { name: string; description?: string; parameters?: unknown; strict?: boolean | null };
  [field: string]: unknown;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [field: string]: unknown };
  tools?: ChatTool[];
  tool_choice?: unknown;
  temperature?: number;
  thinking?: { type?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export function wantsUsageChunk(request: ChatRequestBody): boolean {
  return request.stream_options?.include_usage === true;
}

export function isThinkingDisabled(request: ChatRequestBody): boolean {
  return request.thinking?.type === 'disabled';
}

export function countToolCallsInHistory(request: ChatRequestBody): number {
  return request.messages.reduce((count, message) => count + (message.tool_calls?.length ?? 0), 0);
}
