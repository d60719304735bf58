import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { asBridgeError, toOpenAIErrorBody } from '../errors.ts';
import { bearerAuth, hostGuard, hostName, isLoopbackName, keyCheck } from './security.ts';

const KEY = 'sk-bridge-test-key-7777';

/** A tiny app behind the middleware under test, with the error mapping src/server/app.ts uses. */
function appWith(...middleware: Parameters<Hono['use']>[1][]) {
  const app = new Hono();
  app.onError((error) => {
    const bridgeError = asBridgeError(error);
    return Response.json(toOpenAIErrorBody(bridgeError), { status: bridgeError.status });
  });
  for (const handler of middleware) app.use('*', handler);
  app.get('/v1/models', (c) => c.json({ ok: true }));
  return app;
}

function get(app: Hono, headers: Record<string, string>) {
  return app.request('http://bridge.test/v1/models', { headers });
}

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { code: string } };
  return body.error.code;
}

describe('hostName', () => {
  it.each([
    ['localhost', 'localhost'],
    ['localhost:4000', 'localhost'],
    ['LocalHost:4000', 'localhost'],
    ['127.0.0.1:4000', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['[::1]:4000', '[::1]'],
    ['::1', '::1'],
    ['  example.com:80 ', 'example.com'],
  ])('reads %j as %j', (host, name) => {
    expect(hostName(host)).toBe(name);
  });
});

describe('isLoopbackName', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'codex.localhost'])(
    'accepts %s',
    (name) => {
      expect(isLoopbackName(name)).toBe(true);
    },
  );

  it.each(['example.com', 'localhost.evil.com', '127.0.0.1.nip.io', '0.0.0.0', '192.168.1.10', ''])(
    'refuses %j',
    (name) => {
      expect(isLoopbackName(name)).toBe(false);
    },
  );
});

describe('keyCheck', () => {
  it('matches the same key', () => {
    expect(keyCheck(KEY)(KEY)).toBe(true);
  });

  it('compares UTF-8 bytes: a non-ASCII key matches itself, not a character that shares its low byte', () => {
    expect(keyCheck('key-café')('key-café')).toBe(true);
    expect(keyCheck('key-Ł')('key-A')).toBe(false);
  });

  it.each([
    ['a different key of the same length', 'sk-bridge-test-key-7778'],
    ['a prefix of the key', 'sk-bridge'],
    ['a longer key', `${KEY}0`],
    ['an empty key', ''],
    ['the key with one character that is two bytes in UTF-8', `${KEY.slice(0, -1)}é`],
    ['the key with a multi-byte character in place of two', `${KEY.slice(0, -2)}é`],
  ])('does not match %s', (_label, presented) => {
    expect(keyCheck(KEY)(presented)).toBe(false);
  });
});

describe('hostGuard bound to loopback', () => {
  const app = appWith(hostGuard('127.0.0.1'));

  it.each(['localhost', 'localhost:4000', '127.0.0.1:4000', '[::1]:4000', '[::1]'])(
    'accepts Host %s',
    async (host) => {
      expect((await get(app, { host })).status).toBe(200);
    },
  );

  it('refuses a foreign Host, as a DNS-rebinding page would send', async () => {
    const response = await get(app, { host: 'attacker.example:4000' });

    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('forbidden_host');
  });

  it('refuses a request without a Host', async () => {
    expect((await get(app, {})).status).toBe(403);
  });

  it('refuses a foreign browser Origin', async () => {
    const response = await get(app, { host: 'localhost:4000', origin: 'https://attacker.example' });

    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('forbidden_origin');
  });

  it('refuses Origin: null (sandboxed frames, file:// pages)', async () => {
    expect((await get(app, { host: 'localhost:4000', origin: 'null' })).status).toBe(403);
  });

  it('refuses an Origin it cannot parse', async () => {
    expect((await get(app, { host: 'localhost:4000', origin: 'not a url' })).status).toBe(403);
  });

  it.each(['http://localhost:4000', 'http://127.0.0.1:5173', 'http://[::1]:4000'])(
    'accepts the loopback Origin %s',
    async (origin) => {
      expect((await get(app, { host: 'localhost:4000', origin })).status).toBe(200);
    },
  );
});

describe('hostGuard bound to another address', () => {
  it('accepts any Host when bound to 0.0.0.0', async () => {
    const app = appWith(hostGuard('0.0.0.0'));

    expect((await get(app, { host: 'workstation.lan:4000' })).status).toBe(200);
  });

  it('accepts any Host when bound to ::', async () => {
    const app = appWith(hostGuard('::'));

    expect((await get(app, { host: '[fd00::5]:4000' })).status).toBe(200);
  });

  it('still refuses a foreign Origin when bound to 0.0.0.0', async () => {
    const app = appWith(hostGuard('0.0.0.0'));

    expect(
      (await get(app, { host: 'workstation.lan:4000', origin: 'https://attacker.example' })).status,
    ).toBe(403);
  });

  it('accepts its own address as Host and Origin when bound to it', async () => {
    const app = appWith(hostGuard('192.168.1.10'));

    expect((await get(app, { host: '192.168.1.10:4000', origin: 'http://192.168.1.10:4000' })).status).toBe(
      200,
    );
  });

  it('refuses other hosts when bound to a LAN address', async () => {
    const app = appWith(hostGuard('192.168.1.10'));

    expect((await get(app, { host: 'attacker.example' })).status).toBe(403);
  });
});

describe('bearerAuth', () => {
  const app = appWith(bearerAuth(KEY));

  it('accepts the right key', async () => {
    expect((await get(app, { authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  it.each(['bearer', 'BEARER'])('accepts the scheme written %s', async (scheme) => {
    expect((await get(app, { authorization: `${scheme} ${KEY}` })).status).toBe(200);
  });

  it('refuses a wrong key as invalid_api_key', async () => {
    const response = await get(app, { authorization: 'Bearer sk-wrong' });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('Incorrect API key'),
        type: 'authentication_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
  });

  it('refuses a request without Authorization, saying what to send', async () => {
    const response = await get(app, {});

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'Authorization: Bearer',
    );
  });

  it('refuses a key sent with another scheme', async () => {
    expect((await get(app, { authorization: `Basic ${KEY}` })).status).toBe(401);
  });

  it('refuses the key without a scheme', async () => {
    expect((await get(app, { authorization: KEY })).status).toBe(401);
  });
});
