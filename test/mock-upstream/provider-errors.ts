// Error body shapes as the real providers send them (docs/providers.md#gateway-errors). OpenCode Go mixes
// OpenAI-shaped bodies ({error:{message,type,param,code}}) with its own gateway shape
// ({type:'error',error:{type,message}}); each upstream family keeps its own dialect.

import type { ModelFamily } from './models.ts';

export type ErrorDialect = 'openai' | 'deepseek' | 'moonshot' | 'zai';

const DIALECT_BY_FAMILY: Record<ModelFamily, ErrorDialect> = {
  deepseek: 'deepseek',
  kimi: 'moonshot',
  glm: 'zai',
  qwen: 'openai',
  minimax: 'openai',
  generic: 'openai',
};

export function dialectOf(family: ModelFamily): ErrorDialect {
  return DIALECT_BY_FAMILY[family];
}

export interface OpenAiErrorFields {
  type?: string;
  param?: string | null;
  code?: string | null;
}

export function openAiErrorBody(message: string, fields: OpenAiErrorFields = {}) {
  return {
    error: {
      message,
      type: fields.type ?? 'invalid_request_error',
      param: fields.param ?? null,
      code: fields.code ?? null,
    },
  };
}

export function invalidRequestBody(
  dialect: ErrorDialect,
  message: string,
  param: string | null = null,
  code: string | null = null,
): unknown {
  switch (dialect) {
    case 'openai':
      return openAiErrorBody(message, { param, code });
    case 'deepseek':
      return {
        error: { message, type: 'invalid_request_error', param: null, code: 'invalid_request_error' },
      };
    case 'moonshot':
      return { error: { message, type: 'invalid_request_error' } };
    case 'zai':
      // 1214 is Z.AI's "invalid parameter" code (cornellsh/codex-proxy#1).
      return { error: { code: '1214', message } };
    default: {
      const unknownDialect: never = dialect;
      throw new Error(`unknown error dialect ${String(unknownDialect)}`);
    }
  }
}

export function goGatewayErrorBody(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}

export const MISSING_SESSION_MESSAGE =
  'Error from provider (Console Go): Request is missing x-opencode-session and cannot be routed efficiently. ' +
  'Please see https://opencode.ai/docs/go/#where-can-i-use-it';

export function missingSessionBody() {
  return goGatewayErrorBody('MissingSessionID', MISSING_SESSION_MESSAGE);
}

export function providerRateLimitBody() {
  return openAiErrorBody('Error from provider (Console Go): Provider rate limit exceeded', {
    type: 'rate_limit_error',
    code: 'provider_rate_limit_exceeded',
  });
}

export function contextLengthBody(maxTokens: number, requestedTokens: number) {
  return openAiErrorBody(
    `This model's maximum context length is ${maxTokens} tokens. However, your messages resulted in ` +
      `${requestedTokens} tokens. Please reduce the length of the messages.`,
    { param: 'messages', code: 'context_length_exceeded' },
  );
}

export function internalServerErrorBody() {
  return { type: 'error', message: 'Internal server error' };
}

export function unsupportedModelMessage(model: string): string {
  return `Model ${model} not supported`;
}

export function wrongFormatModelMessage(model: string): string {
  return `Model ${model} is not supported for format oa-compat`;
}
