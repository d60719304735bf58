/**
 * Upstream error text as a log line may show it. Upstreams quote the request they reject ("Invalid value
 * 'my prompt…'", a Pydantic dump of the offending message, a serde error with the string it choked on), so
 * without PROXY_LOG_BODIES=1 the log gets that text cut short, with every quoted span and every run it shares
 * with the request's own text replaced by [redacted]. A quoted name that looks like a parameter path
 * ('messages[3].content', 'invalid_value') stays when the request does not contain it: it says what was wrong.
 * Pure; linear in the size of the request text.
 */

export const REDACTED = '[redacted]';

/** Longest upstream text a log line keeps; the client still gets all of it. */
const MAX_LOGGED_CHARS = 300;
/** A run this long that also occurs in the request is taken to be quoted from it, quotes or not. */
const SHARED_RUN_CHARS = 12;
/** Quoted names checked against the request; any beyond these are redacted unchecked (the check costs a scan). */
const MAX_CHECKED_NAMES = 8;
const NAME = /^[\w$.[\]:/-]{1,64}$/;
/**
 * Request fields whose values are protocol words (`message`, `user`, `completed`, `auto`) rather than content, or
 * sealed blobs never sent upstream: left out of the comparison.
 */
const SKIPPED_KEYS = new Set([
  'type',
  'role',
  'status',
  'model',
  'tool_choice',
  'effort',
  'verbosity',
  'include',
  'encrypted_content',
]);

export function redactUpstreamText(text: string, requestTexts: readonly string[]): string {
  const kept = text.slice(0, MAX_LOGGED_CHARS);
  const hidden = new Uint8Array(kept.length);
  hideSharedRuns(kept, requestTexts, hidden);
  hideQuotedSpans(kept, requestTexts, hidden);
  const cut = text.length - kept.length;
  return render(kept, hidden) + (cut > 0 ? ` [${cut} more chars]` : '');
}

/**
 * Every string in the request's values (input, instructions, tools…), found without recursion (input may nest deep),
 * each object once (the request's input is also the start of the full input: it is read once).
 */
export function requestTexts(values: readonly unknown[]): string[] {
  const texts: string[] = [];
  const pending: unknown[] = [...values];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.length > 0) texts.push(value);
      continue;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      // One by one: spreading a huge array into push() overflows the argument limit.
      for (const item of value) pending.push(item);
    } else {
      for (const [key, entry] of Object.entries(value)) if (!SKIPPED_KEYS.has(key)) pending.push(entry);
    }
  }
  return texts;
}

function render(text: string, hidden: Uint8Array): string {
  let out = '';
  for (let index = 0; index < text.length; ) {
    if (!hidden[index]) {
      out += text[index];
      index += 1;
      continue;
    }
    while (index < text.length && hidden[index]) index += 1;
    out += REDACTED;
  }
  return out;
}

function hide(hidden: Uint8Array, from: number, to: number): void {
  hidden.fill(1, from, to);
}

/**
 * Marks every SHARED_RUN_CHARS-long window of `text` that occurs in a request text: a rolling hash over the request
 * (one pass, no substring per position) looked up among the windows of the short `text`, confirmed by comparison.
 * A window found once is done: it leaves the lookup, and the scan stops when none is left, so a repetitive request
 * (indented code, padding) costs one pass like any other. A request text shorter than a window (a one-line prompt)
 * is looked for whole, as a word.
 */
function hideSharedRuns(text: string, requestTexts: readonly string[], hidden: Uint8Array): void {
  const size = SHARED_RUN_CHARS;
  if (text.length < size) return;
  const windows: string[] = [];
  const starts = new Map<number, number[]>();
  const filter = new Uint8Array(FILTER_SIZE);
  let hash = hashOf(text, size);
  for (let start = 0; ; start++) {
    windows.push(text.slice(start, start + size));
    const sameHash = starts.get(hash);
    if (sameHash) sameHash.push(start);
    else starts.set(hash, [start]);
    filter[hash & FILTER_MASK] = 1;
    if (start + size >= text.length) break;
    hash = rolled(hash, text.charCodeAt(start), text.charCodeAt(start + size));
  }
  let unfound = windows.length;
  for (const source of requestTexts) {
    if (source.length < size) {
      hideWord(text, source, hidden);
      continue;
    }
    // The hot loop of the whole module: plain integer arithmetic and one typed-array read per request char.
    let rolling = hashOf(source, size);
    for (let start = 0; unfound > 0; start++) {
      if (filter[rolling & FILTER_MASK] === 1) {
        const candidates = starts.get(rolling);
        if (candidates) unfound -= hideFound(candidates, windows, source, start, hidden);
      }
      if (start + size >= source.length) break;
      rolling = rolled(rolling, source.charCodeAt(start), source.charCodeAt(start + size));
    }
  }
}

/** Hides the candidate windows that `source` has at `start`, drops them from the candidates, and counts them. */
function hideFound(
  candidates: number[],
  windows: readonly string[],
  source: string,
  start: number,
  hidden: Uint8Array,
): number {
  let found = 0;
  for (let index = candidates.length - 1; index >= 0; index--) {
    const at = candidates[index] as number;
    if (!source.startsWith(windows[at] as string, start)) continue;
    hide(hidden, at, at + SHARED_RUN_CHARS);
    candidates.splice(index, 1);
    found += 1;
  }
  return found;
}

const BASE = 31;
const FILTER_SIZE = 1 << 16;
const FILTER_MASK = FILTER_SIZE - 1;
/** BASE^(SHARED_RUN_CHARS - 1), in 32-bit arithmetic: the weight of the char leaving the window. */
const HIGH_POWER = Array.from({ length: SHARED_RUN_CHARS - 1 }).reduce<number>(
  (power) => Math.imul(power, BASE),
  1,
);

function hashOf(source: string, size: number): number {
  let hash = 0;
  for (let index = 0; index < size; index++) hash = (Math.imul(hash, BASE) + source.charCodeAt(index)) | 0;
  return hash;
}

function rolled(hash: number, leaving: number, entering: number): number {
  return (Math.imul(hash - Math.imul(leaving, HIGH_POWER), BASE) + entering) | 0;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const MIN_WORD_CHARS = 4;

function hideWord(text: string, word: string, hidden: Uint8Array): void {
  if (word.trim().length < MIN_WORD_CHARS) return;
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if ((before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after)))
      hide(hidden, at, at + word.length);
  }
}

const OPENS_AFTER = /[\s([{:=,]/;
const CLOSES_BEFORE = /[\s)\]}.,:;!?]/;

/**
 * Marks the inside of every quoted span: "…", `…`, and '…' where the quote stands at a word's edge (so the
 * apostrophe in "model's" opens nothing). A quote left open (the text was cut) hides everything after it.
 */
function hideQuotedSpans(text: string, requestTexts: readonly string[], hidden: Uint8Array): void {
  let checked = 0;
  for (let index = 0; index < text.length; index++) {
    const quote = text[index] as string;
    if (!isOpeningQuote(text, index)) continue;
    const close = closingQuote(text, index + 1, quote);
    const end = close === -1 ? text.length : close;
    const inside = text.slice(index + 1, end);
    const keep =
      close !== -1 &&
      NAME.test(inside) &&
      checked++ < MAX_CHECKED_NAMES &&
      !requestTexts.some((source) => source.includes(inside));
    if (!keep) hide(hidden, index + 1, end);
    index = end;
  }
}

function isOpeningQuote(text: string, index: number): boolean {
  const char = text[index];
  if (char === '"' || char === '`') return true;
  return char === "'" && (index === 0 || OPENS_AFTER.test(text[index - 1] as string));
}

function closingQuote(text: string, from: number, quote: string): number {
  for (let index = text.indexOf(quote, from); index !== -1; index = text.indexOf(quote, index + 1)) {
    if (quote !== "'" || index + 1 === text.length || CLOSES_BEFORE.test(text[index + 1] as string))
      return index;
  }
  return -1;
}
