/**
 * The request body at the HTTP edge, read from Node's request within the body limit. A body over the limit is
 * still read to its end (within a bound) and dropped: a client that writes its whole body before it reads the
 * answer (most do) would otherwise write into a closed socket (EPIPE) and never see the 413.
 */
import type { Readable } from 'node:stream';
import { BridgeError } from '../errors.ts';

export type BodyRead =
  | { kind: 'text'; text: string }
  /** Over the limit. `drained`: the body was read to its end, so the connection can carry on after the answer. */
  | { kind: 'too_large'; drained: boolean };

// As a web Request's text(): UTF-8, a leading byte order mark dropped, malformed bytes as U+FFFD.
const UTF8 = new TextDecoder();

function clientDisconnected(): BridgeError {
  return new BridgeError({
    status: 499,
    code: 'client_disconnected',
    message: 'The client closed the connection before it had sent the whole request body.',
  });
}

/**
 * Reads a body of at most `maxBytes`. One over the limit is read on to its end and dropped, unless it declares
 * (or turns out) longer than `2 × maxBytes`, which the bridge does not wait for. A client that hangs up
 * mid-upload is not a bridge failure: it becomes a 499 `client_disconnected` (no one is left to read the answer).
 */
export function readBodyWithin(
  body: Readable,
  declaredBytes: number | undefined,
  maxBytes: number,
): Promise<BodyRead> {
  const waitFor = 2 * maxBytes;
  if (declaredBytes !== undefined && declaredBytes > waitFor)
    return Promise.resolve({ kind: 'too_large', drained: false });
  return new Promise<BodyRead>((resolve, reject) => {
    const parts: Buffer[] = [];
    let seen = 0;
    let over = declaredBytes !== undefined && declaredBytes > maxBytes;
    const settle = (outcome: BodyRead | Error) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onData = (part: Buffer) => {
      seen += part.byteLength;
      if (!over && seen > maxBytes) {
        over = true;
        parts.length = 0; // what was kept is dropped at once, not when the rest has been read
      }
      if (!over) parts.push(part);
      else if (seen > waitFor) {
        body.pause();
        settle({ kind: 'too_large', drained: false });
      }
    };
    const onEnd = () =>
      settle(
        over
          ? { kind: 'too_large', drained: true }
          : {
              kind: 'text',
              text: UTF8.decode(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)),
            },
      );
    const onError = (error: NodeJS.ErrnoException) =>
      settle(error.code === 'ECONNRESET' || error.message === 'aborted' ? clientDisconnected() : error);
    const onClose = () => settle(clientDisconnected());
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}
