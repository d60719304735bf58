/**
 * Ids for requests, responses and items: a random prefix drawn once per process and a counter, so they are unique
 * (across restarts too) without drawing randomness on every request.
 */
import { randomBytes } from 'node:crypto';

const PROCESS_PREFIX = randomBytes(6).toString('hex');
let counter = 0;

export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}_${PROCESS_PREFIX}${counter.toString(36).padStart(6, '0')}`;
}
