import { describe, expect, it } from 'vitest';
import { isLogLine, loggedError, parseRunEvent } from './run-events.ts';

// Lines as opencode-ai 1.18.33 printed them with `run --format json --print-logs --log-level ERROR` (shortened).
const TOOL_ERROR =
  '{"type":"tool_use","timestamp":1796183793782,"sessionID":"ses_1","part":{"type":"tool","tool":"bash","callID":"call_1",' +
  '"state":{"status":"error","input":{"command":"touch PWNED.txt && echo pwned >> README.md","description":"write"},' +
  '"error":"Model tried to call unavailable tool \'invalid\'. Available tools: glob, grep, read.","time":{"start":1,"end":2}},' +
  '"id":"prt_1","sessionID":"ses_1","messageID":"msg_1"}}';
const TEXT =
  '{"type":"text","timestamp":1,"sessionID":"ses_1","part":{"id":"prt_2","messageID":"msg_2","sessionID":"ses_1",' +
  '"type":"text","text":"Final answer: done.","time":{"start":1,"end":2}}}';
const API_ERROR =
  '{"type":"error","timestamp":1,"sessionID":"ses_1","error":{"name":"APIError","data":{"message":"Rate limit exceeded, ' +
  'try later","statusCode":429,"isRetryable":true}}}';
const UNKNOWN_ERROR =
  '{"type":"error","timestamp":1,"sessionID":"ses_1","error":{"name":"UnknownError","data":{"message":"Unexpected ' +
  'server error. Check server logs for details.","ref":"err_8e304cf4"}}}';
const FAILED_LOG =
  'timestamp=2026-12-02T04:01:39.449Z level=ERROR run=ad317acd message=failed ref=err_fb1d32cc error="ProviderModelNotFoundError: ' +
  'Model not found: opencode-go/kimi-k2.6. Did you mean: kimi-k2.6?" cause="ProviderModelNotFoundError: Model not found"';

describe('parseRunEvent', () => {
  it('reads a tool call that failed, with its input and error', () => {
    expect(parseRunEvent(TOOL_ERROR)).toEqual({
      type: 'tool',
      tool: 'bash',
      status: 'error',
      input: { command: 'touch PWNED.txt && echo pwned >> README.md', description: 'write' },
      error: "Model tried to call unavailable tool 'invalid'. Available tools: glob, grep, read.",
    });
  });

  it('reads a finished text part', () => {
    expect(parseRunEvent(TEXT)).toEqual({ type: 'text', text: 'Final answer: done.' });
  });

  it('reads a session error with its HTTP status', () => {
    expect(parseRunEvent(API_ERROR)).toEqual({
      type: 'error',
      name: 'APIError',
      message: 'Rate limit exceeded, try later',
      statusCode: 429,
    });
    expect(parseRunEvent(UNKNOWN_ERROR)).toMatchObject({ name: 'UnknownError', statusCode: undefined });
  });

  it('passes steps by and keeps anything else as it came', () => {
    expect(parseRunEvent('{"type":"step_start","part":{}}')).toEqual({ type: 'step' });
    expect(parseRunEvent('{"type":"something_new"}')).toEqual({
      type: 'other',
      line: '{"type":"something_new"}',
    });
    expect(parseRunEvent('not json')).toEqual({ type: 'other', line: 'not json' });
  });
});

describe('OpenCode log lines', () => {
  it('yield the error of an ERROR line', () => {
    expect(loggedError(FAILED_LOG)).toBe(
      'ProviderModelNotFoundError: Model not found: opencode-go/kimi-k2.6. Did you mean: kimi-k2.6?',
    );
  });

  it('yield nothing for other lines, which are still recognised as log lines', () => {
    const info = 'timestamp=2026-12-02T04:01:39.449Z level=INFO run=ad317acd message=init';
    expect(loggedError(info)).toBeUndefined();
    expect(isLogLine(info)).toBe(true);
    expect(isLogLine('! permission requested: bash (*); auto-rejecting')).toBe(false);
  });
});
