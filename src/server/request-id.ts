/**
 * The id that ties a request to its log line and its answer: the client's own `x-request-id` when it is a sane
 * token, else a new one. Every answer carries it back in `x-request-id`.
 */
import { uniqueId } from '../ids.ts';

const PRESENTABLE = /^[\w.:-]{1,128}$/;

export function requestIdFor(presented: string | undefined): string {
  return presented && PRESENTABLE.test(presented) ? presented : uniqueId('req');
}
