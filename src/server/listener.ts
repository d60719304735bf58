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

/** The path of a request target, as the Hono routes read it: without the query, percent-decoded. */
export function targetPath(target: string): string {
  let path = target;
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname; // absolute form (`POST http://127.0.0.1:4000/v1/responses`)
    } catch {
      return path;
    }
  }
  const query = path.indexOf('?');
  if (query !== -1) path = path.slice(0, query);
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
    const path = req.method === 'POST' ? targetPath(req.url ?? '/') : undefined;
    if (path !== undefined && CREATE_RESPONSE_ROUTES.has(path)) createResponse(req, res, path);
    else void honoListener(req, res);
  };
}
