/**
 * The dashboard's HTTP routes, mounted by the server under /dashboard (behind its Host and Origin checks):
 *   POST /dashboard/login-link  bridge key → a one-time login path (what `codex-oss dashboard` opens)
 *   GET  /dashboard/login       spends the token, sets the session cookie, redirects to /dashboard
 *   GET  /dashboard             the page (session cookie)
 *   GET  /dashboard/events      the push channel, Server-Sent Events (session cookie)
 *   GET  /dashboard/static/*    the stylesheet and the script (no secrets in them)
 */
import { readFileSync } from 'node:fs';
import { Hono, type MiddlewareHandler } from 'hono';
import { cookieValue, sessionCookie, sessionCookieName } from './auth.ts';
import type { Dashboard } from './dashboard.ts';
import type { SubscriptionHandle } from './push.ts';
import { renderLoginNeeded, renderPage } from './render.ts';

const STATIC_FILES: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/** src/dashboard/static/ in development, dist/dashboard/static/ once built (package.json's build copies it). */
function readStatic(name: string): string {
  return readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8');
}

/** Nothing but this origin's own script and stylesheet; no frames, no forms, no referrer. */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

/**
 * The page and its push channel answer only their own origin. The server already refuses non-loopback Hosts and
 * Origins; this also refuses other loopback origins (another port is another site's page, and browsers send
 * SameSite cookies across ports) and anything the browser marks as coming from another site.
 */
function ownOriginOnly(): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const own = `http://${c.req.header('host') ?? ''}`;
    const site = c.req.header('sec-fetch-site');
    if ((origin !== undefined && origin !== own) || site === 'cross-site' || site === 'same-site') {
      return c.json(
        {
          error: {
            message: `The dashboard answers only its own pages (got Origin ${origin ?? 'none'}, Sec-Fetch-Site ${site ?? 'none'}).`,
            type: 'invalid_request_error',
            code: 'forbidden_origin',
            param: null,
          },
        },
        403,
      );
    }
    await next();
  };
}

export function dashboardRoutes(dashboard: Dashboard, requireBridgeKey: MiddlewareHandler) {
  const app = new Hono();
  app.use('/', ownOriginOnly());
  app.use('/events', ownOriginOnly());
  const cookieName = () => sessionCookieName(dashboard.port);
  const signedIn = (cookieHeader: string | undefined) =>
    dashboard.auth.isSession(cookieValue(cookieHeader, cookieName()));
  const loginNeeded = (why: string) =>
    new Response(renderLoginNeeded(why), {
      status: 401,
      headers: { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' },
    });
  const statics = new Map(Object.keys(STATIC_FILES).map((name) => [name, readStatic(name)]));

  app.post('/login-link', requireBridgeKey, (c) => {
    const { token, expiresAt } = dashboard.auth.mintLoginToken();
    return c.json(
      { path: `/dashboard/login?token=${token}`, expires_at: new Date(expiresAt).toISOString() },
      200,
      { 'cache-control': 'no-store' },
    );
  });

  app.get('/login', (c) => {
    const granted = dashboard.auth.redeem(c.req.query('token') ?? '');
    if (!granted)
      return loginNeeded('This login link is used up or expired (links work once, for a minute).');
    return new Response(null, {
      status: 303,
      headers: {
        ...PAGE_HEADERS,
        location: '/dashboard',
        'set-cookie': sessionCookie(cookieName(), granted.session, granted.maxAgeSeconds),
      },
    });
  });

  app.get('/', (c) => {
    if (!signedIn(c.req.header('cookie'))) return loginNeeded('You are not logged in to this bridge.');
    const html = renderPage({
      version: dashboard.version,
      sessions: dashboard.model.sessions(),
      limits: dashboard.limits(),
      problems: dashboard.model.problems(),
      showContent: dashboard.showContent,
    });
    return new Response(html, { headers: { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' } });
  });

  app.get('/events', (c) => {
    if (!signedIn(c.req.header('cookie'))) return loginNeeded('You are not logged in to this bridge.');
    let subscription: SubscriptionHandle | undefined;
    const encoder = new TextEncoder();
    // The default queue holds one message: while it is still there (the socket is full, the page not reading),
    // the channel writes nothing more, and `pull` (the page read it) tells it to catch up.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        subscription = dashboard.push.subscribe({
          write: (text) => controller.enqueue(encoder.encode(text)),
          ready: () => (controller.desiredSize ?? 0) > 0,
          end: () => controller.close(),
        });
      },
      pull() {
        subscription?.drained();
      },
      cancel() {
        subscription?.unsubscribe();
      },
    });
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  });

  app.get('/static/:name', (c) => {
    const name = c.req.param('name');
    const text = statics.get(name);
    if (text === undefined) return c.notFound();
    return c.body(text, 200, {
      'content-type': STATIC_FILES[name] as string,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });

  return app;
}
