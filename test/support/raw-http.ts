/**
 * A raw HTTP/1.1 connection: what a client sees that reuses its socket on its own schedule and ignores the server's
 * `Keep-Alive: timeout` hint (as Codex's reqwest does), and that can send a body the server does not wait for.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class RawConnection {
  readonly socket: net.Socket;
  /** The server ended or reset the connection. */
  serverClosed = false;
  /** Why a write or read failed (EPIPE, ECONNRESET), if one did. */
  error: NodeJS.ErrnoException | undefined;
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('end', () => {
      this.serverClosed = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.serverClosed = true;
      this.#wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error ??= error;
      this.#wake();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes raw bytes; resolves when the socket took them (or failed: see `error`). */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /** Reads one whole response (Content-Length or chunked body). */
  async response(timeoutMs = 10_000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.#buffer);
      if (parsed) {
        this.#buffer = this.#buffer.subarray(parsed.length);
        return parsed.response;
      }
      if (this.serverClosed || this.error)
        throw new Error(`connection closed before a whole response (${this.error?.code ?? 'closed'})`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a response');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}

function parseResponse(buffer: Buffer): { response: RawResponse; length: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine, ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine?.split(' ')[1]);
  const start = headEnd + 4;
  if (headers['transfer-encoding'] === 'chunked') {
    let offset = start;
    let body = '';
    for (;;) {
      const sizeEnd = buffer.indexOf('\r\n', offset);
      if (sizeEnd === -1) return undefined;
      const size = Number.parseInt(buffer.subarray(offset, sizeEnd).toString('latin1'), 16);
      if (buffer.length < sizeEnd + 2 + size + 2) return undefined;
      body += buffer.subarray(sizeEnd + 2, sizeEnd + 2 + size).toString('utf8');
      offset = sizeEnd + 2 + size + 2;
      if (size === 0) return { response: { status, headers, body }, length: offset };
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buffer.length < start + length) return undefined;
  return {
    response: { status, headers, body: buffer.subarray(start, start + length).toString('utf8') },
    length: start + length,
  };
}
