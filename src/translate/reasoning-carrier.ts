/**
 * Stateless reasoning replay. DeepSeek and Kimi need an assistant message's reasoning back on later turns, and
 * Codex keeps no raw reasoning of its own, but it does echo a reasoning item's `encrypted_content` (it asks for it
 * with `include: ["reasoning.encrypted_content"]`). The bridge seals the reasoning text into that field with
 * AES-256-GCM under a local key, and opens it when the item comes back. A blob that is not ours (OpenAI's own,
 * or tampered with) fails authentication and is reported as unreadable, never trusted.
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

export function createReasoningCarrier(key: Buffer): ReasoningCarrier {
  if (key.length !== REASONING_KEY_BYTES)
    throw new Error(`reasoning key must be ${REASONING_KEY_BYTES} bytes`);
  // A KeyObject once, rather than a raw buffer imported again on every seal and open.
  const secret = createSecretKey(key);
  const nextIv = ivSource(IV_BYTES, IVS_PER_FILL);
  return {
    seal(reasoning) {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', secret, iv).setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(reasoning), 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
    },
    open(blob) {
      if (!blob.startsWith(PREFIX)) return { ok: false, why: 'foreign' };
      try {
        const raw = Buffer.from(blob.slice(PREFIX.length), 'base64url');
        if (raw.length < IV_BYTES + TAG_BYTES) return { ok: false, why: 'tampered' };
        const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, IV_BYTES)).setAAD(AAD);
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
        const parsed = JSON.parse(plain.toString('utf8')) as Partial<SealedReasoning>;
        if (typeof parsed.text !== 'string' || typeof parsed.model !== 'string')
          return { ok: false, why: 'tampered' };
        return { ok: true, reasoning: parsed as SealedReasoning };
      } catch {
        return { ok: false, why: 'tampered' };
      }
    },
  };
}
