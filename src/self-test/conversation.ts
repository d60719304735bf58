/**
 * The conversation the self-test plays: Codex asks a question, the model thinks and calls a tool, Codex sends the
 * tool's output back with the reasoning item it received, and the model answers. DeepSeek is the model because it
 * is the strictest about reasoning replay: it rejects a tool-call turn whose reasoning_content is missing.
 */
import type { ChatMessage, ChatRequest, ScriptedTurn } from './scripted-upstream.ts';

export const MODEL = 'ocg-deepseek-v4-pro';
const UPSTREAM_MODEL = 'deepseek-v4-pro';
export const PROMPT = 'Which files are in this project?';
export const TOOL_NAME = 'exec_command';
export const CALL_ARGUMENTS = '{"cmd":"ls"}';
export const TOOL_OUTPUT = 'README.md\nsrc';
export const FIRST_REASONING = 'The user wants the file list, so I will run ls.';
const SECOND_REASONING = 'The listing shows two entries.';
export const ANSWER = 'The project holds README.md and the src directory.';
const UPSTREAM_CALL_ID = 'call_self_test_1';

/** Codex's function tool, in the Responses API shape. */
const EXEC_COMMAND_TOOL = {
  type: 'function',
  name: TOOL_NAME,
  description: 'Runs a command in a shell and returns its output.',
  strict: false,
  parameters: {
    type: 'object',
    properties: { cmd: { type: 'string', description: 'Shell command to execute.' } },
    required: ['cmd'],
    additionalProperties: false,
  },
};

/** A request body as Codex sends it: streaming, stateless, reasoning carried back encrypted. */
export function responsesRequest(input: unknown[]): Record<string, unknown> {
  return {
    model: MODEL,
    instructions: 'You are a coding agent running a self-test.',
    input,
    tools: [EXEC_COMMAND_TOOL],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
  };
}

export const USER_MESSAGE = {
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text: PROMPT }],
};

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let start = 0; start < text.length; start += size) result.push(text.slice(start, start + size));
  return result;
}

function reasoningDeltas(text: string): object[] {
  return pieces(text, 12).map((piece) => ({ content: null, reasoning_content: piece }));
}

function textOf(message: ChatMessage | undefined): string {
  if (typeof message?.content === 'string') return message.content;
  if (!Array.isArray(message?.content)) return '';
  return message.content.map((part: { text?: string }) => part.text ?? '').join('');
}

function firstTurnProblems(request: ChatRequest): string[] {
  const problems: string[] = [];
  if (request.model !== UPSTREAM_MODEL)
    problems.push(`model is ${request.model}, expected ${UPSTREAM_MODEL}`);
  const tool = request.tools?.find((candidate) => candidate.function?.name === TOOL_NAME);
  if (tool?.type !== 'function') problems.push(`the ${TOOL_NAME} tool was not sent as a Chat function tool`);
  const user = request.messages?.findLast((message) => message.role === 'user');
  if (!textOf(user).includes(PROMPT)) problems.push('the user prompt is missing from the messages');
  return problems;
}

function secondTurnProblems(request: ChatRequest): string[] {
  const problems: string[] = [];
  const messages = request.messages ?? [];
  const assistant = messages.find((message) => message.role === 'assistant' && message.tool_calls?.length);
  const call = assistant?.tool_calls?.[0];
  if (!call) return ['the assistant tool call of turn 1 was not replayed'];
  if (call.function?.name !== TOOL_NAME || call.function.arguments !== CALL_ARGUMENTS) {
    problems.push(`the replayed tool call is ${JSON.stringify(call.function)}`);
  }
  if (assistant?.reasoning_content !== FIRST_REASONING) {
    problems.push(
      `reasoning was not replayed on the tool-call message (reasoning_content: ${JSON.stringify(assistant?.reasoning_content)})`,
    );
  }
  const output = messages.find((message) => message.role === 'tool');
  if (!output || output.tool_call_id !== call.id)
    problems.push('no tool message answers the replayed call id');
  else if (textOf(output) !== TOOL_OUTPUT) problems.push('the tool output was not passed through unchanged');
  return problems;
}

export const UPSTREAM_TURNS: readonly ScriptedTurn[] = [
  {
    problems: firstTurnProblems,
    deltas: [
      { role: 'assistant', content: null, reasoning_content: '' },
      ...reasoningDeltas(FIRST_REASONING),
      {
        tool_calls: [
          { index: 0, id: UPSTREAM_CALL_ID, type: 'function', function: { name: TOOL_NAME, arguments: '' } },
        ],
      },
      ...pieces(CALL_ARGUMENTS, 5).map((fragment) => ({
        tool_calls: [{ index: 0, function: { arguments: fragment } }],
      })),
    ],
    finishReason: 'tool_calls',
  },
  {
    problems: secondTurnProblems,
    deltas: [
      { role: 'assistant', content: '' },
      ...reasoningDeltas(SECOND_REASONING),
      ...pieces(ANSWER, 9).map((content) => ({ content })),
    ],
    finishReason: 'stop',
  },
];
