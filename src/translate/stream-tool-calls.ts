/**
 * The tool calls of the running upstream call, put together from Chat fragments. A fragment names its call by
 * `index`; some upstreams omit it, so then by id, else the latest call. Streamed as they come, a call becomes an
 * item at its first argument (so a name or id sent in pieces is complete by then), and calls still waiting for theirs
 * when a later call starts go out first, in order. Guarded responses hold their calls instead (stream-segments.ts).
 */
import type { ResponseEvent } from '../responses/output.ts';
import type { ChatToolCallDelta } from '../upstream/chat-types.ts';
import type { OutputItems } from './stream-item-events.ts';
import type { ToolCallState } from './stream-items.ts';

/** For the log: a call the upstream never named cannot be run, so it is dropped. */
export function namelessCallNote(call: ToolCallState): string {
  return `a tool call without a name was dropped (arguments: ${call.args.slice(0, 200)})`;
}

export class ChatToolCalls {
  readonly #calls = new Map<number, ToolCallState>();
  /** Calls that were waiting for their first argument when a later call started. */
  readonly #pendingOpen: ToolCallState[] = [];

  get size(): number {
    return this.#calls.size;
  }

  /** In the order they started. */
  values(): IterableIterator<ToolCallState> {
    return this.#calls.values();
  }

  /** A call is half-way: started but not yet closed as an item. */
  get hasUnfinishedCall(): boolean {
    return [...this.#calls.values()].some((call) => !call.done);
  }

  /** The next upstream call starts with no calls of its own. */
  clear(): void {
    this.#calls.clear();
    this.#pendingOpen.length = 0;
  }

  /** The call a fragment belongs to, started if it is new. */
  callFor(fragment: ChatToolCallDelta): ToolCallState {
    let chatIndex = fragment.index;
    if (chatIndex === undefined) {
      const byId = fragment.id
        ? [...this.#calls.values()].find((call) => call.callId === fragment.id)
        : undefined;
      const latest = [...this.#calls.values()].at(-1);
      chatIndex =
        byId?.chatIndex ??
        (fragment.id && latest?.callId && latest.callId !== fragment.id
          ? this.#calls.size
          : (latest?.chatIndex ?? 0));
    }
    let call = this.#calls.get(chatIndex);
    if (!call) {
      call = {
        kind: 'tool',
        chatIndex,
        index: undefined,
        id: '',
        callId: undefined,
        name: '',
        args: '',
        binding: undefined,
        status: 'completed',
        done: false,
      };
      for (const earlier of this.#calls.values()) {
        if (earlier.index === undefined && earlier.name) this.#pendingOpen.push(earlier);
      }
      this.#calls.set(chatIndex, call);
    }
    return call;
  }

  /** The calls to open before anything of the current fragment's call is sent. */
  takePendingOpens(): ToolCallState[] {
    return this.#pendingOpen.splice(0);
  }

  /** Streams a fragment to the client: the call's item opens at its first argument, then arguments follow. */
  stream(fragment: ChatToolCallDelta, items: OutputItems, events: ResponseEvent[]): void {
    const call = this.callFor(fragment);
    for (const earlier of this.takePendingOpens()) items.openToolCall(earlier, events);
    if (fragment.id && !call.callId) call.callId = fragment.id;
    if (fragment.function?.name && !call.binding) call.name += fragment.function.name;
    const args = fragment.function?.arguments ?? '';
    call.args += args;
    if (call.index === undefined) {
      if (call.name && call.args) items.openToolCall(call, events);
      return;
    }
    if (args) items.appendArguments(call, args, events);
  }
}
