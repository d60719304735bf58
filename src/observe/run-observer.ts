/**
 * What the request path tells whoever watches it (the dashboard, src/dashboard/), as typed data. The request path
 * knows only this interface: `onStart` once per Responses request, then a handle for the rest of that request's
 * life — its state changes, the decisions the bridge made, and its end. Nothing here is called per chunk.
 * Observers must be cheap and must not throw (a watcher never takes a request down).
 */

/** Who sent a request, from the headers every Codex request carries (see docs/codex-headers.md). */
export interface CodexOrigin {
  /** `session-id`: the root session; subagents keep their root's. */
  sessionId: string | undefined;
  /** `thread-id`: this agent's own thread (equal to the session id for the root). */
  threadId: string | undefined;
  /** `x-codex-parent-thread-id`: the thread that spawned this one. */
  parentThreadId: string | undefined;
  /** `x-openai-subagent`, e.g. `collab_spawn`. */
  subagent: string | undefined;
  /** From `x-codex-turn-metadata`: `subagent_kind` (e.g. `thread_spawn`). */
  subagentKind: string | undefined;
  /** From `x-codex-turn-metadata`: the user turn this request belongs to. */
  turnId: string | undefined;
}

export interface RunStart {
  requestId: string;
  startedAt: number;
  /** The model the client asked for (a role's model for a spawned agent). */
  modelAsked: string;
  /** `reasoning.effort` of the request (a role's `model_reasoning_effort`). */
  effort: string | undefined;
  origin: CodexOrigin;
}

/** Where a request is now; `model` is the upstream model it waits for or streams from. */
export type RunState =
  | { phase: 'queued'; model: string; at: number }
  | { phase: 'waiting_upstream'; model: string; at: number }
  | { phase: 'streaming'; model: string; at: number };

/** A decision the bridge made about a request: the same text its log line carries. */
export interface RunDecision {
  source: 'route' | 'mode' | 'guardrail' | 'attempt';
  text: string;
  /** The same decision without tool content, when `text` carries some (shown unless PROXY_LOG_BODIES=1). */
  withoutContent?: string;
}

export interface RunTokens {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

export type RunOutcome = 'completed' | 'incomplete' | 'failed' | 'client_disconnected';

export interface RunEnd {
  outcome: RunOutcome;
  at: number;
  /** The model that answered (the upstream model, a fallback's, or `opencode-bridge/…` for a bridge turn). */
  servedModel: string | undefined;
  /** An incomplete response's reason, or the error code of a failed one. */
  reason: string | undefined;
  /** A failed response's error message (never model output; the upstream's words in it may quote the request). */
  message: string | undefined;
  /**
   * The same message with the upstream's words redacted as the log redacts them, when it carries some (shown
   * unless PROXY_LOG_BODIES=1).
   */
  messageWithoutContent?: string;
  tokens: RunTokens | undefined;
  /** Tool calls handed to the client in this response. */
  toolCalls: number;
}

export interface RunWatch {
  onState(state: RunState): void;
  onDecision(decision: RunDecision): void;
  /** The first call wins; later ones are ignored (every exit path may report). */
  onEnd(end: RunEnd): void;
}

export interface RunObserver {
  onStart(start: RunStart): RunWatch;
}
