/**
 * Anthropic Messages wire types (docs/wire-protocols.md#anthropic-messages), as OpenCode Go serves MiniMax and Qwen on
 * `POST /messages`.
 */
import type { ThinkingBlock } from '../chat-types.ts';

export type ImageSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };

export type TextBlock = { type: 'text'; text: string };
export type ImageBlock = { type: 'image'; source: ImageSource };
export type ToolUseBlock = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };
export type ToolResultBlock = {
  type: 'tool_result';
  tool_use_id: string;
  content: string | Array<TextBlock | ImageBlock>;
  is_error?: boolean;
};

export type UserBlock = TextBlock | ImageBlock | ToolResultBlock;
export type AssistantBlock = ThinkingBlock | TextBlock | ToolUseBlock;

export type MessagesMessage =
  | { role: 'user'; content: UserBlock[] }
  | { role: 'assistant'; content: AssistantBlock[] };

export interface MessagesTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type MessagesToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: MessagesMessage[];
  system?: string;
  tools?: MessagesTool[];
  tool_choice?: MessagesToolChoice;
  temperature?: number;
  top_p?: number;
  stream: boolean;
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' };
}

export interface MessagesUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** A streamed event; only the fields the bridge reads are typed. */
export interface MessagesEvent {
  type: string;
  index?: number;
  message?: {
    id?: string;
    model?: string;
    usage?: MessagesUsage;
    content?: unknown[];
    stop_reason?: string | null;
  };
  content_block?: {
    type: string;
    text?: string;
    thinking?: string;
    signature?: string;
    data?: string;
    id?: string;
    name?: string;
    input?: unknown;
  };
  delta?: {
    type?: string;
    text?: string;
    thinking?: string;
    signature?: string;
    partial_json?: string;
    stop_reason?: string | null;
  };
  usage?: MessagesUsage;
  error?: { type?: string; message?: string };
}
