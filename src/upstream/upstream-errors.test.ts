import { describe, expect, it } from 'vitest';
import {
  contextLengthBody,
  goGatewayErrorBody,
  internalServerErrorBody,
  invalidRequestBody,
  missingSessionBody,
  openAiErrorBody,
  providerRateLimitBody,
  unsupportedModelMessage,
} from '../../test/mock-upstream/provider-errors.ts';
import { BridgeError } from '../errors.ts';
import {
  isContextOverflow,
  parseRetryAfter,
  parseUpstreamErrorBody,
  upstreamConnectError,
  upstreamHttpError,
} from './upstream-errors.ts';

const MODEL = 'deepseek-v4-pro';

const json = (body: unknown) => JSON.stringify(body);

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

// The head of a Cloudflare error page: most of its first 2000 characters are markup.
const CLOUDFLARE_502 = `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>opencode.ai | 502: Bad gateway</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<style>${'body{margin:0;padding:0}'.repeat(120)}</style>
</head>
<body>
<div id="cf-wrapper"><h1><span class="inline-block">Bad gateway</span> <span class="code-label">Error code 502</span></h1></div>
</body>
</html>`;

function httpError(status: number, body: unknown, retryAfter: string | null = null) {
  return upstreamHttpError(status, typeof body === 'string' ? body : json(body), retryAfter, MODEL);
}

describe('parseUpstreamErrorBody', () => {
  it('reads an OpenAI-shaped body', () => {
    expect(parseUpstreamErrorBody(json(providerRateLimitBody()))).toEqual({
      message: 'Error from provider (Console Go): Provider rate limit exceeded',
      type: 'rate_limit_error',
      code: 'provider_rate_limit_exceeded',
    });
  });

  it("reads OpenCode Go's Anthropic-shaped gateway body", () => {
    expect(parseUpstreamErrorBody(json(missingSessionBody()))).toEqual({
      message: expect.stringContaining('Request is missing x-opencode-session'),
      type: 'MissingSessionID',
      code: undefined,
    });
  });

  it('reads a body with the message beside type "error"', () => {
    expect(parseUpstreamErrorBody(json(internalServerErrorBody()))).toEqual({
      message: 'Internal server error',
      type: undefined,
      code: undefined,
    });
  });

  it("reads Z.AI's body with a numeric-string code", () => {
    expect(
      parseUpstreamErrorBody(json(invalidRequestBody('zai', 'tools[6].web_search can not be null'))),
    ).toEqual({
      message: 'tools[6].web_search can not be null',
      type: undefined,
      code: '1214',
    });
  });

  it('reads a body whose error is a plain string', () => {
    expect(parseUpstreamErrorBody(json({ error: 'model overloaded' })).message).toBe('model overloaded');
  });

  it('takes a plain-text body as the message', () => {
    expect(parseUpstreamErrorBody('  upstream connect error or disconnect/reset before headers\n')).toEqual({
      message: 'upstream connect error or disconnect/reset before headers',
      type: undefined,
      code: undefined,
    });
  });

  it('reduces an HTML error page to its title', () => {
    expect(parseUpstreamErrorBody(NGINX_502).message).toBe('502 Bad Gateway');
  });

  it('reduces a Cloudflare error page to its title, not its markup', () => {
    expect(parseUpstreamErrorBody(CLOUDFLARE_502).message).toBe('opencode.ai | 502: Bad gateway');
  });

  it('reduces an HTML page without a title to its text', () => {
    expect(
      parseUpstreamErrorBody('<html><body><h1>Service  Unavailable</h1>\n<p>Try later</p></body></html>')
        .message,
    ).toBe('Service Unavailable Try later');
  });

  it('says so when the body is empty', () => {
    expect(parseUpstreamErrorBody('').message).toBe('no error message');
  });

  it('keeps the raw body as the message when the JSON carries none', () => {
    expect(parseUpstreamErrorBody('{"status":"broken"}').message).toBe('{"status":"broken"}');
  });

  it('caps a huge message at 2000 characters', () => {
    expect(parseUpstreamErrorBody('x'.repeat(10_000)).message).toHaveLength(2000);
    expect(parseUpstreamErrorBody(json(openAiErrorBody('y'.repeat(10_000)))).message).toHaveLength(2000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it.each([
    ['120', 120],
    ['0', 0],
    ['1.2', 2],
    ['51105', 51105],
  ])('reads %s seconds', (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });

  it('reads an HTTP date as the seconds until then', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now)).toBe(30);
  });

  it('reads an HTTP date in the past as zero', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([null, undefined, '', 'soon', 'in a minute'])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('isContextOverflow', () => {
  it.each([
    [
      'DeepSeek',
      invalidRequestBody(
        'deepseek',
        "This model's maximum context length is 1048576 tokens. However, you requested 1100000 tokens " +
          '(1090000 in the messages, 10000 in the completion). Please reduce the length of the messages or completion.',
      ),
    ],
    [
      'Kimi',
      invalidRequestBody(
        'moonshot',
        'Invalid request: Your request exceeded model token limit: 262144 (requested: 269030)',
      ),
    ],
    [
      'OpenAI Chat Completions',
      openAiErrorBody(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. " +
          'Please reduce the length of the messages.',
        { param: 'messages' },
      ),
    ],
    [
      'OpenAI Responses',
      openAiErrorBody(
        'Your input exceeds the context window of this model. Please adjust your input and try again.',
      ),
    ],
    ['an OpenAI-shaped code alone', openAiErrorBody('too big', { code: 'context_length_exceeded' })],
  ])('recognises the overflow text from %s', (_provider, body) => {
    expect(isContextOverflow(parseUpstreamErrorBody(json(body)))).toBe(true);
  });

  it('does not take other invalid requests for an overflow', () => {
    const body = invalidRequestBody(
      'moonshot',
      'thinking is enabled but reasoning_content is missing in assistant tool call message at index 3',
    );

    expect(isContextOverflow(parseUpstreamErrorBody(json(body)))).toBe(false);
  });

  it('does not take a max_tokens limit for an overflow', () => {
    const body = openAiErrorBody('Invalid max_tokens value, the valid range of max_tokens is [1, 8192]');

    expect(isContextOverflow(parseUpstreamErrorBody(json(body)))).toBe(false);
  });
});

describe('upstreamHttpError', () => {
  describe('usage limit', () => {
    const body = goGatewayErrorBody('GoUsageLimitError', '5-hour usage limit reached. Resets in 4hr 59min');

    it('becomes a 429 insufficient_quota that keeps "Resets in…"', () => {
      const error = httpError(429, body, '17940');

      expect(error).toBeInstanceOf(BridgeError);
      expect(error).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
      expect(error.message).toContain('Resets in 4hr 59min');
      expect(error.message).toContain(MODEL);
    });

    it('keeps the Retry-After of the gateway', () => {
      expect(httpError(429, body, '17940').retryAfterSeconds).toBe(17940);
    });

    it('waits an hour when the gateway gives no Retry-After', () => {
      expect(httpError(429, body).retryAfterSeconds).toBe(3600);
    });

    it('is recognised on the free tier too', () => {
      const free = goGatewayErrorBody('FreeUsageLimitError', 'Daily free usage limit reached.');

      expect(httpError(429, free).code).toBe('insufficient_quota');
    });

    it('is recognised from an OpenAI-style insufficient_quota code', () => {
      const quota = openAiErrorBody('You exceeded your current quota.', {
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      });

      expect(httpError(429, quota).code).toBe('insufficient_quota');
    });
  });

  describe('provider rate limit', () => {
    it('becomes rate_limit_exceeded with the Retry-After delay', () => {
      const error = httpError(429, providerRateLimitBody(), '12');

      expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryAfterSeconds: 12 });
    });

    it('tells Codex to try again in as many seconds as Retry-After says', () => {
      expect(httpError(429, providerRateLimitBody(), '12').message).toMatch(/try again in 12s/);
    });

    it('defaults to a short delay without Retry-After', () => {
      const error = httpError(429, providerRateLimitBody());

      expect(error.retryAfterSeconds).toBe(5);
      expect(error.message).toMatch(/try again in 5s/);
    });

    it("keeps the provider's message", () => {
      expect(httpError(429, providerRateLimitBody()).message).toContain('Provider rate limit exceeded');
    });
  });

  describe('context overflow', () => {
    it.each([
      ['DeepSeek', contextLengthBody(1_048_576, 1_100_000)],
      [
        'Kimi',
        invalidRequestBody(
          'moonshot',
          'Invalid request: Your request exceeded model token limit: 262144 (requested: 269030)',
        ),
      ],
      ['OpenAI', openAiErrorBody('Your input exceeds the context window of this model.')],
    ])('becomes context_length_exceeded for %s', (_provider, body) => {
      expect(httpError(400, body)).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    });

    it("keeps the upstream's explanation", () => {
      expect(httpError(400, contextLengthBody(131_072, 140_000)).message).toContain('131072 tokens');
    });
  });

  it('turns a ModelError into model_not_found on the model parameter', () => {
    const error = httpError(401, goGatewayErrorBody('ModelError', unsupportedModelMessage('kimi-k9')));

    expect(error).toMatchObject({ status: 400, code: 'model_not_found', param: 'model' });
    expect(error.message).toContain('Model kimi-k9 not supported');
  });

  it.each([401, 403])('turns a %i into a 502 that points at OPENCODE_GO_API_KEY', (status) => {
    const error = httpError(status, goGatewayErrorBody('AuthError', 'Invalid API key.'));

    expect(error).toMatchObject({
      status: 502,
      code: 'upstream_authentication_failed',
      type: 'upstream_error',
    });
    expect(error.message).toContain('OPENCODE_GO_API_KEY');
    expect(error.message).toContain('Invalid API key.');
  });

  it.each([404, 405])('turns a %i into a 502 that points at OPENCODE_GO_BASE_URL', (status) => {
    const error = httpError(status, '404 page not found');

    expect(error).toMatchObject({ status: 502, code: 'upstream_not_found', type: 'upstream_error' });
    expect(error.message).toContain('OPENCODE_GO_BASE_URL');
  });

  it('passes another 4xx on as an invalid request with the upstream message', () => {
    const error = httpError(400, missingSessionBody());

    expect(error).toMatchObject({
      status: 400,
      code: 'upstream_invalid_request',
      type: 'invalid_request_error',
    });
    expect(error.message).toContain('missing x-opencode-session');
  });

  it('turns a 500 into a 502 upstream_error', () => {
    const error = httpError(500, internalServerErrorBody());

    expect(error).toMatchObject({ status: 502, code: 'upstream_error', type: 'upstream_error' });
    expect(error.message).toContain('Internal server error');
  });

  it('turns a 502 gateway page into a 502 with a readable message', () => {
    const error = httpError(502, NGINX_502);

    expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(error.message).toBe(`The upstream failed for ${MODEL} (HTTP 502): 502 Bad Gateway`);
  });

  it('turns a 503 into a 503 that keeps Retry-After', () => {
    const error = httpError(503, 'Service Unavailable', '30');

    expect(error).toMatchObject({ status: 503, code: 'upstream_error', retryAfterSeconds: 30 });
  });

  it("turns Anthropic's 529 overloaded into a 503", () => {
    const error = httpError(529, goGatewayErrorBody('overloaded_error', 'Overloaded'));

    expect(error).toMatchObject({ status: 503, code: 'upstream_error' });
    expect(error.message).toContain('Overloaded');
  });

  it('leaves retryAfterSeconds unset on a 5xx without Retry-After', () => {
    expect(httpError(500, internalServerErrorBody()).retryAfterSeconds).toBeUndefined();
  });
});

describe('upstreamConnectError', () => {
  it('names the base URL and the network error code', () => {
    const failure = new TypeError('fetch failed', {
      cause: { code: 'ECONNREFUSED', message: 'connect refused' },
    });

    const error = upstreamConnectError(failure, 'http://127.0.0.1:9');

    expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable', type: 'upstream_error' });
    expect(error.message).toBe('Could not reach the upstream at http://127.0.0.1:9: ECONNREFUSED');
  });

  it('falls back to the error message without a cause', () => {
    expect(upstreamConnectError(new Error('socket hang up'), 'https://x').message).toContain(
      'socket hang up',
    );
  });
});
