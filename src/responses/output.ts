/**
 * Responses API output items, the Response object and the streaming events the bridge emits
 * (docs/wire-protocols.md#output-items, docs/wire-protocols.md#event-order).
 */

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: [];
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type OutputItem =
  | {
      type: 'reasoning';
      id: string;
      summary: { type: 'summary_text'; text: string }[];
      content: { type: 'reasoning_text'; text: string }[];
      encrypted_content: string | null;
      status?: ItemStatus;
    }
  | { type: 'message'; id: string; role: 'assistant'; status: ItemStatus; content: OutputText[] }
  | {
      type: 'function_call';
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: ItemStatus;
      namespace?: string;
    }
  | {
      type: 'custom_tool_call';
      id: string;
      call_id: string;
      name: string;
      input: string;
      status: ItemStatus;
      namespace?: string;
    }
  | {
      /** Codex runs the search and sends the result back as a `tool_search_output` input item. */
      type: 'tool_search_call';
      id: string;
      call_id: string;
      status: ItemStatus;
      execution: 'client';
      arguments: Record<string, unknown>;
    }
  | {
      type: 'local_shell_call';
      id: string;
      call_id: string;
      status: ItemStatus;
      action: {
        type: 'exec';
        command: string[];
        env: Record<string, string>;
        working_directory?: string;
        timeout_ms?: number;
      };
    };

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Response metadata values are short strings (OpenAI caps them at 512 characters); longer text is cut. */
export function metadataValue(text: string): string {
  return text.length > 512 ? `${text.slice(0, 511)}…` : text;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  model: string;
  output: OutputItem[];
  usage: ResponseUsage | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  metadata: Record<string, unknown>;
  parallel_tool_calls: boolean;
  tool_choice: unknown;
  tools: unknown[];
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  previous_response_id: string | null;
  store: boolean;
  text: { format: { type: string } };
}

type Indexed = { output_index: number; item_id: string };

export type ResponseEventBody =
  | { type: 'response.created' | 'response.in_progress'; response: ResponseObject }
  | { type: 'response.completed' | 'response.incomplete' | 'response.failed'; response: ResponseObject }
  | {
      type: 'response.output_item.added' | 'response.output_item.done';
      output_index: number;
      item: OutputItem;
    }
  | ({
      type: 'response.content_part.added' | 'response.content_part.done';
      content_index: number;
    } & Indexed & {
        part: OutputText | { type: 'reasoning_text'; text: string };
      })
  | ({ type: 'response.output_text.delta'; content_index: number; delta: string; logprobs: [] } & Indexed)
  | ({ type: 'response.output_text.done'; content_index: number; text: string; logprobs: [] } & Indexed)
  | ({ type: 'response.reasoning_text.delta'; content_index: number; delta: string } & Indexed)
  | ({ type: 'response.reasoning_text.done'; content_index: number; text: string } & Indexed)
  | ({ type: 'response.function_call_arguments.delta'; delta: string } & Indexed)
  | ({ type: 'response.function_call_arguments.done'; arguments: string } & Indexed)
  | ({ type: 'response.custom_tool_call_input.delta'; delta: string } & Indexed)
  | ({ type: 'response.custom_tool_call_input.done'; input: string } & Indexed);

export type ResponseEvent = ResponseEventBody & { sequence_number: number };
