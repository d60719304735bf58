/**
 * The HTTP connection itself: keep-alive outlives the client's pool, a too-large body gets a 413 the client can
 * read, a client that drops mid-upload is no error.
 */
import { describe, expect, it } from 'vitest';
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from '../../src/bridge/start.ts';
import { useTestBridges } from '../support/bridge-harness.ts';
import { RawConnection } from '../support/raw-http.ts';

const bridge = useTestBridges();

const CODEX_POOL_IDLE_MS = 90_000;
/** Node's own default (5 s) plus the grace it adds (keepAliveTimeoutBuffer, 1 s), and a margin. */
const PAST_NODE_DEFAULT_MS = 7_000;

const healthRequest = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';

describe('keep-alive', () => {
  it("keeps idle connections longer than Codex's 90 s pool, and keeps header timeouts bounded", async () => {
    const t = await bridge();
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(CODEX_POOL_IDLE_MS);
    expect(t.bridge.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(t.bridge.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(t.bridge.server.headersTimeout).toBeLessThanOrEqual(t.bridge.server.requestTimeout);
  });

  it('lets a client that ignores the Keep-Alive hint reuse its socket after an idle spell; the client closes it', async () => {
    const t = await bridge();
    const connection = await RawConnection.open(t.bridge.port);
    try {
      await connection.write(healthRequest);
      const first = await connection.response();
      expect(first.status).toBe(200);
      expect(first.headers['keep-alive']).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);

      await new Promise((resolve) => setTimeout(resolve, PAST_NODE_DEFAULT_MS));
      expect(connection.serverClosed).toBe(false);
      await connection.write(healthRequest);
      expect((await connection.response()).status).toBe(200);
      expect(connection.error).toBeUndefined();
    } finally {
      connection.close();
    }
  });
});
