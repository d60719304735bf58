/**
 * The dashboard's run observer: turns the request path's calls into model updates, tells the push channel, and
 * keeps each finished request as a record, saved to the state store in batches (one transaction a second at most)
 * so the picture survives a restart. A watcher never throws into the request path.
 */
import type { RunDecision, RunEnd, RunObserver, RunStart, RunWatch } from '../observe/run-observer.ts';
import type { DashboardModel, RunRef } from './model.ts';

/**
 * What is kept of a finished request: its events. A text that may carry content (a decision naming tool content, an
 * error message quoting the request) is saved in both variants under PROXY_LOG_BODIES=1, and the one shown is chosen
 * at replay, so a later start without it shows no content; without it, only the variant without content is saved.
 */
export interface RunRecord {
  start: RunStart;
  /** When its first chunk streamed, and from which model. */
  streamed?: { at: number; model: string };
  decisions: RunDecision[];
  end: RunEnd;
}

export interface ObserverHooks {
  changed(): void;
  finished(record: RunRecord): void;
  /** Something went wrong in the dashboard itself (logged, never thrown). */
  failed(error: unknown): void;
}

/** The record as saved: without PROXY_LOG_BODIES=1, each text only as shown without content. */
export function savedRecord(record: RunRecord, showContent: boolean): RunRecord {
  if (showContent) return record;
  const { messageWithoutContent, ...end } = record.end;
  return {
    ...record,
    decisions: record.decisions.map((decision) => ({
      source: decision.source,
      text: decision.withoutContent ?? decision.text,
    })),
    end: { ...end, message: messageWithoutContent ?? end.message },
  };
}

export function replay(model: DashboardModel, record: RunRecord): void {
  const ref = model.start(record.start);
  if (record.streamed) model.state(ref, { phase: 'streaming', ...record.streamed });
  for (const decision of record.decisions) model.decision(ref, decision, record.end.at);
  model.end(ref, record.end);
}

export class DashboardObserver implements RunObserver {
  readonly #model: DashboardModel;
  readonly #hooks: ObserverHooks;
  readonly #showContent: boolean;

  constructor(model: DashboardModel, hooks: ObserverHooks, showContent: boolean) {
    this.#model = model;
    this.#hooks = hooks;
    this.#showContent = showContent;
  }

  onStart(start: RunStart): RunWatch {
    let ref: RunRef | undefined;
    const record: Omit<RunRecord, 'end'> = { start, decisions: [] };
    const guarded = (what: () => void) => {
      try {
        what();
        this.#hooks.changed();
      } catch (error) {
        this.#hooks.failed(error);
      }
    };
    guarded(() => {
      ref = this.#model.start(start);
    });
    return {
      onState: (state) =>
        guarded(() => {
          if (!ref) return;
          this.#model.state(ref, state);
          if (state.phase === 'streaming') record.streamed ??= { at: state.at, model: state.model };
        }),
      onDecision: (decision) =>
        guarded(() => {
          if (!ref) return;
          this.#model.decision(ref, decision, Date.now());
          record.decisions.push(decision);
        }),
      onEnd: (end) =>
        guarded(() => {
          if (!ref || ref.ended) return;
          this.#model.end(ref, end);
          this.#hooks.finished(savedRecord({ ...record, end }, this.#showContent));
        }),
    };
  }
}
