/**
 * Splits `<think>…</think>` reasoning out of streamed content (MiniMax's OpenAI-compatible API, vLLM without a
 * reasoning parser). Only a block at the very start of the content counts, so a model writing about the tag later
 * in its answer is left alone; a stray leading `</think>` (Qwen leaks one after its thinking block) is dropped.
 * Tags may be split across chunks; text that might be a partial tag is held back.
 */

export interface SplitPiece {
  reasoning: string;
  text: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

type Phase = 'undecided' | 'thinking' | 'answering';

export class ThinkTagSplitter {
  #phase: Phase = 'undecided';
  #held = '';

  push(content: string): SplitPiece {
    const piece: SplitPiece = { reasoning: '', text: '' };
    let rest = this.#held + content;
    this.#held = '';
    if (this.#phase === 'undecided') {
      const trimmed = rest.trimStart();
      const maybeTag = (tag: string) => trimmed.length < tag.length && tag.startsWith(trimmed);
      if (maybeTag(OPEN) || maybeTag(CLOSE)) {
        this.#held = rest;
        return piece;
      }
      if (trimmed.startsWith(CLOSE)) {
        // A closing tag with no opening one (Qwen leaks "</think>" after its thinking block): drop it.
        this.#phase = 'answering';
        piece.text = trimmed.slice(CLOSE.length).replace(/^\s+/, '');
        return piece;
      }
      if (trimmed.startsWith(OPEN)) {
        this.#phase = 'thinking';
        rest = trimmed.slice(OPEN.length);
      } else {
        this.#phase = 'answering';
      }
    }
    if (this.#phase === 'thinking') {
      const close = rest.indexOf(CLOSE);
      if (close === -1) {
        const keep = partialSuffixLength(rest, CLOSE);
        piece.reasoning = rest.slice(0, rest.length - keep);
        this.#held = rest.slice(rest.length - keep);
        return piece;
      }
      piece.reasoning = rest.slice(0, close);
      rest = rest.slice(close + CLOSE.length).replace(/^\s+/, '');
      this.#phase = 'answering';
    }
    piece.text += rest;
    return piece;
  }

  /** Whatever is still held back when the stream ends. */
  flush(): SplitPiece {
    const held = this.#held;
    this.#held = '';
    return this.#phase === 'thinking' ? { reasoning: held, text: '' } : { reasoning: '', text: held };
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffixLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
