/**
 * The HTTP connection itself: keep-alive outlives the client's pool, a too-large body gets a 413 the client can
 * read, a client that drops mid-upload is no error.
 */
import { describe, expect, it } from 'vitest';
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from '../../src/runtime/start.ts';
import { BRIDGE_KEY, useTestBridges } from '../support/bridge-harness.ts';
import { RawConnection } from '../support/raw-http.ts';
import { waitFor } from '../support/wait.ts';

const bridge = useTestBridges();

const CODEX_POOL_IDLE_MS = 90_000;
/** Node's own default (5 s) plus the grace it adds (keepAliveTimeoutBuffer, 1 s), and a margin. */
const PAST_NODE_DEFAULT_MS = 7_000;

const postHead = (contentLength: number) =>
  `POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${BRIDGE_KEY}\r\n` +
  `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;

const healthRequest = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';

describe('keep-alive', () => {
  it("keeps idle connections longer than Codex's 90 s pool, and keeps header timeouts bounded", async () => {
    const t = await bridge();
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(CODEX_POOL_IDLE_MS);
    expect(t.bridge.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(t.bridge.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(t.bridge.server.headersTimeout).toBeLessThanOrEqual(t.bridge.server.requestTimeout);
  });

  it('lets a client that ignores the Keep-Alive hint reuse its socket after an idle spell; the client closes it', {
    timeout: 60_000,
  }, async () => {
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

describe('request bodies', () => {
  it('lets a client send all of a body over the limit, then answers 413 and keeps the connection', {
    timeout: 60_000,
  }, async () => {
    const t = await bridge();
    const size = t.bridge.deps.config.server.maxBodyBytes + 1024 * 1024; // 33 MiB against the default 32 MiB
    const connection = await RawConnection.open(t.bridge.port);
    try {
      await connection.write(postHead(size));
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      // Like most clients: the whole body first, the answer after.
      for (let sent = 0; sent < size && !connection.error; sent += chunk.length)
        await connection.write(chunk.subarray(0, Math.min(chunk.length, size - sent)));
      expect(connection.error).toBeUndefined();
      const answer = await connection.response(30_000);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe('request_too_large');
      await connection.write(healthRequest);
      expect((await connection.response()).status).toBe(200);
    } finally {
      connection.close();
    }
  });

  it('answers at once and closes when the declared body is too large to wait for', async () => {
    const t = await bridge({ PROXY_MAX_BODY_BYTES: '1024' });
    const connection = await RawConnection.open(t.bridge.port);
    try {
      await connection.write(postHead(1_000_000_000));
      const answer = await connection.response();
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      await waitFor(() => connection.serverClosed, 5000, 'the bridge to close the connection');
    } finally {
      connection.close();
    }
  });

  it('logs a client that leaves mid-upload as a disconnect, not as an error', async () => {
    const t = await bridge();
    const connection = await RawConnection.open(t.bridge.port);
    await connection.write(`${postHead(100_000)}{"model":"ocg-glm-5.1","input":"half a prom`);
    // Closed only once the bridge is waiting for the rest of the body.
    await new Promise((resolve) => setTimeout(resolve, 200));
    connection.close();
    await waitFor(
      () => t.logs().some((line) => line.msg === 'client left during upload'),
      5000,
      'the disconnect to be logged',
    );
    expect(t.logs().filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(t.logs().find((line) => line.msg === 'client left during upload')).toMatchObject({
      level: 30,
      status: 'client_disconnected',
    });
  });
});
