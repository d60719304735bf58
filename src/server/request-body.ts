/**
 * The request body at the HTTP edge: reading it, and refusing one that is too large in a way the client can see.
 */
import { BridgeError } from '../errors.ts';

/**
 * The body as text. A client that hangs up mid-upload is not a bridge failure: it becomes a 499
 * `client_disconnected` (no one is left to read it). Any other failure (the body limit's own) passes unchanged.
 */
export async function readRequestBody(request: Request): Promise<string> {
  try {
    return await request.text();
  } catch (error) {
    if (request.signal.aborted || (error as NodeJS.ErrnoException)?.code === 'ECONNRESET') {
      throw new BridgeError({
        status: 499,
        code: 'client_disconnected',
        message: 'The client closed the connection before it had sent the whole request body.',
      });
    }
    throw error;
  }
}

/**
 * Reads a refused request's body to its end and drops it. A client that writes its whole body before it reads the
 * answer (most do) would otherwise write into a closed socket (EPIPE) and never see the 413. Resolves true once
 * the body has ended (the connection can carry on); false when it was not read to the end — longer than
 * `maxBytes`, already being read elsewhere, or the client left — and the connection must close after the answer.
 */
export async function discardBody(
  body: ReadableStream<Uint8Array> | null,
  declaredBytes: number | undefined,
  maxBytes: number,
): Promise<boolean> {
  if (!body) return true;
  if (body.locked || (declaredBytes !== undefined && declaredBytes > maxBytes)) return false;
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      seen += value.byteLength;
      // Not cancelled: cancelling destroys the socket, which is what this is here to avoid.
      if (seen > maxBytes) return false;
    }
  } catch {
    return false;
  } finally {
    reader.releaseLock();
  }
}
