/**
 * The bridge's Node request listener: POST /v1/responses (and /responses) go to their own route on Node's objects
 * (src/server/create-response.ts), every other request to the Hono app (src/server/app.ts).
 */
import type { RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Dashboard } from '../dashboard/dashboard.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { createApp } from './app.ts';
import { createResponseRoute } from './create-response.ts';

const CREATE_RESPONSE_ROUTES = new Set(['/v1/responses', '/responses']);

/** A target that is already a plain path: no dot segment, escape or fragment to resolve (a query may follow). */
const PLAIN_TARGET = /^\/[\w/-]*(?:\?|$)/;

/**
 * The path of a request target as the Hono routes see it: @hono/node-server takes a path or an `http://` /
 * `https://` URL (lower case) and resolves it with `new URL`, Hono decodes escapes. So: dot segments resolved, no
 * query or fragment, percent-decoded. A target they refuse (any other scheme, a backslash in the path) has none.
 */
export function targetPath(target: string): string | undefined {
  if (PLAIN_TARGET.test(target)) {
    const query = target.indexOf('?');
    return query === -1 ? target : target.slice(0, query);
  }
  const absolute = target.startsWith('http://') || target.startsWith('https://');
  if (!absolute && !target.startsWith('/')) return undefined;
  if (target.split(/[?#]/, 1)[0]?.includes('\\')) return undefined;
  let path: string;
  try {
    path = new URL(absolute ? target : `http://bridge.invalid${target}`).pathname;
  } catch {
    return undefined;
  }
  if (!path.includes('%')) return path;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

export function createRequestListener(
  deps: BridgeDeps,
  apiKey: string,
  dashboard?: Dashboard,
): RequestListener {
  const app = createApp(deps, apiKey, dashboard);
  const honoListener = getRequestListener(app.fetch, { hostname: deps.config.server.host });
  const createResponse = createResponseRoute(deps, apiKey);
  return (req, res) => {
    const path = req.method === 'POST' ? targetPath(req.url ?? '') : undefined;
    if (path !== undefined && CREATE_RESPONSE_ROUTES.has(path)) createResponse(req, res, path);
    else void honoListener(req, res);
  };
}
