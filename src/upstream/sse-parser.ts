/**
 * Server-sent events → messages, incrementally, from a byte stream. Handles CRLF, multi-line data, comments and
 * events split at any byte boundary (including inside a multi-byte UTF-8 character).
 */

export interface SseMessage {
  event: string | undefined;
  data: string;
}

export class SseParser {
  readonly #decoder = new TextDecoder();
  #buffer = '';
  #event: string | undefined;
  #data: string[] = [];

  push(bytes: Uint8Array): SseMessage[] {
    this.#buffer += this.#decoder.decode(bytes, { stream: true });
    return this.#drain();
  }

  /** Call at end of stream: a final event without its blank line still counts. */
  end(): SseMessage[] {
    this.#buffer += this.#decoder.decode();
    const messages = this.#drain();
    if (this.#buffer.length > 0) {
      this.#line(this.#buffer, messages);
      this.#buffer = '';
    }
    this.#dispatch(messages);
    return messages;
  }

  #drain(): SseMessage[] {
    const messages: SseMessage[] = [];
    let start = 0;
    for (;;) {
      const newline = this.#buffer.indexOf('\n', start);
      if (newline === -1) break;
      const end = newline > start && this.#buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.#line(this.#buffer.slice(start, end), messages);
      start = newline + 1;
    }
    this.#buffer = this.#buffer.slice(start);
    return messages;
  }

  #line(line: string, messages: SseMessage[]): void {
    if (line === '') {
      this.#dispatch(messages);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
  }

  #dispatch(messages: SseMessage[]): void {
    if (this.#data.length > 0) messages.push({ event: this.#event, data: this.#data.join('\n') });
    this.#data = [];
    this.#event = undefined;
  }
}
