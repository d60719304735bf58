/**
 * The HTTP app for every route but POST /v1/responses (src/server/create-response.ts serves that one on Node's own
 * objects; src/server/listener.ts sends each request to one or the other): a Hono value, callable without a socket
 * (`app.request(...)`). Routes are served both under /v1 (Codex's `base_url = ".../v1"`) and at the root.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { Dashboard } from '../dashboard/dashboard.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { BridgeError } from '../errors.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { errorResponse, reportedError } from './error-reply.ts';
import { healthReport, modelsResponse } from './info-routes.ts';
import { requestIdFor } from './request-id.ts';
import { handleGetResponse } from './responses-route.ts';
import { bearerAuth, hostGuard } from './security.ts';

type Env = { Variables: { requestId: string }; Bindings: Partial<HttpBindings> };

export function createApp(deps: BridgeDeps, apiKey: string, dashboard?: Dashboard): Hono<Env> {
  const app = new Hono<Env>();
  const { config, logger } = deps;

  app.onError((error, c) =>
    errorResponse(reportedError(logger, c.get('requestId'), error), c.get('requestId')),
  );

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
    const requestId = requestIdFor(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    // Set on Node's response when there is one, so that it reaches every answer, one the route built itself too.
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
    app.get(`${prefix}/responses/:id`, (c) => handleGetResponse(deps, c.req.param('id')));
    app.get(`${prefix}/models`, (c) =>
      c.json(modelsResponse(deps, { clientVersion: c.req.query('client_version') })),
    );
    app.all(`${prefix}/responses`, (c) => methodNotAllowed(c.req.method, c.req.path, 'POST'));
    app.all(`${prefix}/models`, (c) => methodNotAllowed(c.req.method, c.req.path, 'GET'));
  }
  return app;
}

function methodNotAllowed(method: string, path: string, allowed: string): never {
  throw new BridgeError({
    status: 405,
    code: 'method_not_allowed',
    message: `${method} is not supported on ${path}; use ${allowed}.`,
  });
}
