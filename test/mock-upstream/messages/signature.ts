// Thinking-block signatures the mock hands out and later checks: an HMAC of the thinking text, so a bridge that
// edits, drops or invents a block is caught, as the real providers catch it.
import { createHmac } from 'node:crypto';

const SECRET = 'mock-upstream-thinking-signature';

export function signThinking(thinking: string): string {
  return `EqMock${createHmac('sha256', SECRET).update(thinking).digest('base64')}`;
}

export function isValidSignature(thinking: string, signature: unknown): boolean {
  return typeof signature === 'string' && signature === signThinking(thinking);
}
