/**
 * Wires the pieces together and listens: state store, secrets, catalog, HTTP app. Used by the CLI, the tests and
 * the benchmarks alike.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config.ts';
import { createDashboard, type Dashboard } from '../dashboard/dashboard.ts';
import type { Logger } from '../logger.ts';
import { createModelCatalog } from '../models/catalog.ts';
import { BridgeMetrics } from '../observability/metrics.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { createRequestListener } from '../server/listener.ts';
import { loadOrCreateLocalToken, loadOrCreateReasoningKey } from '../state/secrets.ts';
import { openStore } from '../state/store.ts';
import { createReasoningCarrier } from '../translate/reasoning-carrier.ts';
import { BreakerRegistry } from '../upstream/resilience/circuit-breaker.ts';
import { ConcurrencyLimiter } from '../upstream/resilience/limiter.ts';
import { VERSION } from '../version.ts';

export interface RunningBridge {
  url: string;
  port: number;
  /** The key clients must send. */
  apiKey: string;
  /** Where the generated local token lives, when no PROXY_API_KEY/LITELLM_MASTER_KEY was configured. */
  tokenFile: string | undefined;
  deps: BridgeDeps;
  /** The Node HTTP server (its timeouts are part of the contract with clients). */
  server: Server;
  /** The live dashboard (GET /dashboard) and its push channel. */
  dashboard: Dashboard;
  /** Random id of this run; GET /health reports it. */
  instanceId: string;
  /**
   * Graceful stop: stops accepting connections, lets in-flight requests (streams included) finish for up to
   * `deadlineMs`, then closes. Resolves to the number of requests that were still open at the deadline.
   */
  drain(deadlineMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Defaults to a random UUID; `codex-oss start` passes its own so it can recognise the process later. */
  instanceId?: string;
}

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
/**
 * How long an idle keep-alive connection stays open. Codex's HTTP client (reqwest) keeps idle connections for 90 s
 * and does not read the `Keep-Alive: timeout` hint; a server that closes first (Node's default is 5 s) races the
 * client reusing the socket, and that request dies with ECONNRESET. Longer than 90 s, the client always closes
 * first (docs/http-connections.md).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;
/**
 * How long a client may take to send a request's headers. It does not apply to an idle keep-alive connection (only
 * once a request's first bytes arrive), so it stays short to bound slow-header clients.
 */
export const HEADERS_TIMEOUT_MS = 60_000;
/** How long streams cut at a drain deadline get to write their terminal event before their connections close. */
const SHUTDOWN_GRACE_MS = 1000;

export async function startBridge(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningBridge> {
  const instance = { id: options.instanceId ?? randomUUID(), startedAt: Date.now() };
  const catalog = createModelCatalog(config.modelMap);
  const knownModels = catalog.list().flatMap((model) => [model.id, model.upstreamModel]);
  const store = openStore(config.state.dbPath, {
    ...config.state,
    knownModels,
    // Replay and usage rows are written behind the responses (src/state/store.ts); close() writes what is left.
    onWriteError: (error) => logger.error({ err: error }, 'failed to save state'),
  });
  store.prune();
  const pruneTimer = setInterval(() => {
    try {
      store.prune();
    } catch (error) {
      // A busy or full database must not take the bridge down; the next prune tries again.
      logger.warn({ err: error }, 'state prune failed');
    }
  }, PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  const localToken = config.proxyApiKey ? undefined : loadOrCreateLocalToken(config.state.dir);
  const apiKey = config.proxyApiKey ?? (localToken?.token as string);
  const limiter = new ConcurrencyLimiter({
    globalCap: config.resilience.concurrency.global,
    modelCaps: config.resilience.concurrency.perModel,
    maxQueueLength: config.resilience.concurrency.queueMax,
    maxWaitMs: config.resilience.concurrency.queueTimeoutSeconds * 1000,
  });
  const breakers = new BreakerRegistry(
    config.resilience.breaker.errors,
    config.resilience.breaker.cooldownSeconds * 1000,
    knownModels,
  );
  const shutdown = new AbortController();
  const dashboard = createDashboard({ config, catalog, store, limiter, breakers, logger }, VERSION);
  const deps: BridgeDeps = {
    shutdown: shutdown.signal,
    config,
    catalog,
    store,
    carrier: createReasoningCarrier(loadOrCreateReasoningKey(config.state.dir)),
    logger,
    upstreamClient: {
      baseUrl: config.upstream.baseUrl,
      apiKey: config.upstream.apiKey,
      userAgent: `opencode-bridge/${VERSION}`,
    },
    limiter,
    breakers,
    metrics: new BridgeMetrics({ limiter, breakers }, knownModels),
    observer: dashboard.observer,
    instance,
  };
  const server = createServer(
    { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS },
    createRequestListener(deps, apiKey, dashboard),
  );
  server.listen(config.server.port, config.server.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    // Not listening (port taken, no permission): release what was opened, so a caller may try again.
    clearInterval(pruneTimer);
    store.close();
    throw error;
  }
  const openResponses = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_request, response: ServerResponse) => {
    // While draining, answers close their connection so keep-alive clients reconnect elsewhere.
    if (draining) response.shouldKeepAlive = false;
    openResponses.add(response);
    response.once('close', () => openResponses.delete(response));
  });
  let stoppedListening: Promise<void> | undefined;
  const stopListening = () => {
    stoppedListening ??= new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const { port } = server.address() as AddressInfo;
  dashboard.listeningOn(port);
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(pruneTimer);
      stopListening();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await stoppedListening;
      // Bookkeeping that streams ending just now put off to the end of the loop's turn (src/server/sse-sink.ts)
      // still finds the store open.
      await new Promise((resolve) => setImmediate(resolve));
      dashboard.close();
      store.close();
    })();
    return closing;
  };
  /** Resolves once every response has closed, or when `ms` have passed. */
  const responsesClosed = async (ms: number, pollMs: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while (openResponses.size > 0 && Date.now() < deadline) await sleep(pollMs);
  };
  const drain = async (deadlineMs: number): Promise<number> => {
    draining = true;
    stopListening();
    dashboard.push.close(); // open pages are not requests to wait for: their streams end now
    await responsesClosed(deadlineMs, 50);
    const cutOff = openResponses.size;
    if (cutOff > 0) {
      // Streams still open get a terminal response.failed (bridge_shutting_down) before their connection closes.
      shutdown.abort();
      await responsesClosed(SHUTDOWN_GRACE_MS, 10);
    }
    await close();
    return cutOff;
  };
  return {
    url,
    port,
    apiKey,
    tokenFile: localToken?.file,
    deps,
    server,
    dashboard,
    instanceId: instance.id,
    drain,
    close,
  };
}
