import { describe, expect, it } from 'vitest';
import {
  asBridgeError,
  BridgeError,
  invalidRequest,
  toOpenAIErrorBody,
  toResponseFailure,
} from './errors.ts';

/** The delay Codex parses from a rate_limit_exceeded message (codex-rs sse/responses.rs). */
const CODEX_RETRY_DELAY = /try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)/i;

describe('BridgeError', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'server_error'],
    [503, 'server_error'],
  ])('gives a %i the type %s by default', (status, type) => {
    expect(new BridgeError({ status, code: 'x', message: 'm' }).type).toBe(type);
  });

  it('keeps an explicit type', () => {
    expect(new BridgeError({ status: 502, code: 'x', message: 'm', type: 'upstream_error' }).type).toBe(
      'upstream_error',
    );
  });

  it('has a null param unless one is given', () => {
    expect(new BridgeError({ status: 400, code: 'x', message: 'm' }).param).toBeNull();
  });
});

describe('invalidRequest', () => {
  it('is a 400 invalid_request_error naming the parameter', () => {
    expect(invalidRequest('Missing model.', 'model')).toMatchObject({
      status: 400,
      code: 'invalid_request_error',
      type: 'invalid_request_error',
      param: 'model',
      message: 'Missing model.',
    });
  });
});

describe('asBridgeError', () => {
  it('gives a BridgeError back unchanged', () => {
    const error = new BridgeError({ status: 429, code: 'rate_limit_exceeded', message: 'slow down' });

    expect(asBridgeError(error)).toBe(error);
  });

  it('turns any other error into a 500 server_error with its message', () => {
    expect(asBridgeError(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      code: 'server_error',
      message: 'Internal bridge error: x is undefined',
    });
  });

  it('turns a thrown non-error into a 500 too', () => {
    expect(asBridgeError('boom').message).toBe('Internal bridge error: boom');
  });
});

describe('toOpenAIErrorBody', () => {
  it('has exactly message, type, param and code under error', () => {
    const error = new BridgeError({
      status: 400,
      code: 'invalid_value',
      message: "Invalid value for 'input[2].call_id'.",
      param: 'input[2].call_id',
      retryAfterSeconds: 3,
    });

    expect(toOpenAIErrorBody(error)).toStrictEqual({
      error: {
        message: "Invalid value for 'input[2].call_id'.",
        type: 'invalid_request_error',
        param: 'input[2].call_id',
        code: 'invalid_value',
      },
    });
  });

  it('sends a null param rather than leaving it out', () => {
    const body = toOpenAIErrorBody(new BridgeError({ status: 500, code: 'server_error', message: 'm' }));

    expect(body.error).toHaveProperty('param', null);
  });
});

describe('toResponseFailure', () => {
  it('keeps insufficient_quota, which stops Codex without retrying', () => {
    const error = new BridgeError({
      status: 429,
      code: 'insufficient_quota',
      message: 'OpenCode Go usage limit reached: Resets in 4hr 59min',
      retryAfterSeconds: 17940,
    });

    expect(toResponseFailure(error)).toEqual({
      code: 'insufficient_quota',
      message: 'OpenCode Go usage limit reached: Resets in 4hr 59min',
    });
  });

  it('keeps context_length_exceeded, which makes Codex offer compaction', () => {
    const error = new BridgeError({ status: 400, code: 'context_length_exceeded', message: 'too long' });

    expect(toResponseFailure(error)).toEqual({ code: 'context_length_exceeded', message: 'too long' });
  });

  it('makes any 429 a rate_limit_exceeded whose delay Codex can read', () => {
    const error = new BridgeError({
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'Upstream rate limit',
      retryAfterSeconds: 7,
    });

    const failure = toResponseFailure(error);

    expect(failure.code).toBe('rate_limit_exceeded');
    expect(CODEX_RETRY_DELAY.exec(failure.message)?.[1]).toBe('7');
  });

  it('asks for a one-second wait on a 429 without a delay', () => {
    const error = new BridgeError({ status: 429, code: 'too_many_requests', message: 'Slow down.' });

    expect(toResponseFailure(error)).toEqual({
      code: 'rate_limit_exceeded',
      message: 'Slow down. Please try again in 1s.',
    });
  });

  it('does not repeat the delay when the message already has one', () => {
    const error = new BridgeError({
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'Upstream rate limit. Please try again in 5s.',
      retryAfterSeconds: 5,
    });

    expect(toResponseFailure(error).message).toBe('Upstream rate limit. Please try again in 5s.');
  });

  it.each([400, 404, 413])('reports a %i as invalid_prompt, shown to the user verbatim', (status) => {
    const error = new BridgeError({ status, code: 'upstream_invalid_request', message: 'Bad tool schema.' });

    expect(toResponseFailure(error)).toEqual({ code: 'invalid_prompt', message: 'Bad tool schema.' });
  });

  it.each([500, 502, 503, 504])('reports a %i as server_error, which Codex retries', (status) => {
    const error = new BridgeError({ status, code: 'upstream_error', message: 'The upstream failed.' });

    expect(toResponseFailure(error)).toEqual({ code: 'server_error', message: 'The upstream failed.' });
  });
});
