import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('SseParser', () => {
  it('yields one message per blank-line-terminated event', () => {
    const parser = new SseParser();
    expect(parser.push(bytes('data: {"a":1}\n\ndata: [DONE]\n\n'))).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('reassembles events split across reads, including inside a UTF-8 character', () => {
    const parser = new SseParser();
    const all = bytes('event: x\r\ndata: h\u00e9llo\r\n\r\n');
    const split = 15;
    expect([...parser.push(all.slice(0, split)), ...parser.push(all.slice(split))]).toEqual([
      { event: 'x', data: 'h\u00e9llo' },
    ]);
  });

  it('ignores comments and joins multi-line data', () => {
    const parser = new SseParser();
    expect(parser.push(bytes(': keepalive\ndata: a\ndata: b\n\n'))).toEqual([
      { event: undefined, data: 'a\nb' },
    ]);
  });

  it('delivers a final event that lacks its blank line at end of stream', () => {
    const parser = new SseParser();
    expect(parser.push(bytes('data: last'))).toEqual([]);
    expect(parser.end()).toEqual([{ event: undefined, data: 'last' }]);
  });
});
