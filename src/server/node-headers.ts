/**
 * Node's request headers read through the few methods of a web `Headers` that the pipeline uses, without building
 * one for every request. Node has already lower-cased the names and joined repeated headers into one value, but
 * for some (Host and Authorization among them) it keeps only the first: those the bridge reads are joined here
 * from the raw headers, as a web `Headers` joins them, so that a second Host or key is seen by the checks (and
 * refused), never silently dropped. (The others of that kind, forwarded to OpenAI unread, keep Node's first value.)
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHeaders } from '../pipeline/client-request.ts';

/** The headers whose repeats Node drops, that the bridge reads. */
const FIRST_ONLY = new Set(['host', 'authorization', 'content-type', 'user-agent', 'referer']);

function allValues(rawHeaders: readonly string[], name: string): string | undefined {
  let joined: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if ((rawHeaders[index] as string).toLowerCase() !== name) continue;
    const value = rawHeaders[index + 1] as string;
    joined = joined === undefined ? value : `${joined}, ${value}`;
  }
  return joined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

export function nodeHeaderOf(req: IncomingMessage): (name: string) => string | undefined {
  return (name) => {
    const key = name.toLowerCase();
    return FIRST_ONLY.has(key) ? allValues(req.rawHeaders, key) : single(req.headers[key]);
  };
}

export function nodeRequestHeaders(req: IncomingMessage): RequestHeaders {
  const header = nodeHeaderOf(req);
  return {
    get: (name) => header(name) ?? null,
    has: (name) => req.headers[name.toLowerCase()] !== undefined,
    forEach: (visit) => {
      for (const name of Object.keys(req.headers)) {
        const text = header(name);
        if (text !== undefined) visit(text, name);
      }
    },
  };
}
