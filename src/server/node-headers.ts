/**
 * Node's request headers read through the few methods of a web `Headers` that the pipeline uses, without building
 * one for every request. Node has already lower-cased the names and joined repeated headers (but set-cookie, which
 * a request does not carry) into one value.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHeaders } from '../pipeline/client-request.ts';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

export function nodeHeaderOf(headers: IncomingHttpHeaders): (name: string) => string | undefined {
  return (name) => single(headers[name.toLowerCase()]);
}

export function nodeRequestHeaders(headers: IncomingHttpHeaders): RequestHeaders {
  const header = nodeHeaderOf(headers);
  return {
    get: (name) => header(name) ?? null,
    has: (name) => headers[name.toLowerCase()] !== undefined,
    forEach: (visit) => {
      for (const [name, value] of Object.entries(headers)) {
        const text = single(value);
        if (text !== undefined) visit(text, name);
      }
    },
  };
}
