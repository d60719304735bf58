import { describe, expect, it } from 'vitest';
import { cookieValue, DashboardAuth, LOGIN_TOKEN_TTL_MS, SESSION_TTL_MS, sessionCookie } from './auth.ts';

describe('DashboardAuth', () => {
  it('trades a login token for a session once', () => {
    const auth = new DashboardAuth();
    const { token } = auth.mintLoginToken(1000);
    const granted = auth.redeem(token, 1001);
    expect(granted?.session).toMatch(/^[\w-]{43}$/);
    expect(auth.isSession(granted?.session, 1002)).toBe(true);
    expect(auth.redeem(token, 1003)).toBeUndefined();
  });

  it('refuses a login token after its minute, and a session after its hours', () => {
    const auth = new DashboardAuth();
    const late = auth.mintLoginToken(0);
    expect(auth.redeem(late.token, LOGIN_TOKEN_TTL_MS)).toBeUndefined();
    const { token } = auth.mintLoginToken(0);
    const granted = auth.redeem(token, 1);
    expect(auth.isSession(granted?.session, SESSION_TTL_MS)).toBe(true);
    expect(auth.isSession(granted?.session, SESSION_TTL_MS + 1)).toBe(false);
  });

  it('knows nothing it did not hand out', () => {
    const auth = new DashboardAuth();
    expect(auth.redeem('made-up')).toBeUndefined();
    expect(auth.isSession('made-up')).toBe(false);
    expect(auth.isSession(undefined)).toBe(false);
  });

  it('keeps only a few pending tokens', () => {
    const auth = new DashboardAuth();
    const first = auth.mintLoginToken(0);
    for (let index = 0; index < 20; index += 1) auth.mintLoginToken(index);
    expect(auth.redeem(first.token, 30)).toBeUndefined();
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict and limited to /dashboard', () => {
    expect(sessionCookie('ocb_dashboard_4000', 'v', 60)).toBe(
      'ocb_dashboard_4000=v; HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age=60',
    );
  });

  it('is found among other cookies', () => {
    expect(cookieValue('a=1; ocb_dashboard_4000=abc; b=2', 'ocb_dashboard_4000')).toBe('abc');
    expect(cookieValue('ocb_dashboard_4001=abc', 'ocb_dashboard_4000')).toBeUndefined();
  });
});
