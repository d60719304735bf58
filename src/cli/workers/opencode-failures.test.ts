import { describe, expect, it } from 'vitest';
import { explainFailure, modelNotFound } from './opencode-failures.ts';

const context = { command: 'oss-scout', model: 'kimi-k2.6' };
const UNKNOWN = {
  name: 'UnknownError',
  message: 'Unexpected server error. Check server logs for details.',
  statusCode: undefined,
};

describe('explainFailure', () => {
  it('names the key when the model exists but OpenCode has no key for OpenCode Go', () => {
    const logged = [
      'ProviderModelNotFoundError: Model not found: opencode-go/kimi-k2.6. Did you mean: kimi-k2.6?',
    ];
    expect(explainFailure(UNKNOWN, logged, context)).toBe(
      'oss-scout: OpenCode has no key for OpenCode Go: set OPENCODE_GO_API_KEY to your OpenCode Go key (the one the ' +
        'bridge uses), or run `opencode auth login` and choose OpenCode Go.',
    );
  });

  it('names the model, with OpenCode’s suggestions, when there is no such model', () => {
    const logged = [
      'ProviderModelNotFoundError: Model not found: opencode-go/kimi-k9. Did you mean: kimi-k2.6, kimi-k2.7-code, kimi-k3?',
    ];
    expect(explainFailure(UNKNOWN, logged, { ...context, model: 'kimi-k9' })).toBe(
      "oss-scout: OpenCode Go has no model 'kimi-k9' (did you mean kimi-k2.6, kimi-k2.7-code, kimi-k3?); pass " +
        '--model with one listed by `opencode models opencode-go`.',
    );
  });

  it('falls back to the logged cause, then to where the log is', () => {
    expect(explainFailure(UNKNOWN, ['Error: disk full\n    at x'], context)).toBe(
      'oss-scout: opencode failed: Error: disk full',
    );
    expect(explainFailure(UNKNOWN, [], context)).toContain('see its log in ~/.local/share/opencode/log/');
  });

  it('says the key was refused on a 401', () => {
    const error = { name: 'APIError', message: 'Unauthorized', statusCode: 401 };
    expect(explainFailure(error, [], context)).toMatch(
      /^oss-scout: OpenCode Go refused the key \(HTTP 401: Unauthorized\): set OPENCODE_GO_API_KEY/,
    );
  });

  it('says the model is rate-limited on a 429', () => {
    const error = { name: 'APIError', message: 'Rate limit exceeded, try later', statusCode: 429 };
    expect(explainFailure(error, [], context)).toBe(
      'oss-scout: OpenCode Go is rate-limiting kimi-k2.6 (HTTP 429: Rate limit exceeded, try later); try again later or pass another --model.',
    );
  });

  it('keeps other errors to one line', () => {
    const error = { name: 'APIError', message: 'Bad gateway\nmore', statusCode: 502 };
    expect(explainFailure(error, [], context)).toBe(
      'oss-scout: OpenCode Go answered HTTP 502 for kimi-k2.6: Bad gateway',
    );
  });
});

describe('modelNotFound', () => {
  it('reads the model and suggestions, dots in ids included', () => {
    expect(modelNotFound('ProviderModelNotFoundError: Model not found: opencode-go/glm-5.1.')).toEqual({
      model: 'glm-5.1',
      suggestions: [],
    });
    expect(modelNotFound('something else')).toBeUndefined();
  });
});
