import { describe, expect, it } from 'vitest';
import { REDACTED, redactUpstreamText, requestTexts } from './redact-upstream-text.ts';

const PROMPT = 'Summarise the merger memo for ACME Corp and list every salary figure';

describe('redactUpstreamText', () => {
  it('keeps an upstream message that quotes nothing from the request', () => {
    const text =
      "This model's maximum context length is 131072 tokens. However, your messages resulted in 140000 tokens.";
    expect(redactUpstreamText(text, [PROMPT])).toBe(text);
  });

  it('redacts a single-quoted echo of the prompt', () => {
    const text = `Invalid value for 'messages[1].content': '${PROMPT}' is not allowed`;
    expect(redactUpstreamText(text, [PROMPT])).toBe(
      `Invalid value for 'messages[1].content': '${REDACTED}' is not allowed`,
    );
  });

  it('redacts an echo that is not quoted at all', () => {
    const text = `bad request: ${PROMPT} (rejected)`;
    const redacted = redactUpstreamText(text, [PROMPT]);
    expect(redacted).toBe(`bad request: ${REDACTED} (rejected)`);
  });

  it('redacts part of a long request text quoted without quotes', () => {
    const history = `${'x'.repeat(5000)} the quarterly numbers are confidential ${'y'.repeat(5000)}`;
    const redacted = redactUpstreamText('moderation flagged: the quarterly numbers are confidential', [
      history,
    ]);
    // The space before the echo is part of the shared run too.
    expect(redacted).toBe(`moderation flagged:${REDACTED}`);
  });

  it('redacts a short prompt echoed as a whole word, but not inside another word', () => {
    expect(redactUpstreamText('content filter hit on: salary', ['salary'])).toBe(
      `content filter hit on: ${REDACTED}`,
    );
    expect(redactUpstreamText('salaryman is fine', ['salary'])).toBe('salaryman is fine');
  });

  it('redacts every string of a JSON or Pydantic dump of the request, whatever it is', () => {
    const pydantic =
      "[{'type': 'string_type', 'loc': ('body', 'messages', 0), 'input': {'role': 'user', 'content': 'tell me the secret'}}]";
    const redacted = redactUpstreamText(pydantic, []);
    expect(redacted).not.toContain('tell me the secret');
    const json = '{"messages":[{"role":"user","content":"tell me the secret"}]}';
    expect(redactUpstreamText(json, [])).not.toContain('tell me the secret');
  });

  it('keeps quoted parameter names the request does not contain, and redacts those it does', () => {
    const text = "Invalid 'tools[0].function.name': string does not match pattern 'my_secret_tool'";
    expect(redactUpstreamText(text, ['my_secret_tool'])).toBe(
      `Invalid 'tools[0].function.name': string does not match pattern '${REDACTED}'`,
    );
  });

  it('redacts a serde error the way DeepSeek words it (backticks and double quotes)', () => {
    const text =
      'messages[0]: unknown variant `hello there`, expected one of `system`, `user` at line 1 column 40: "hello there"';
    const redacted = redactUpstreamText(text, []);
    expect(redacted).not.toContain('hello there');
    expect(redacted).toContain('`system`');
  });

  it('does not take the apostrophe of a word for a quote', () => {
    expect(redactUpstreamText("the model's input isn't valid", [])).toBe("the model's input isn't valid");
  });

  it('hides everything after a quote the cut left open', () => {
    const text = `Invalid value: '${'secret '.repeat(100)}'`;
    const redacted = redactUpstreamText(text, []);
    expect(redacted).not.toContain('secret');
    expect(redacted).toMatch(/^Invalid value: '\[redacted\] \[\d+ more chars\]$/);
  });

  it('cuts a long message and says how much it left out', () => {
    const redacted = redactUpstreamText('e'.repeat(1000), []);
    expect(redacted).toBe(`${'e'.repeat(300)} [700 more chars]`);
  });

  it('finds an echo at the very end of a request of many megabytes', { timeout: 60_000 }, () => {
    const history = Array.from({ length: 1_000_000 }, (_, index) => `word${index % 977}`).join(' ');
    const redacted = redactUpstreamText('rejected: the last words of it', [
      `${history} the last words of it`,
    ]);
    expect(redacted).toBe(`rejected:${REDACTED}`);
  });

  // Before each found window left the lookup, this took about 45 s per MiB (every request position re-checked all
  // of the text's identical windows): it froze the event loop. Now one pass; a regression shows as a timeout.
  it('redacts an echo of repetitive text (indentation, padding) in one pass over the request', () => {
    const indentation = ' '.repeat(4 * 2 ** 20);
    const redacted = redactUpstreamText(`Invalid value: '${' '.repeat(280)}'`, [indentation]);
    expect(redacted).toBe(`Invalid value: '${REDACTED}'`);
  });
});

describe('requestTexts', () => {
  it('collects the content strings of nested values, without protocol words or sealed blobs', () => {
    const input = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'the prompt' }] },
      {
        type: 'reasoning',
        encrypted_content: 'c2VhbGVk',
        summary: [{ type: 'summary_text', text: 'thought' }],
      },
    ];
    expect(requestTexts([input, { instructions: 'be brief', tool_choice: 'auto' }]).sort()).toEqual([
      'be brief',
      'the prompt',
      'thought',
    ]);
  });

  it('walks an array longer than a call may take arguments', () => {
    expect(requestTexts([Array.from({ length: 1_000_000 }, () => 'x')])).toHaveLength(1_000_000);
  });

  it('reads an object reached by two paths once (the input is also the start of the full input)', () => {
    const input = [{ role: 'user', content: 'the same prompt' }];
    expect(requestTexts([input, { input, instructions: 'be brief' }])).toEqual([
      'be brief',
      'the same prompt',
    ]);
  });

  it('walks input nested far deeper than the call stack allows', () => {
    let nested: unknown = 'deep prompt';
    for (let depth = 0; depth < 100_000; depth++) nested = [nested];
    expect(requestTexts([nested])).toEqual(['deep prompt']);
  });
});
