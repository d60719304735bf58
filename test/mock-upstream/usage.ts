// Plausible token counts when a reply does not pin its own usage: about four characters a token.

import type { ChatRequestBody } from './chat-request.ts';
import type { CompletionUsage, ToolCallSpec } from './replies.ts';

export interface GeneratedOutput {
  reasoning: string;
  text: string;
  toolCalls: ToolCallSpec[];
}

const CHARACTERS_PER_TOKEN = 4;

function tokensFor(characters: number): number {
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

function outputCharacters(output: GeneratedOutput): number {
  const toolCharacters = output.toolCalls.reduce(
    (sum, call) => sum + call.name.length + call.arguments.length,
    0,
  );
  return output.reasoning.length + output.text.length + toolCharacters;
}

export function estimateUsage(request: ChatRequestBody, output: GeneratedOutput): CompletionUsage {
  const promptTokens = tokensFor(JSON.stringify(request).length);
  const completionTokens = tokensFor(outputCharacters(output));
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: tokensFor(output.reasoning.length) },
  };
}
