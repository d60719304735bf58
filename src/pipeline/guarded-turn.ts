/**
 * The guardrails' side of one run: what to do each time a guarded upstream call ends — pass its tool calls on
 * (minus duplicates and calls over the cap), re-ask the model once with a note, or end the response incomplete with
 * the reason — and the decisions made, for the log line, the response metadata and the run's watcher.
 */
import type { GuardrailPlan } from '../guardrails/plan.ts';
import { decideSegment } from '../guardrails/segment.ts';
import { exactOutputCheck } from '../modes/exact-output.ts';
import type { RunWatch } from '../observe/run-observer.ts';
import type { InputItem } from '../responses/input-items.ts';
import { metadataValue, type ResponseEvent } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import { collectTools } from '../translate/request.ts';
import type { ChatToResponsesTranslator } from '../translate/stream.ts';

export interface GuardedTurnParams {
  guardrails: GuardrailPlan;
  request: ResponsesRequest;
  /** no_tool_exact's required answer (src/modes), checked before the guardrails' own rules. */
  exactOutput: string | undefined;
  /** STRIP_TOOLS: no call offers the model tools. */
  stripTools: boolean;
  watch: RunWatch;
}

/** After a segment: the events to send, and whether the model is asked again (with these items appended). */
export type SegmentOutcome =
  | { events: ResponseEvent[]; reask: undefined }
  | { events: ResponseEvent[]; reask: InputItem[] };

export class GuardedTurn {
  readonly #params: GuardedTurnParams;
  readonly #decisions: string[] = [];
  #reasked = false;

  constructor(params: GuardedTurnParams) {
    this.#params = params;
  }

  get active(): boolean {
    return this.#params.guardrails.active;
  }

  get decisions(): readonly string[] {
    return this.#decisions;
  }

  /** A guardrail decision: in the log line, the response metadata, and (live) for the run's watcher. */
  decide(text: string, withoutContent?: string): void {
    this.#decisions.push(text);
    this.#params.watch.onDecision({ source: 'guardrail', text, withoutContent });
  }

  /** A guarded upstream call ended: its segment's calls are released, re-asked about, or the response ends. */
  afterSegment(translator: ChatToResponsesTranslator, items: readonly InputItem[]): SegmentOutcome {
    const segment = translator.segmentEnd();
    // Cut short: any call may be truncated, so none runs; the response ends incomplete or failed as the upstream said.
    if (segment.cutShort) {
      const { finishReason, withheldCalls } = segment.cutShort;
      this.decide(
        `turn cut short by the upstream (finish_reason ${finishReason}): ${withheldCalls} tool call(s) not forwarded`,
      );
      this.#showDecisions(translator);
      return { events: [...segment.events, ...translator.finish()], reask: undefined };
    }
    const exact = this.#params.exactOutput;
    const decision = decideSegment(segment, this.#params.guardrails.response, this.#reasked, {
      answerCheck: exact === undefined ? undefined : exactOutputCheck(exact),
      noTools: this.#offersNoTools(items),
    });
    switch (decision.kind) {
      case 'finish': {
        for (const dropped of decision.dropped)
          this.decide(`not forwarded: ${dropped}`, 'not forwarded: a duplicate or over-cap tool call');
        const released = translator.releaseCalls(decision.release);
        this.#showDecisions(translator);
        return { events: [...segment.events, ...released, ...translator.finish()], reask: undefined };
      }
      case 'reask':
        this.#reasked = true;
        this.decide(decision.why);
        return { events: segment.events, reask: decision.append };
      case 'incomplete':
        this.decide(decision.why);
        this.#showDecisions(translator);
        return { events: [...segment.events, ...translator.incomplete(decision.reason)], reask: undefined };
    }
  }

  #offersNoTools(items: readonly InputItem[]): boolean {
    return (
      this.#params.guardrails.request.withdrawTools ||
      this.#params.stripTools ||
      collectTools(this.#params.request, items).length === 0
    );
  }

  /** What the guardrails decided, in the terminal response's metadata as well as in the log line. */
  #showDecisions(translator: ChatToResponsesTranslator): void {
    if (this.#decisions.length > 0)
      translator.addMetadata({ opencode_bridge_guardrails: metadataValue(this.#decisions.join(' | ')) });
  }
}
