// Strict request validation in the order a real OpenCode Go request meets it:
//   1. gateway auth            → 401 OpenAI-shaped
//   2. x-opencode-session      → 400 MissingSessionID (Go gateway shape)
//   3. Chat Completions body   → 400 OpenAI-shaped (JSON, model, messages, Responses-only fields, tools)
//      and the model must be served on /chat/completions → 401 ModelError
//   4. family rules            → the provider's own 400 (family-rules.ts)
//   5. tool pairing and names  → 400 for every family (tool-pairing.ts)

import type { ChatRequestBody } from './chat-request.ts';
import { familyRules, firstFailure } from './family-rules.ts';
import { familyOf, isServedOnlyAsMessages } from './models.ts';
import {
  dialectOf,
  goGatewayErrorBody,
  missingSessionBody,
  openAiErrorBody,
  unsupportedModelMessage,
  wrongFormatModelMessage,
} from './provider-errors.ts';
import { type ErrorReply, errorReply } from './replies.ts';
import { checkToolCallPairing, checkToolNames } from './tool-pairing.ts';
import { checkToolDefinitions, parseChatBody } from './validate-body.ts';

export interface IncomingRequest {
  headers: Record<string, string>;
  rawBody: string;
}

export interface ValidationOptions {
  apiKey?: string;
  modelIds: readonly string[];
}

export type ValidationResult = { ok: true; body: ChatRequestBody } | { ok: false; reply: ErrorReply };

const MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer " +
  "auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're " +
  'accessing the API from your browser and are prompted for a username and password. You can obtain an API ' +
  'key from https://platform.openai.com/account/api-keys.';

function maskKey(key: string): string {
  return key.length <= 8
    ? '*'.repeat(key.length)
    : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

export function checkAuthorization(
  headers: Record<string, string>,
  apiKey: string | undefined,
): ErrorReply | null {
  if (apiKey === undefined) return null;
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  if (!match?.[1]) return errorReply(401, openAiErrorBody(MISSING_KEY_MESSAGE));
  if (match[1].trim() === apiKey) return null;
  return errorReply(
    401,
    openAiErrorBody(
      `Incorrect API key provided: ${maskKey(match[1].trim())}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      { code: 'invalid_api_key' },
    ),
  );
}

export function checkSessionHeader(headers: Record<string, string>): ErrorReply | null {
  return (headers['x-opencode-session'] ?? '').trim() === '' ? errorReply(400, missingSessionBody()) : null;
}

export function checkModelIsServed(model: string, modelIds: readonly string[]): ErrorReply | null {
  if (!modelIds.includes(model))
    return errorReply(401, goGatewayErrorBody('ModelError', unsupportedModelMessage(model)));
  if (isServedOnlyAsMessages(model)) {
    return errorReply(401, goGatewayErrorBody('ModelError', wrongFormatModelMessage(model)));
  }
  return null;
}

function checkParsedBody(body: ChatRequestBody, options: ValidationOptions): ErrorReply | null {
  const family = familyOf(body.model);
  const dialect = dialectOf(family);
  return (
    checkToolDefinitions(body, dialect) ??
    checkModelIsServed(body.model, options.modelIds) ??
    firstFailure(body, familyRules(family)) ??
    checkToolCallPairing(body, dialect) ??
    checkToolNames(body, dialect)
  );
}

export function validateChatRequest(request: IncomingRequest, options: ValidationOptions): ValidationResult {
  const gatewayFailure =
    checkAuthorization(request.headers, options.apiKey) ?? checkSessionHeader(request.headers);
  if (gatewayFailure) return { ok: false, reply: gatewayFailure };
  const parsed = parseChatBody(request.rawBody);
  if (!parsed.ok) return parsed;
  const failure = checkParsedBody(parsed.body, options);
  return failure ? { ok: false, reply: failure } : parsed;
}
