/**
 * Who may see the dashboard. `codex-oss dashboard` (holding the bridge key) asks for a login link: a random token,
 * valid once and for a minute. The browser trades it for a session cookie (HttpOnly, SameSite=Strict, scoped to
 * /dashboard) and is sent on to the clean URL, so neither the key nor a live token stays in its history. Tokens and
 * sessions are kept as SHA-256 digests only; both maps are small and bounded.
 */
import { createHash, randomBytes } from 'node:crypto';

export const LOGIN_TOKEN_TTL_MS = 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;
const MAX_PENDING_TOKENS = 16;
const MAX_SESSIONS = 32;

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Keeps at most `max` entries, dropping expired ones first, then the oldest. */
function bound(map: Map<string, number>, max: number, now: number): void {
  for (const [key, expiresAt] of map) if (expiresAt <= now) map.delete(key);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

export class DashboardAuth {
  readonly #tokens = new Map<string, number>();
  readonly #sessions = new Map<string, number>();

  /** A one-time login token (the caller has already proved it holds the bridge key). */
  mintLoginToken(now = Date.now()): { token: string; expiresAt: number } {
    const token = newSecret();
    const expiresAt = now + LOGIN_TOKEN_TTL_MS;
    this.#tokens.set(digest(token), expiresAt);
    bound(this.#tokens, MAX_PENDING_TOKENS, now);
    return { token, expiresAt };
  }

  /** Spends a login token: a new session secret for the cookie, or undefined when the token is unknown, used or old. */
  redeem(token: string, now = Date.now()): { session: string; maxAgeSeconds: number } | undefined {
    const key = digest(token);
    const expiresAt = this.#tokens.get(key);
    this.#tokens.delete(key);
    if (expiresAt === undefined || expiresAt <= now) return undefined;
    const session = newSecret();
    this.#sessions.set(digest(session), now + SESSION_TTL_MS);
    bound(this.#sessions, MAX_SESSIONS, now);
    return { session, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  isSession(value: string | undefined, now = Date.now()): boolean {
    if (!value) return false;
    const expiresAt = this.#sessions.get(digest(value));
    return expiresAt !== undefined && expiresAt > now;
  }
}

/** One cookie name per bridge port: browsers share cookies across ports, and two bridges must not clash. */
export function sessionCookieName(port: number): string {
  return `ocb_dashboard_${port}`;
}

export function sessionCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age=${maxAgeSeconds}`;
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
