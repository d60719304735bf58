/**
 * What the pipeline reads of the client's HTTP request besides its body: a few header lookups and a signal that
 * aborts when the client goes away. A web Request has both; src/server hands in Node's request through the same
 * shape (src/server/node-headers.ts).
 */

/** The part of a web `Headers` the pipeline uses. */
export interface RequestHeaders {
  get(name: string): string | null;
  has(name: string): boolean;
  forEach(visit: (value: string, name: string) => void): void;
}

export interface ClientRequest {
  headers: RequestHeaders;
  /** Aborted when the client goes away before its answer has been sent. */
  signal: AbortSignal;
}
