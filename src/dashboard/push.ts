/**
 * The push channel: Server-Sent Events to every open dashboard page. Changes are coalesced — at most one message
 * per `intervalMs`, whatever happens in between — and each message carries only what changed since the
 * subscriber's last one, as server-rendered HTML fragments: the sessions that changed (and those that left), the
 * problem list when it changed, the limits when they changed. A new subscriber gets everything once. Nothing runs
 * while nobody is subscribed. A page that stops reading (a suspended laptop, a stuck tab) is sent nothing until it
 * has read what it was sent; then one message carries everything it missed, so nothing piles up for it.
 */
import type { LimitsView } from './limits.ts';
import type { DashboardModel } from './model.ts';
import { domId, renderLimits, renderProblems, renderSession } from './render.ts';

export interface PushMessage {
  /** When the server's push tick that sent it began (ms since epoch); ticks are at least `intervalMs` apart. */
  sentAt: number;
  /** Session fragments, in display order (most recently active first) when `order` is set. */
  sessions: Array<{ id: string; domId: string; html: string }>;
  removed: string[];
  /** Every session's element id in display order. */
  order: string[];
  problems?: string;
  limits?: string;
}

export interface Subscriber {
  /** Writes one SSE message. */
  write(text: string): void;
  /** Whether the page has taken what it was sent; until it has, nothing more is written. */
  ready(): boolean;
  /** Ends the stream (the bridge is stopping). */
  end(): void;
}

export interface SubscriptionHandle {
  /** The page took what it was sent: what it missed meanwhile goes out with the next tick. */
  drained(): void;
  unsubscribe(): void;
}

interface Subscription {
  subscriber: Subscriber;
  /** What the page has been sent: the model's version and the limits as of its last message. */
  version: number;
  limitsHtml: string | undefined;
  /** A message was held back because the page was not ready. */
  behind: boolean;
}

export interface PushOptions {
  intervalMs: number;
  /** How often the limits are re-read while someone watches (usage, breakers, slots change without events). */
  limitsIntervalMs: number;
  /** Keeps idle connections open through anything that times them out. */
  keepAliveMs: number;
  readLimits(): LimitsView;
}

export function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function cpuMsSince(started: NodeJS.CpuUsage): number {
  const spent = process.threadCpuUsage(started);
  return (spent.user + spent.system) / 1000;
}

export class PushChannel {
  readonly #model: DashboardModel;
  readonly #options: PushOptions;
  readonly #subscriptions = new Set<Subscription>();
  #timer: NodeJS.Timeout | undefined;
  #limitsTimer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #lastSent = 0;
  #limitsHtml: string | undefined;
  #messagesSent = 0;
  #busyMs = 0;

  constructor(model: DashboardModel, options: PushOptions) {
    this.#model = model;
    this.#options = options;
  }

  get subscribers(): number {
    return this.#subscriptions.size;
  }

  /** Messages written so far (all subscribers), for tests and the benchmark. */
  get messagesSent(): number {
    return this.#messagesSent;
  }

  /** CPU time of this thread spent building and writing messages and reading limits, for the benchmark. */
  get busyMs(): number {
    return this.#busyMs;
  }

  subscribe(subscriber: Subscriber): SubscriptionHandle {
    const subscription: Subscription = { subscriber, version: 0, limitsHtml: undefined, behind: false };
    this.#subscriptions.add(subscription);
    if (this.#subscriptions.size === 1) this.#startTimers();
    this.#refreshLimits();
    this.#send(subscription, 'snapshot', Date.now());
    return {
      drained: () => {
        if (!subscription.behind || !this.#subscriptions.has(subscription)) return;
        subscription.behind = false;
        this.changed();
      },
      unsubscribe: () => {
        this.#subscriptions.delete(subscription);
        if (this.#subscriptions.size === 0) this.#stopTimers();
      },
    };
  }

  /** The model changed: a message goes out within `intervalMs` (one message for any number of changes). */
  changed(): void {
    if (this.#subscriptions.size === 0 || this.#timer) return;
    const wait = Math.max(0, this.#lastSent + this.#options.intervalMs - Date.now());
    this.#timer = setTimeout(() => this.#flush(), wait);
    this.#timer.unref();
  }

  /** Ends every subscriber's stream and stops the timers. */
  close(): void {
    this.#stopTimers();
    const ending = [...this.#subscriptions];
    this.#subscriptions.clear();
    for (const subscription of ending) subscription.subscriber.end();
  }

  #flush(): void {
    const started = process.threadCpuUsage();
    this.#timer = undefined;
    this.#lastSent = Date.now();
    for (const subscription of this.#subscriptions) this.#send(subscription, 'changes', this.#lastSent);
    this.#busyMs += cpuMsSince(started);
  }

  #send(subscription: Subscription, event: 'snapshot' | 'changes', tick: number): void {
    // Held back, not dropped: the page's version stays, so its next message carries what this one would have.
    if (!subscription.subscriber.ready()) {
      subscription.behind = true;
      return;
    }
    const changes = this.#model.changesSince(subscription.version);
    const limitsChanged = subscription.limitsHtml !== this.#limitsHtml;
    if (
      event === 'changes' &&
      changes.sessions.length === 0 &&
      changes.removed.length === 0 &&
      changes.problems === undefined &&
      !limitsChanged
    )
      return;
    const message: PushMessage = {
      sentAt: tick,
      sessions: changes.sessions.map((session) => ({
        id: session.id,
        domId: domId('s', session.id),
        html: renderSession(session),
      })),
      removed: changes.removed.map((id) => domId('s', id)),
      order: this.#model.sessionOrder().map((id) => domId('s', id)),
    };
    if (changes.problems !== undefined || event === 'snapshot')
      message.problems = renderProblems(this.#model.problems());
    if (limitsChanged && this.#limitsHtml !== undefined) message.limits = this.#limitsHtml;
    subscription.version = changes.version;
    subscription.limitsHtml = this.#limitsHtml;
    this.#messagesSent += 1;
    subscription.subscriber.write(sseMessage(event, message));
  }

  #refreshLimits(): void {
    // Rendered once per refresh for all subscribers; sent only to those whose copy differs.
    const started = process.threadCpuUsage();
    const html = renderLimits(this.#options.readLimits());
    this.#busyMs += cpuMsSince(started);
    if (html === this.#limitsHtml) return;
    this.#limitsHtml = html;
    this.changed();
  }

  #startTimers(): void {
    this.#limitsTimer = setInterval(() => this.#refreshLimits(), this.#options.limitsIntervalMs);
    this.#limitsTimer.unref();
    this.#keepAlive = setInterval(() => {
      for (const subscription of this.#subscriptions)
        if (subscription.subscriber.ready()) subscription.subscriber.write(': keep-alive\n\n');
    }, this.#options.keepAliveMs);
    this.#keepAlive.unref();
  }

  #stopTimers(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#limitsTimer);
    clearInterval(this.#keepAlive);
    this.#timer = undefined;
    this.#limitsTimer = undefined;
    this.#keepAlive = undefined;
  }
}
