/**
 * Non-terminal answers: a final message with no tool call that only announces what the model is about to do
 * ("I will run the tests now.") instead of doing it or reporting. Kept narrow on purpose: short, opening with an
 * announcement, and with nothing that looks like a result (code, lists, several paragraphs).
 */

const ANNOUNCEMENT =
  /^(?:ok(?:ay)?[,.!]?\s+|great[,.!]?\s+|sure[,.!]?\s+|now[,]?\s+|next[,]?\s+|first[,]?\s+)?(?:i(?:'ll| will| am going to|'m going to| shall)|let me|let's|running|starting|executing|proceeding|now running|going to)\b/i;
const MAX_ANNOUNCEMENT_CHARS = 400;

export function isNonTerminalAnswer(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_ANNOUNCEMENT_CHARS) return false;
  if (/```|^\s*[-*\d]+[.)]?\s/m.test(trimmed) || trimmed.includes('\n\n')) return false;
  return ANNOUNCEMENT.test(trimmed);
}

export const NON_TERMINAL_NUDGE =
  '[opencode-bridge] Your last message only announced what you were going to do, and the turn ended there. ' +
  'Do it now: call the tool you need, or, if you have everything, give your final answer in the requested format.';
