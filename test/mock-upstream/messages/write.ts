// Executes a Reply on the /messages endpoint, reusing the Chat endpoint's wire-step executor.
import type { ServerResponse } from 'node:http';
import type { Reply } from '../replies.ts';
import {
  executeSteps,
  JSON_HEADERS,
  type ReplyConnection,
  SSE_HEADERS,
  sleep,
  writeErrorReply,
} from '../write-reply.ts';
import { planMessagesJson, planMessagesSse } from './plan.ts';
import type { MessagesRequestBody } from './validate-messages.ts';

export async function writeMessagesReply(
  res: ServerResponse,
  reply: Reply,
  body: MessagesRequestBody,
  connection: ReplyConnection,
): Promise<void> {
  const inputTokens = Math.max(1, Math.ceil(JSON.stringify(body.messages).length / 4));
  switch (reply.kind) {
    case 'error':
      return writeErrorReply(res, reply);
    case 'hang-before-headers':
      await sleep(reply.ms, connection.signal);
      if (connection.signal.aborted) return;
      if (reply.reply) return writeMessagesReply(res, reply.reply, body, connection);
      connection.destroy();
      return;
    default:
      if (body.stream !== true)
        return executeSteps(res, planMessagesJson(reply, body.model, inputTokens), JSON_HEADERS, connection);
      res.writeHead(200, SSE_HEADERS);
      res.flushHeaders();
      return executeSteps(res, planMessagesSse(reply, body.model, inputTokens), SSE_HEADERS, connection);
  }
}
