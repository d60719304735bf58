/**
 * The worker's one listener for Ctrl-C, SIGTERM and SIGHUP, from before its first OpenCode run until its clean-up
 * is done. While it listens a signal never kills the worker: it is noted (the first one wins), handed to whoever
 * subscribed (a running OpenCode, which gets it forwarded), and cuts short a wait. Without it, a signal between two
 * OpenCode runs, or while oss-patch removes its worktree, would end the worker with nothing cleaned up.
 */

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** The exit code of a process ended by `signal`, as a shell reports it. */
export function signalExitCode(signal: ForwardedSignal): number {
  switch (signal) {
    case 'SIGHUP':
      return 129;
    case 'SIGINT':
      return 130;
    case 'SIGTERM':
      return 143;
    default: {
      const unknown: never = signal;
      throw new Error(`unknown signal ${String(unknown)}`);
    }
  }
}

export interface SignalLatch {
  /** The first signal received, if any. */
  readonly received: ForwardedSignal | undefined;
  /** Calls `listener` on each signal from now on, until the returned function is called. */
  subscribe(listener: (signal: ForwardedSignal) => void): () => void;
  /**
   * The first signal received, once any that arrived during synchronous work (a clean-up's git calls) has been
   * handled: Node runs a signal's listeners only when its event loop next polls, two turns from here at most.
   */
  receivedSoFar(): Promise<ForwardedSignal | undefined>;
  /** Waits `ms`, or less if a signal comes (or came): resolves to the signal, if any. */
  waitUnlessReceived(ms: number): Promise<ForwardedSignal | undefined>;
  /** Stops listening: a signal after this has its default effect again. */
  stop(): void;
}

export function signalLatch(): SignalLatch {
  let received: ForwardedSignal | undefined;
  const listeners = new Set<(signal: ForwardedSignal) => void>();
  const onSignal = (signal: ForwardedSignal) => {
    received ??= signal;
    for (const listener of [...listeners]) listener(signal);
  };
  const handlers = FORWARDED_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [name, handler] of handlers) process.on(name, handler);
  const subscribe = (listener: (signal: ForwardedSignal) => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  return {
    get received() {
      return received;
    },
    subscribe,
    async receivedSoFar() {
      for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      return received;
    },
    waitUnlessReceived(ms) {
      if (received) return Promise.resolve(received);
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          unsubscribe();
          resolve(received);
        };
        const timer = setTimeout(done, ms);
        const unsubscribe = subscribe(done);
      });
    },
    stop() {
      for (const [name, handler] of handlers) process.off(name, handler);
      listeners.clear();
    },
  };
}
