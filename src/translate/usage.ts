/**
 * Upstream token usage → Responses usage. Codex reads it to decide when to compact, so it is reported exactly as
 * the upstream counted it; when the upstream sent none, none is reported (never a made-up zero). Where each upstream
 * puts it: docs/wire-protocols.md#usage-placement.
 */
import type { ResponseUsage } from '../responses/output.ts';
import type { ChatUsage } from '../upstream/chat-types.ts';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0;
}

export function toResponsesUsage(usage: ChatUsage): ResponseUsage {
  const input = count(usage.prompt_tokens);
  const output = count(usage.completion_tokens);
  const cached = count(usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: Math.min(cached, input) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: count(usage.completion_tokens_details?.reasoning_tokens) },
    total_tokens: count(usage.total_tokens) || input + output,
  };
}

export function hasUsageCounts(usage: ChatUsage | null | undefined): usage is ChatUsage {
  return !!usage && (typeof usage.prompt_tokens === 'number' || typeof usage.completion_tokens === 'number');
}
