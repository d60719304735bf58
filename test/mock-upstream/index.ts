// One import for the bridge's integration and e2e tests:
//
//   const upstream = await startMockUpstream({ apiKey: 'sk-test' });
//   upstream.enqueue(stream({ reasoning: 'Let me look.', toolCalls: [{ name: 'shell', arguments: '{"cmd":"ls"}' }] }));
//   upstream.script((request, { callIndex }) => textReply(`turn ${callIndex}`));
//   ... point the bridge at upstream.baseUrl, drive it, then inspect upstream.requests ...
//   await upstream.close();
export type { ChatMessage, ChatRequestBody, ChatTool, ChatToolCall } from './chat-request.ts';
export { DEFAULT_MODEL_IDS, familyOf } from './models.ts';
export * from './replies.ts';
export * from './server.ts';
