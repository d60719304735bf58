/**
 * The dashboard's picture of the bridge: Codex sessions, each a tree of threads (the root agent and the subagents
 * it spawned), fed by the run observer's typed events, plus the recent problems. Deterministic: every time comes
 * from an event. Bounded: old sessions, decisions and problems fall off. Changes are versioned so the push channel
 * sends only the sessions that changed since a subscriber's last message.
 */
import type {
  RunDecision,
  RunEnd,
  RunOutcome,
  RunStart,
  RunState,
  RunTokens,
} from '../observe/run-observer.ts';

export type ThreadState = RunState['phase'] | RunOutcome;

export interface ThreadView {
  id: string;
  /** The thread that spawned this one (`x-codex-parent-thread-id`); null for a root. */
  parentId: string | null;
  /** `x-openai-subagent` / `subagent_kind`, e.g. `collab_spawn` / `thread_spawn`; null for a root. */
  subagent: string | null;
  modelAsked: string;
  effort: string | null;
  servedModel: string | null;
  state: ThreadState;
  /** Why the last request ended incomplete or failed. */
  reason: string | null;
  /** Requests in flight now. */
  active: number;
  /** Requests (model turns) seen. */
  turns: number;
  toolCalls: number;
  tokens: RunTokens;
  /** Request start → first streamed chunk, of the latest request that streamed. */
  firstTokenMs: number | null;
  /** The latest decisions, oldest first, each as `<source>: <text>`. */
  decisions: string[];
  startedAt: number;
  updatedAt: number;
}

export interface SessionView {
  id: string;
  startedAt: number;
  updatedAt: number;
  active: number;
  threads: ThreadView[];
}

export interface ProblemView {
  at: number;
  sessionId: string;
  threadId: string;
  model: string;
  outcome: 'incomplete' | 'failed';
  reason: string;
  message: string | null;
  fix: string;
}

export interface ModelOptions {
  /** PROXY_LOG_BODIES=1: decisions are shown with the tool content they name. */
  showContent: boolean;
  /** The fix for an error code or incomplete reason (src/fixes.ts). */
  fixFor(code: string): string;
  maxSessions?: number;
  maxThreadsPerSession?: number;
  maxDecisions?: number;
  maxProblems?: number;
}

/** One request, as the model tracks it between its start and its end. */
export interface RunRef {
  readonly session: Session;
  readonly thread: Thread;
  readonly startedAt: number;
  /** Time to first token is the request's first stream (a guardrail re-ask streams again later). */
  streamed: boolean;
  ended: boolean;
}

interface Session extends SessionView {
  version: number;
  threadIndex: Map<string, Thread>;
}

type Thread = ThreadView;

/** Requests without Codex's headers (other clients) are grouped under these names. */
export const NO_SESSION = '(no session id)';

export interface Changes {
  version: number;
  sessions: SessionView[];
  removed: string[];
  problems: ProblemView[] | undefined;
}

const EMPTY_TOKENS: RunTokens = { input: 0, cached: 0, output: 0, reasoning: 0 };

export class DashboardModel {
  readonly #options: Required<ModelOptions>;
  readonly #sessions = new Map<string, Session>();
  readonly #removed: Array<{ id: string; version: number }> = [];
  #problems: ProblemView[] = [];
  #problemsVersion = 0;
  #version = 0;

  constructor(options: ModelOptions) {
    this.#options = {
      maxSessions: 20,
      maxThreadsPerSession: 60,
      maxDecisions: 12,
      maxProblems: 30,
      ...options,
    };
  }

  get version(): number {
    return this.#version;
  }

  start(run: RunStart): RunRef {
    const { origin } = run;
    const session = this.#session(origin.sessionId ?? NO_SESSION, run.startedAt);
    const threadId = origin.threadId ?? origin.sessionId ?? NO_SESSION;
    const thread = this.#thread(session, threadId, run);
    thread.modelAsked = run.modelAsked;
    thread.effort = run.effort ?? thread.effort;
    thread.state = 'queued';
    thread.reason = null;
    thread.active += 1;
    thread.turns += 1;
    thread.updatedAt = run.startedAt;
    session.active += 1;
    this.#touch(session, run.startedAt);
    return { session, thread, startedAt: run.startedAt, streamed: false, ended: false };
  }

  state(ref: RunRef, state: RunState): void {
    if (ref.ended) return;
    ref.thread.state = state.phase;
    ref.thread.servedModel = state.model;
    if (state.phase === 'streaming' && !ref.streamed) {
      ref.streamed = true;
      ref.thread.firstTokenMs = state.at - ref.startedAt;
    }
    ref.thread.updatedAt = state.at;
    this.#touch(ref.session, state.at);
  }

  decision(ref: RunRef, decision: RunDecision, at: number): void {
    const text = this.#shown(decision.text, decision.withoutContent);
    const decisions = ref.thread.decisions;
    decisions.push(`${decision.source}: ${text}`);
    if (decisions.length > this.#options.maxDecisions)
      decisions.splice(0, decisions.length - this.#options.maxDecisions);
    this.#touch(ref.session, at);
  }

  end(ref: RunRef, end: RunEnd): void {
    if (ref.ended) return;
    ref.ended = true;
    const { thread, session } = ref;
    thread.active = Math.max(0, thread.active - 1);
    session.active = Math.max(0, session.active - 1);
    thread.state = end.outcome;
    thread.reason = end.outcome === 'completed' ? null : (end.reason ?? null);
    if (end.servedModel) thread.servedModel = end.servedModel;
    thread.toolCalls += end.toolCalls;
    if (end.tokens) {
      thread.tokens = {
        input: thread.tokens.input + end.tokens.input,
        cached: thread.tokens.cached + end.tokens.cached,
        output: thread.tokens.output + end.tokens.output,
        reasoning: thread.tokens.reasoning + end.tokens.reasoning,
      };
    }
    thread.updatedAt = end.at;
    this.#touch(session, end.at);
    if (end.outcome === 'failed' || end.outcome === 'incomplete') this.#problem(ref, end);
  }

  sessions(): SessionView[] {
    return [...this.#sessions.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((session) => this.#view(session));
  }

  /** Session ids, most recently active first. */
  sessionOrder(): string[] {
    return [...this.#sessions.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((session) => session.id);
  }

  problems(): ProblemView[] {
    return [...this.#problems];
  }

  /** What changed after `version` (0: everything). */
  changesSince(version: number): Changes {
    const sessions = [...this.#sessions.values()]
      .filter((session) => session.version > version)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((session) => this.#view(session));
    const removed = this.#removed.filter((entry) => entry.version > version).map((entry) => entry.id);
    return {
      version: this.#version,
      sessions,
      removed,
      problems: this.#problemsVersion > version ? this.problems() : undefined,
    };
  }

  /** A text as shown: its variant without content, if it has one, unless PROXY_LOG_BODIES=1. */
  #shown(text: string, withoutContent: string | undefined): string {
    return this.#options.showContent || withoutContent === undefined ? text : withoutContent;
  }

  #view(session: Session): SessionView {
    return {
      id: session.id,
      startedAt: session.startedAt,
      updatedAt: session.updatedAt,
      active: session.active,
      threads: session.threads,
    };
  }

  #touch(session: Session, at: number): void {
    this.#version += 1;
    session.version = this.#version;
    session.updatedAt = Math.max(session.updatedAt, at);
  }

  #session(id: string, at: number): Session {
    let session = this.#sessions.get(id);
    if (!session) {
      session = {
        id,
        startedAt: at,
        updatedAt: at,
        active: 0,
        threads: [],
        version: 0,
        threadIndex: new Map(),
      };
      this.#sessions.set(id, session);
      this.#evictSessions(session);
    }
    return session;
  }

  #thread(session: Session, id: string, run: RunStart): Thread {
    let thread = session.threadIndex.get(id);
    if (!thread) {
      const { origin } = run;
      const parentId = origin.parentThreadId && origin.parentThreadId !== id ? origin.parentThreadId : null;
      thread = {
        id,
        parentId,
        subagent: origin.subagentKind ?? origin.subagent ?? (parentId ? 'subagent' : null),
        modelAsked: run.modelAsked,
        effort: run.effort ?? null,
        servedModel: null,
        state: 'queued',
        reason: null,
        active: 0,
        turns: 0,
        toolCalls: 0,
        tokens: EMPTY_TOKENS,
        firstTokenMs: null,
        decisions: [],
        startedAt: run.startedAt,
        updatedAt: run.startedAt,
      };
      session.threadIndex.set(id, thread);
      session.threads.push(thread);
      this.#evictThreads(session);
    }
    return thread;
  }

  /**
   * Over the limit, drops idle sessions, the one active longest ago first (a session with requests in flight, and
   * the one arriving, stay). Usually one over: one pass over the sessions, not a copy and a sort of them all for
   * each new session.
   */
  #evictSessions(arriving: Session): void {
    while (this.#sessions.size > this.#options.maxSessions) {
      const oldest = this.#longestIdle(arriving);
      if (!oldest) break;
      this.#sessions.delete(oldest.id);
      this.#version += 1;
      this.#removed.push({ id: oldest.id, version: this.#version });
    }
    if (this.#removed.length > 4 * this.#options.maxSessions)
      this.#removed.splice(0, this.#removed.length / 2);
  }

  /** The idle session active longest ago (the first of equals), other than `arriving`. */
  #longestIdle(arriving: Session): Session | undefined {
    let oldest: Session | undefined;
    for (const session of this.#sessions.values()) {
      if (session.active > 0 || session === arriving) continue;
      if (!oldest || session.updatedAt < oldest.updatedAt) oldest = session;
    }
    return oldest;
  }

  #evictThreads(session: Session): void {
    const excess = session.threads.length - this.#options.maxThreadsPerSession;
    if (excess <= 0) return;
    const idle = session.threads.filter((thread) => thread.active === 0).slice(0, excess);
    session.threads = session.threads.filter((thread) => !idle.includes(thread));
    for (const thread of idle) session.threadIndex.delete(thread.id);
  }

  #problem(ref: RunRef, end: RunEnd): void {
    const reason = end.reason ?? (end.outcome === 'failed' ? 'server_error' : 'unknown');
    this.#problems.unshift({
      at: end.at,
      sessionId: ref.session.id,
      threadId: ref.thread.id,
      model: end.servedModel ?? ref.thread.modelAsked,
      outcome: end.outcome as 'incomplete' | 'failed',
      reason,
      message: end.message === undefined ? null : this.#shown(end.message, end.messageWithoutContent),
      fix: this.#options.fixFor(reason),
    });
    if (this.#problems.length > this.#options.maxProblems) this.#problems.length = this.#options.maxProblems;
    this.#version += 1;
    this.#problemsVersion = this.#version;
  }
}
