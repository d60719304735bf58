/**
 * Security middleware: only loopback Host names (DNS-rebinding), no foreign browser Origins, and a bearer key
 * compared in constant time. The bridge binds to loopback by default; a non-loopback bind is the user's choice and
 * then its own address is accepted as a Host too.
 */
import { hash, timingSafeEqual } from 'node:crypto';
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

export function hostGuard(bindHost: string): MiddlewareHandler {
  const bindName = hostName(bindHost);
  const acceptAny = bindName === '0.0.0.0' || bindName === '::' || bindName === '[::]';
  return async (c, next) => {
    const host = c.req.header('host');
    const name = host ? hostName(host) : '';
    if (!acceptAny && !isLoopbackName(name) && name !== bindName) {
      throw new BridgeError({
        status: 403,
        code: 'forbidden_host',
        message: `Requests must address the bridge by a loopback name (got Host "${host ?? ''}").`,
      });
    }
    const origin = c.req.header('origin');
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
    await next();
  };
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer') as Buffer;
}

/**
 * Constant-time comparison with one key that does not leak the key's length either: both sides are compared as
 * SHA-256 digests, the expected one computed once.
 */
export function keyCheck(expected: string): (presented: string) => boolean {
  const expectedDigest = digest(expected);
  return (presented) => timingSafeEqual(digest(presented), expectedDigest);
}

export function bearerAuth(expectedKey: string): MiddlewareHandler {
  const matches = keyCheck(expectedKey);
  return async (c, next) => {
    const bridgeKey = c.req.header(BRIDGE_KEY_HEADER);
    if (bridgeKey !== undefined) {
      if (!matches(bridgeKey.trim())) {
        throw new BridgeError({
          status: 401,
          code: 'invalid_api_key',
          message: `Incorrect bridge key in ${BRIDGE_KEY_HEADER}. Use the key from PROXY_API_KEY or the bridge token file.`,
        });
      }
      await next();
      return;
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match || !matches(match[1] as string)) {
      throw new BridgeError({
        status: 401,
        code: 'invalid_api_key',
        message: match
          ? 'Incorrect API key provided for the bridge. Use the key from PROXY_API_KEY or the bridge token file.'
          : 'Missing bearer token: send "Authorization: Bearer <bridge key>".',
      });
    }
    await next();
  };
}
