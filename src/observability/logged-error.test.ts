import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.ts';
import { upstreamHttpError } from '../upstream/upstream-errors.ts';
import { loggedError } from './logged-error.ts';
import { REDACTED } from './redact-upstream-text.ts';

const PROMPT = 'please read my diary entry from last tuesday';
const input = [{ type: 'message', role: 'user', content: PROMPT }];
const echoing = upstreamHttpError(
  400,
  JSON.stringify({
    error: { message: `Invalid 'messages[1].content': '${PROMPT}'`, type: 'invalid_request_error' },
  }),
  null,
  'kimi-k2.6',
);

describe('loggedError', () => {
  it('logs a bridge error as it is', () => {
    const error = new BridgeError({
      status: 504,
      code: 'upstream_timeout',
      message: 'took too long (240s).',
    });
    expect(loggedError(error, { logBodies: false, request: [input] })).toEqual({
      code: 'upstream_timeout',
      message: 'took too long (240s).',
    });
  });

  it("keeps the bridge's words and the upstream's status, type and code, and redacts the request the upstream quoted", () => {
    expect(echoing.message).toContain(PROMPT); // the client gets the whole message
    expect(loggedError(echoing, { logBodies: false, request: [input] })).toEqual({
      code: 'upstream_invalid_request',
      message: `The upstream rejected the request for kimi-k2.6 (HTTP 400): Invalid 'messages[1].content': '${REDACTED}'`,
      upstream: { status: 400, type: 'invalid_request_error', code: undefined },
    });
  });

  it('logs the upstream message whole with PROXY_LOG_BODIES=1', () => {
    expect(loggedError(echoing, { logBodies: true, request: [input] }).message).toContain(PROMPT);
  });
});
