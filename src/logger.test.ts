import { describe, expect, it } from 'vitest';
import { humanLine } from './logger.ts';

describe('humanLine', () => {
  it('shows time, level, message and the fields that matter', () => {
    const line = humanLine(
      JSON.stringify({
        level: 30,
        time: '2026-11-25T12:00:01.000Z',
        service: 'opencode-bridge',
        msg: 'response',
        model: 'ocg-x',
        usage: { input_tokens: 3 },
      }),
    );
    expect(line).toBe('12:00:01 INFO  response model=ocg-x usage={"input_tokens":3}');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(humanLine('not json')).toBe('not json');
  });
});
