/**
 * Chat Completions wire types, as sent to and received from OpenAI-compatible upstreams. `reasoning_content` is
 * not in OpenAI's types but is what DeepSeek, Kimi, GLM and Qwen use (docs/wire-protocols.md#chat-stream-chunks).
 */

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A signed thinking block, replayed unchanged to Anthropic-format upstreams (never sent on the Chat wire). */
export type ThinkingBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: ChatToolCall[];
      reasoning_content?: string;
      /** Internal: only set when the profile replays into thinking blocks (Anthropic wire). */
      thinking_blocks?: ThinkingBlock[];
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type ChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  response_format?: { type: 'json_object' } | { type: 'json_schema'; json_schema: Record<string, unknown> };
  prompt_cache_key?: string;
  /** Family-specific fields from the model profile (`reasoning_effort`, `thinking`, `enable_thinking`). */
  [extra: string]: unknown;
}

export interface ChatToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string;
  function?: { name?: string | null; arguments?: string | null };
}

export interface ChatDelta {
  role?: string | null;
  content?: string | null;
  reasoning_content?: string | null;
  /** Internal (Anthropic wire): the signature of the thinking block being streamed. */
  reasoning_signature?: string | null;
  /** Internal (Anthropic wire): an encrypted `redacted_thinking` block, replayed as is. */
  reasoning_redacted?: string | null;
  reasoning?: string | null;
  reasoning_details?: Array<{ type?: string; text?: string }> | null;
  refusal?: string | null;
  tool_calls?: ChatToolCallDelta[] | null;
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek's own cache counters. */
  prompt_cache_hit_tokens?: number;
}

export interface ChatChoiceChunk {
  index?: number;
  delta?: ChatDelta | null;
  /** Non-streaming completions carry `message` instead of `delta`. */
  message?: ChatDelta | null;
  finish_reason?: string | null;
  /** Some upstreams (Moonshot) put usage inside the choice. */
  usage?: ChatUsage | null;
}

export interface ChatChunk {
  id?: string;
  object?: string;
  model?: string;
  choices?: ChatChoiceChunk[] | null;
  usage?: ChatUsage | null;
  /** Some upstreams send an error object inside a 200 stream. */
  error?: unknown;
}
