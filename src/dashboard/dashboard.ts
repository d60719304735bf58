/**
 * The dashboard, assembled: the model, the observer the request path reports to, the push channel, login, and the
 * history kept in the state store. Created once at start (src/runtime/start.ts); the HTTP app mounts its routes.
 */
import type { Config } from '../config.ts';
import { type BridgePlace, fixFor, PROJECT_ENV_FILE, PROJECT_LOG_FILE } from '../fixes.ts';
import type { Logger } from '../logger.ts';
import type { ModelCatalog } from '../models/catalog.ts';
import type { RunObserver } from '../observe/run-observer.ts';
import type { BridgeStore } from '../state/store.ts';
import type { BreakerRegistry } from '../upstream/resilience/circuit-breaker.ts';
import type { ConcurrencyLimiter } from '../upstream/resilience/limiter.ts';
import { DashboardAuth } from './auth.ts';
import { readLimits } from './limits.ts';
import { DashboardModel } from './model.ts';
import { DashboardObserver, type RunRecord, replay } from './observer.ts';
import { PushChannel } from './push.ts';

export interface DashboardSources {
  config: Config;
  catalog: ModelCatalog;
  store: BridgeStore;
  limiter: ConcurrencyLimiter;
  breakers: BreakerRegistry;
  logger: Logger;
}

/** How many finished requests are replayed from the store at start. */
const HISTORY_REPLAYED = 1000;
const SAVE_EVERY_MS = 1000;
export const PUSH_INTERVAL_MS = 500;

export interface Dashboard {
  readonly model: DashboardModel;
  readonly observer: RunObserver;
  readonly push: PushChannel;
  readonly auth: DashboardAuth;
  readonly showContent: boolean;
  readonly version: string;
  /** The port the bridge listens on (cookie names and fixes carry it). */
  readonly port: number;
  limits(): ReturnType<typeof readLimits>;
  /** Sets the port fixes name (known once the bridge listens). */
  listeningOn(port: number): void;
  /** Saves what is pending and stops the timers. */
  close(): void;
}

function parseRecord(text: string): RunRecord | undefined {
  try {
    const record = JSON.parse(text) as RunRecord;
    return record?.start?.origin && record.end?.outcome ? record : undefined;
  } catch {
    return undefined;
  }
}

export function createDashboard(sources: DashboardSources, version: string): Dashboard {
  const { config, store, logger } = sources;
  const place: BridgePlace = {
    port: config.server.port,
    envFile: PROJECT_ENV_FILE,
    logFile: config.logPath ?? PROJECT_LOG_FILE,
  };
  const showContent = config.logBodies;
  const model = new DashboardModel({ showContent, fixFor: (code) => fixFor(code, place) });
  for (const text of store.recentDashboardRuns(HISTORY_REPLAYED)) {
    const record = parseRecord(text);
    if (record) replay(model, record);
  }
  const limits = () => readLimits(sources);
  const push = new PushChannel(model, {
    intervalMs: PUSH_INTERVAL_MS,
    limitsIntervalMs: 1000,
    keepAliveMs: 20_000,
    readLimits: limits,
  });

  let pending: RunRecord[] = [];
  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    saveTimer = undefined;
    const batch = pending;
    pending = [];
    try {
      store.saveDashboardRuns(
        batch.map((record) => ({ endedAt: record.end.at, record: JSON.stringify(record) })),
      );
    } catch (error) {
      logger.warn({ err: error }, 'dashboard: could not save finished requests');
    }
  };
  const observer = new DashboardObserver(
    model,
    {
      changed: () => push.changed(),
      finished: (record) => {
        pending.push(record);
        if (!saveTimer) {
          saveTimer = setTimeout(save, SAVE_EVERY_MS);
          saveTimer.unref();
        }
      },
      failed: (error) => logger.warn({ err: error }, 'dashboard: observer failed'),
    },
    showContent,
  );
  return {
    model,
    observer,
    push,
    auth: new DashboardAuth(),
    showContent,
    version,
    limits,
    get port() {
      return place.port;
    },
    listeningOn(port) {
      place.port = port;
    },
    close() {
      clearTimeout(saveTimer);
      save();
      push.close();
    },
  };
}
