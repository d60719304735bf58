/**
 * Upstream token usage → Responses usage. Codex reads it to decide when to compact, so it is reported exactly as
 * the upstream counted it; when the upstream sent none, none is reported (never a made-up zero). Where each upstream
 * puts it: docs/wire-protocols.md#usage-placement. A response made of several upstream calls adds their usage up in a
 * UsageTally: once as Codex reads it, once as billed.
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

/** Tokens of several upstream calls, all added up: what was billed. */
export function summedUsage(a: ResponseUsage | null, b: ResponseUsage | null): ResponseUsage | null {
  if (!a || !b) return a ?? b;
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    input_tokens_details: {
      cached_tokens: a.input_tokens_details.cached_tokens + b.input_tokens_details.cached_tokens,
    },
    output_tokens: a.output_tokens + b.output_tokens,
    output_tokens_details: {
      reasoning_tokens: a.output_tokens_details.reasoning_tokens + b.output_tokens_details.reasoning_tokens,
    },
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/**
 * Usage of a response made of several upstream calls (a guardrail re-asked the model). Codex reads `input_tokens`
 * as the size of the context and `total_tokens` for its compaction threshold, so input is the later call's (which
 * already contains the earlier one's context), while output and reasoning tokens add up.
 */
export function continuedUsage(
  earlier: ResponseUsage | null,
  later: ResponseUsage | null,
): ResponseUsage | null {
  if (!earlier || !later) return earlier ?? later;
  const outputTokens = earlier.output_tokens + later.output_tokens;
  return {
    input_tokens: later.input_tokens,
    input_tokens_details: { cached_tokens: later.input_tokens_details.cached_tokens },
    output_tokens: outputTokens,
    output_tokens_details: {
      reasoning_tokens:
        earlier.output_tokens_details.reasoning_tokens + later.output_tokens_details.reasoning_tokens,
    },
    total_tokens: later.input_tokens + outputTokens,
  };
}

/**
 * One response's usage across its upstream calls: the call streaming now, earlier calls this response continues
 * (guardrail re-asks), and everything billed, calls abandoned before any output (retries, fallbacks) included.
 */
export class UsageTally {
  #current: ResponseUsage | null = null;
  #continued: ResponseUsage | null = null;
  #billedBefore: ResponseUsage | null = null;

  /** The running call reported its usage (the latest report wins). */
  record(usage: ResponseUsage): void {
    this.#current = usage;
  }

  /** The running call was given up before any output: billed, but not part of the response. */
  abandonCall(): void {
    this.#billedBefore = summedUsage(this.#billedBefore, this.#current);
    this.#current = null;
  }

  /** Another call continues this response: the running call's usage becomes part of it. */
  continueResponse(): void {
    this.#continued = continuedUsage(this.#continued, this.#current);
    this.#billedBefore = summedUsage(this.#billedBefore, this.#current);
    this.#current = null;
  }

  /** The response's `usage`, as Codex reads it (see continuedUsage). */
  get reported(): ResponseUsage | null {
    return continuedUsage(this.#continued, this.#current);
  }

  /** Every call's tokens added up: what was billed. */
  get billed(): ResponseUsage | null {
    return summedUsage(this.#billedBefore, this.#current);
  }
}
