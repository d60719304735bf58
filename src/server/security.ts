/**
 * Security checks: only loopback Host names (DNS-rebinding), no foreign browser Origins, and a bearer key compared
 * in constant time. The bridge binds to loopback by default; a non-loopback bind is the user's choice and then its
 * own address is accepted as a Host too. Each check is a function of the request's headers, used as it is by the
 * route that serves POST /v1/responses on Node's objects (src/server/create-response.ts) and as Hono middleware by
 * the other routes.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { BRIDGE_KEY_HEADER } from '../bridge-key-header.ts';
import { BridgeError } from '../errors.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Host header or URL host → bare host name, lower-cased, without port (IPv6 keeps its brackets). */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon === -1 || value.indexOf(':') !== colon ? value : value.slice(0, colon);
}

export function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || name.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** A request's headers as the checks read them: undefined when absent. */
export type HeaderOf = (name: string) => string | undefined;

/**
 * The Host and Origin check (DNS rebinding, foreign pages): throws a 403 BridgeError for a request that does not
 * address the bridge by a loopback name (or its own bind address) or that comes from a foreign browser page.
 */
export function hostCheck(bindHost: string): (header: HeaderOf) => void {
  const bindName = hostName(bindHost);
  const acceptAny = bindName === '0.0.0.0' || bindName === '::' || bindName === '[::]';
  return (header) => {
    const host = header('host');
    const name = host ? hostName(host) : '';
    if (!acceptAny && !isLoopbackName(name) && name !== bindName) {
      throw new BridgeError({
        status: 403,
        code: 'forbidden_host',
        message: `Requests must address the bridge by a loopback name (got Host "${host ?? ''}").`,
      });
    }
    const origin = header('origin');
    // `Origin: null` comes from sandboxed frames and file:// pages: as foreign as any other site.
    if (origin !== undefined) {
      let originName = '';
      try {
        originName = hostName(new URL(origin).host);
      } catch {
        // unparseable Origin: treated as foreign
      }
      if (!isLoopbackName(originName) && originName !== bindName) {
        throw new BridgeError({
          status: 403,
          code: 'forbidden_origin',
          message: `Browser requests from ${origin} are not allowed.`,
        });
      }
    }
  };
}

export function hostGuard(bindHost: string): MiddlewareHandler {
  const check = hostCheck(bindHost);
  return async (c, next) => {
    check((name) => c.req.header(name));
    await next();
  };
}

/**
 * Constant-time comparison with one key that does not leak the key's length either: a key whose UTF-8 encoding is
 * as long as the expected key's is compared with it byte for byte; any other key is not compared at all, the
 * expected key is compared with itself instead, so every check compares as many bytes and takes the same time.
 * (A SHA-256 digest of each side did the same job at ~41 µs p50 per request in place, OpenSSL's code being cold
 * between requests, and this at ~7 µs: bench/RESULTS.md, "2026-12-03, 05:11"; bench/cold-calls.ts times both.)
 */
export function keyCheck(expected: string): (presented: string) => boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  return (presented) => {
    const bytes = Buffer.from(presented, 'utf8');
    const sameLength = bytes.length === expectedBytes.length;
    return timingSafeEqual(sameLength ? bytes : expectedBytes, expectedBytes) && sameLength;
  };
}

/**
 * The bridge key check: the key in the bridge's own header (a Codex profile that forwards the user's sign-in in
 * Authorization), else a bearer token. Throws a 401 BridgeError when it is missing or wrong.
 */
export function bridgeKeyCheck(expectedKey: string): (header: HeaderOf) => void {
  const matches = keyCheck(expectedKey);
  return (header) => {
    const bridgeKey = header(BRIDGE_KEY_HEADER);
    if (bridgeKey !== undefined) {
      if (!matches(bridgeKey.trim())) {
        throw new BridgeError({
          status: 401,
          code: 'invalid_api_key',
          message: `Incorrect bridge key in ${BRIDGE_KEY_HEADER}. Use the key from PROXY_API_KEY or the bridge token file.`,
        });
      }
      return;
    }
    const authorization = header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match || !matches(match[1] as string)) {
      throw new BridgeError({
        status: 401,
        code: 'invalid_api_key',
        message: match
          ? 'Incorrect API key provided for the bridge. Use the key from PROXY_API_KEY or the bridge token file.'
          : 'Missing bearer token: send "Authorization: Bearer <bridge key>".',
      });
    }
  };
}

export function bearerAuth(expectedKey: string): MiddlewareHandler {
  const check = bridgeKeyCheck(expectedKey);
  return async (c, next) => {
    check((name) => c.req.header(name));
    await next();
  };
}
