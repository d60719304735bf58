/**
 * Non-terminal answers: a final message with no tool call that only announces what the model is about to do
 * ("I will run the tests now.") instead of doing it or reporting. Kept narrow on purpose: short, opening with an
 * announcement, one sentence, and with nothing that looks like a result, a question or a hand-back (numbers, colons,
 * "not", "passed", "let me know").
 */

const ANNOUNCEMENT =
  /^(?:ok(?:ay)?[,.!]?\s+|great[,.!]?\s+|sure[,.!]?\s+|now[,]?\s+|next[,]?\s+|first[,]?\s+)?(?:i(?:'ll| will| am going to|'m going to| shall)|let me|let's|running|starting|executing|proceeding|now running|going to)\b/i;
const MAX_ANNOUNCEMENT_CHARS = 200;
/** Anything that reads like a result, a question or a hand-back rather than an announcement. */
const REPORT_SIGNS =
  /[:\d?]|```|\blet me know\b|\bnot\b|n't\b|\b(shows?|showed|passe[sd]|fail(s|ed)|returns?|returned|found|contains?|done)\b/i;

export function isNonTerminalAnswer(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_ANNOUNCEMENT_CHARS || trimmed.includes('\n')) return false;
  // One sentence only: a second one is usually the report itself.
  if (/[.!?]\s+\S/.test(trimmed) || REPORT_SIGNS.test(trimmed)) return false;
  return ANNOUNCEMENT.test(trimmed);
}

export const NON_TERMINAL_NUDGE =
  '[opencode-bridge] Your last message only announced what you were going to do, and the turn ended there. ' +
  'Do it now: call the tool you need, or, if you have everything, give your final answer in the requested format.';
