/**
 * Node's response as its client leaves it: waiting for a slow client, and hearing that one went away before its
 * answer had been sent.
 */
import type { ServerResponse } from 'node:http';

/** Resolves once Node's response has room again ('drain'), or is gone ('close'). */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    if (res.destroyed || !res.writableNeedDrain) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Calls `listener` once if the connection closes before the whole answer has been sent; the returned function stops
 * listening.
 */
export function onClientGone(res: ServerResponse, listener: () => void): () => void {
  const onClose = () => {
    if (!res.writableFinished) listener();
  };
  res.once('close', onClose);
  return () => {
    res.off('close', onClose);
  };
}
