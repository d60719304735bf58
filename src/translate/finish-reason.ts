/**
 * Chat `finish_reason` → how the Responses stream ends (docs/wire-protocols.md#finish-reasons).
 */
export type StreamOutcome =
  | { status: 'completed' }
  | { status: 'incomplete'; reason: 'max_output_tokens' | 'content_filter' }
  | { status: 'failed'; code: string; message: string };

export function outcomeOfFinishReason(finishReason: string | null | undefined): StreamOutcome {
  switch (finishReason) {
    case 'length':
      return { status: 'incomplete', reason: 'max_output_tokens' };
    case 'content_filter':
    case 'sensitive':
      return { status: 'incomplete', reason: 'content_filter' };
    case 'insufficient_system_resource':
      // DeepSeek ends a generation early this way when it is overloaded.
      return {
        status: 'failed',
        code: 'server_error',
        message: 'The upstream model stopped early: insufficient system resource. Try again.',
      };
    default:
      return { status: 'completed' };
  }
}
