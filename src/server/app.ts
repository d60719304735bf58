/**
 * The HTTP app: a Hono value, callable without a socket (`app.request(...)`, as src/server/security.test.ts does);
 * the integration tests serve it on a loopback port instead. Routes are served both under /v1 (Codex's
 * `base_url = ".../v1"`) and at the root.
 */
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import type { Dashboard } from '../dashboard/dashboard.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { asBridgeError, BridgeError, toOpenAIErrorBody } from '../errors.ts';
import { uniqueId } from '../ids.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { healthReport, modelsResponse } from './info-routes.ts';
import { discardBody } from './request-body.ts';
import { handleCreateResponse, handleGetResponse } from './responses-route.ts';
import { bearerAuth, hostGuard } from './security.ts';

type Env = { Variables: { requestId: string }; Bindings: Partial<HttpBindings> };

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function errorResponse(
  error: BridgeError,
  requestId: string | undefined,
  extraHeaders: Record<string, string> = {},
): Response {
  const headers: Record<string, string> = { ...extraHeaders };
  if (requestId) headers['x-request-id'] = requestId;
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return Response.json(toOpenAIErrorBody(error), { status: error.status, headers });
}

export function createApp(deps: BridgeDeps, apiKey: string, dashboard?: Dashboard): Hono<Env> {
  const app = new Hono<Env>();
  const { config, logger } = deps;

  app.onError((error, c) => {
    const bridgeError = asBridgeError(error);
    if (bridgeError.status >= 500 && !(error instanceof BridgeError)) {
      logger.error({ requestId: c.get('requestId'), err: error }, 'unhandled error');
    } else if (bridgeError.code === 'client_disconnected') {
      logger.info(
        { requestId: c.get('requestId'), status: 'client_disconnected' },
        'client left during upload',
      );
    }
    return errorResponse(bridgeError, c.get('requestId'));
  });

  app.notFound((c) =>
    errorResponse(
      new BridgeError({
        status: 404,
        code: 'unknown_url',
        message: `Invalid URL (${c.req.method} ${c.req.path}).`,
      }),
      c.get('requestId'),
    ),
  );

  app.use('*', async (c, next) => {
    await next();
    deps.metrics.httpRequests.inc({
      route: routePath(c),
      method: c.req.method,
      status: String(c.res.status),
    });
  });
  app.use('*', async (c, next) => {
    const presented = c.req.header('x-request-id');
    const requestId = presented && REQUEST_ID.test(presented) ? presented : uniqueId('req');
    c.set('requestId', requestId);
    // Set on Node's response when there is one: Hono's c.header() builds a web Headers object for every request
    // and copies it into the answer, which a streamed answer (written to Node's response) never needed.
    if (c.env?.outgoing) c.env.outgoing.setHeader('x-request-id', requestId);
    else c.header('x-request-id', requestId);
    await next();
  });
  app.use('*', hostGuard(config.server.host));

  app.get('/health', (c) => c.json(healthReport(deps)));
  app.get('/metrics', bearerAuth(apiKey), async (c) =>
    c.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.contentType }),
  );
  app.all('/metrics', (c) => methodNotAllowed(c.req.method, c.req.path, 'GET'));
  app.all('/health', (c) => methodNotAllowed(c.req.method, c.req.path, 'GET'));
  if (dashboard) app.route('/dashboard', dashboardRoutes(dashboard, bearerAuth(apiKey)));

  for (const prefix of ['/v1', '']) {
    app.use(`${prefix}/responses`, bearerAuth(apiKey));
    app.use(`${prefix}/responses/*`, bearerAuth(apiKey));
    app.use(`${prefix}/models`, bearerAuth(apiKey));
    app.use(
      `${prefix}/responses`,
      limitBody(config.server.maxBodyBytes, async (c) => {
        const tooLarge = new BridgeError({
          status: 413,
          code: 'request_too_large',
          message: `The request body exceeds the bridge's limit of ${config.server.maxBodyBytes} bytes (PROXY_MAX_BODY_BYTES).`,
        });
        // The client gets to finish its upload (within a bound) so that it reads this answer, not a reset.
        const declared = Number(c.req.header('content-length') ?? Number.NaN);
        const drained = await discardBody(
          c.req.raw.body,
          Number.isSafeInteger(declared) ? declared : undefined,
          2 * config.server.maxBodyBytes,
        );
        return errorResponse(tooLarge, c.get('requestId'), drained ? {} : { connection: 'close' });
      }),
    );
    app.post(`${prefix}/responses`, (c) =>
      handleCreateResponse(deps, c.req.raw, c.get('requestId'), c.env?.outgoing),
    );
    app.get(`${prefix}/responses/:id`, (c) => handleGetResponse(deps, c.req.param('id')));
    app.get(`${prefix}/models`, (c) =>
      c.json(modelsResponse(deps, { clientVersion: c.req.query('client_version') })),
    );
    app.all(`${prefix}/responses`, (c) => methodNotAllowed(c.req.method, c.req.path, 'POST'));
    app.all(`${prefix}/models`, (c) => methodNotAllowed(c.req.method, c.req.path, 'GET'));
  }
  return app;
}

/**
 * The body limit. A body that declares its length is judged by it, as Hono's bodyLimit judges it, but without
 * touching the body: Hono's middleware reads `c.req.raw.body`, which turns the request into a web Request with a
 * web stream on every call, where the route can otherwise read the body straight from the socket. A body without a
 * declared length (chunked) still goes through Hono's, which counts it as it reads.
 */
function limitBody(maxSize: number, onError: (c: Context<Env>) => Promise<Response>): MiddlewareHandler<Env> {
  const counting = bodyLimit({ maxSize, onError });
  return (c, next) => {
    const declared = c.req.header('content-length');
    const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    if (!hasBody || declared === undefined || c.req.header('transfer-encoding') !== undefined)
      return counting(c, next);
    return Number.parseInt(declared || '0', 10) > maxSize ? onError(c) : next();
  };
}

function methodNotAllowed(method: string, path: string, allowed: string): never {
  throw new BridgeError({
    status: 405,
    code: 'method_not_allowed',
    message: `${method} is not supported on ${path}; use ${allowed}.`,
  });
}
