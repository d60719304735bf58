import { describe, expect, it } from 'vitest';
import { ThinkTagSplitter } from './think-tags.ts';

function split(pieces: string[]) {
  const splitter = new ThinkTagSplitter();
  let reasoning = '';
  let text = '';
  for (const piece of [...pieces.map((p) => splitter.push(p)), splitter.flush()]) {
    reasoning += piece.reasoning;
    text += piece.text;
  }
  return { reasoning, text };
}

describe('ThinkTagSplitter', () => {
  it('moves a leading think block into reasoning', () => {
    expect(split(['<think>plan it</think>\n\nThe answer'])).toEqual({
      reasoning: 'plan it',
      text: 'The answer',
    });
  });

  it('handles tags split across chunks', () => {
    expect(split(['<thi', 'nk>pla', 'n it</th', 'ink>Answer'])).toEqual({
      reasoning: 'plan it',
      text: 'Answer',
    });
  });

  it('leaves content without a leading think block alone', () => {
    expect(split(['Use the ', '<think> tag like this'])).toEqual({
      reasoning: '',
      text: 'Use the <think> tag like this',
    });
  });

  it("drops a stray leading </think> with no opening tag (Qwen's leak)", () => {
    expect(split(['\n</th', 'ink>\n\nThe answer'])).toEqual({ reasoning: '', text: 'The answer' });
  });

  it('returns a partial opening tag as text when the stream ends', () => {
    expect(split(['<thi'])).toEqual({ reasoning: '', text: '<thi' });
  });

  it('keeps an unterminated think block as reasoning', () => {
    expect(split(['<think>still thinking', ' when cut</'])).toEqual({
      reasoning: 'still thinking when cut</',
      text: '',
    });
  });
});
