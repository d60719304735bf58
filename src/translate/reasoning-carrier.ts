/**
 * Stateless reasoning replay. DeepSeek and Kimi need an assistant message's reasoning back on later turns, and
 * Codex keeps no raw reasoning of its own, but it does echo a reasoning item's `encrypted_content` (it asks for it
 * with `include: ["reasoning.encrypted_content"]`). The bridge seals the reasoning text into that field with
 * AES-256-GCM under a local key, and opens it when the item comes back. A blob that is not ours (OpenAI's own,
 * or tampered with) fails authentication and is reported as unreadable, never trusted.
 *
 * Codex sends the whole history on every request, so a long session's blobs come back again and again: each opened
 * blob is kept (by its exact text, within a budget of characters) and opened once.
 * (docs/wire-protocols.md#reasoning-carrier)
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomFillSync } from 'node:crypto';

export interface SealedReasoning {
  /** The upstream's reasoning text exactly as it was streamed. */
  text: string;
  /** The upstream model that produced it. */
  model: string;
  /** Anthropic-format thinking signature, for upstreams that require it back. */
  signature?: string;
  /** Anthropic-format `redacted_thinking` data, replayed unchanged. */
  redacted?: string;
}

export type OpenedReasoning =
  | { ok: true; reasoning: SealedReasoning }
  | { ok: false; why: 'foreign' | 'tampered' };

export interface ReasoningCarrier {
  seal(reasoning: SealedReasoning): string;
  open(blob: string): OpenedReasoning;
}

const PREFIX = 'ocb1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from('opencode-bridge/reasoning/v1');
export const REASONING_KEY_BYTES = 32;
/** IVs drawn from one CSPRNG fill: randomBytes(12) per seal cost a call into OpenSSL on every response. */
export const IVS_PER_FILL = 256;
/**
 * What the opened blobs kept may take, counted as blob plus text characters. Opening one costs ~23 µs (a decipher
 * per blob: OpenSSL's setup dominates); a late session with 125 reasoning items spent 3.1 of its 3.7 ms of request
 * translation on them (bench/RESULTS.md, "2026-12-03"). 8 Mi characters hold a few long sessions' worth.
 */
export const OPENED_CACHE_CHARS = 8 * 1024 * 1024;

/**
 * How much of a blob keys the cache: its prefix, IV and tag (28 bytes, 38 characters of base64url), unique to one
 * seal. A hit is confirmed against the whole blob, but hashing 48 characters instead of kilobytes is what makes a
 * hit cheap (a new request's strings are new, so each lookup hashes its key again).
 */
const CACHE_KEY_CHARS = 48;

interface CachedBlob {
  key: string;
  blob: string;
  reasoning: SealedReasoning;
  size: number;
  /** Its place in `slots`. */
  slot: number;
}

/**
 * Opened blobs within a budget of characters (blob and text). When a new one does not fit, blobs chosen at random
 * make room: Codex replays a history in the same order every turn, and once that outgrows the budget, evicting the
 * least recently used blob would evict each one just before it is needed again, missing every time.
 */
export function openedCache(budgetChars: number, random: () => number = Math.random) {
  const byKey = new Map<string, CachedBlob>();
  const slots: CachedBlob[] = [];
  let chars = 0;
  const keyOf = (blob: string) => blob.slice(0, CACHE_KEY_CHARS);
  const remove = (entry: CachedBlob) => {
    const last = slots.pop() as CachedBlob;
    if (last !== entry) {
      slots[entry.slot] = last;
      last.slot = entry.slot;
    }
    byKey.delete(entry.key);
    chars -= entry.size;
  };
  return {
    get(blob: string): SealedReasoning | undefined {
      const entry = byKey.get(keyOf(blob));
      return entry !== undefined && entry.blob === blob ? entry.reasoning : undefined;
    },
    set(blob: string, reasoning: SealedReasoning): void {
      const size =
        blob.length +
        reasoning.text.length +
        (reasoning.signature?.length ?? 0) +
        (reasoning.redacted?.length ?? 0);
      if (size > budgetChars) return;
      const key = keyOf(blob);
      const kept = byKey.get(key);
      if (kept !== undefined) remove(kept);
      while (chars + size > budgetChars) remove(slots[Math.floor(random() * slots.length)] as CachedBlob);
      const entry: CachedBlob = { key, blob, reasoning, size, slot: slots.length };
      slots.push(entry);
      byKey.set(key, entry);
      chars += size;
    },
    get size(): number {
      return slots.length;
    },
    /** Characters counted against the budget. */
    get chars(): number {
      return chars;
    },
  };
}

/** Fresh random IVs, each handed out once; a new buffer is filled when one runs out (none is ever written twice). */
export function ivSource(ivBytes: number, perFill: number): () => Buffer {
  let pool = Buffer.alloc(0);
  let next = 0;
  return () => {
    if (next === pool.length) {
      pool = randomFillSync(Buffer.allocUnsafeSlow(ivBytes * perFill));
      next = 0;
    }
    next += ivBytes;
    return pool.subarray(next - ivBytes, next);
  };
}

export function createReasoningCarrier(key: Buffer, openedCacheChars = OPENED_CACHE_CHARS): ReasoningCarrier {
  if (key.length !== REASONING_KEY_BYTES)
    throw new Error(`reasoning key must be ${REASONING_KEY_BYTES} bytes`);
  // A KeyObject once, rather than a raw buffer imported again on every seal and open.
  const secret = createSecretKey(key);
  const nextIv = ivSource(IV_BYTES, IVS_PER_FILL);
  const opened = openedCache(openedCacheChars);
  const decrypt = (blob: string): OpenedReasoning => {
    try {
      const raw = Buffer.from(blob.slice(PREFIX.length), 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) return { ok: false, why: 'tampered' };
      const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, IV_BYTES)).setAAD(AAD);
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      const parsed = JSON.parse(plain.toString('utf8')) as Partial<SealedReasoning>;
      if (typeof parsed.text !== 'string' || typeof parsed.model !== 'string')
        return { ok: false, why: 'tampered' };
      // Shared by every later request that sends the same blob: nobody may change it.
      return { ok: true, reasoning: Object.freeze(parsed as SealedReasoning) };
    } catch {
      return { ok: false, why: 'tampered' };
    }
  };
  return {
    seal(reasoning) {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', secret, iv).setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(reasoning), 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
    },
    open(blob) {
      if (!blob.startsWith(PREFIX)) return { ok: false, why: 'foreign' };
      const kept = opened.get(blob);
      if (kept !== undefined) return { ok: true, reasoning: kept };
      const result = decrypt(blob);
      if (result.ok) opened.set(blob, result.reasoning);
      return result;
    },
  };
}
