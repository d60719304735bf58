/**
 * Responses input items → Chat Completions messages. Stateless: the whole history Codex sends is translated every
 * turn. One model turn (reasoning, text, tool calls) becomes one assistant message, so parallel calls stay
 * parallel; each call is followed by its tool message, in call order, wherever its output sat in the input. The
 * history is repaired so a strict upstream accepts it: an unanswered call gets a "no output" tool message, and an
 * output whose call is missing is re-attached from the state store or dropped, with a note either way.
 */
import { assertNever } from '../assert-never.ts';
import type { ModelProfile } from '../models/profiles.ts';
import type { ContentPart, InputItem } from '../responses/input-items.ts';
import type {
  AssistantMessage,
  ChatContentPart,
  ChatMessage,
  ChatToolCall,
  ThinkingBlock,
} from '../upstream/chat-types.ts';
import type { CompactionLimits } from './compact-output.ts';
import type { TranslationNote } from './notes.ts';
import type { OpenedReasoning } from './reasoning-carrier.ts';
import { ToolOutputQueue, toolReplies } from './tool-outputs.ts';
import { TOOL_SEARCH, type ToolKind, type ToolNames } from './tools.ts';

export interface RecoveredCall {
  kind: ToolKind;
  name: string;
  namespace?: string;
  arguments: string;
}

/** Where replayed reasoning and lost calls come from: the sealed carrier first, the state store as a backup. */
export interface HistoryLookup {
  openReasoning(blob: string): OpenedReasoning;
  reasoningByItemId(itemId: string): string | undefined;
  reasoningByCallId(callId: string): string | undefined;
  callByCallId(callId: string): RecoveredCall | undefined;
}

export { NO_OUTPUT_TEXT } from './tool-outputs.ts';

interface PendingTurn {
  text: string[];
  reasoning: string[];
  /** A reasoning item of this turn was readable (its text may be empty: the model did not reason). */
  reasoningKnown: boolean;
  /** Signed blocks, in order, for upstreams that need thinking back exactly as they sent it. */
  thinkingBlocks: ThinkingBlock[];
  toolCalls: ChatToolCall[];
  /** Why this turn's sealed reasoning could not be opened, per blob (see noteReasoningLoss). */
  unopened: UnopenedWhy[];
}

type UnopenedWhy = Extract<OpenedReasoning, { ok: false }>['why'];

interface BuildContext {
  profile: ModelProfile;
  names: ToolNames;
  lookup: HistoryLookup;
  notes: TranslationNote[];
  /** Guardrail: long tool outputs go upstream as head and tail. */
  compaction?: CompactionLimits;
}

function emptyTurn(): PendingTurn {
  return { text: [], reasoning: [], reasoningKnown: false, thinkingBlocks: [], toolCalls: [], unopened: [] };
}

function partsToText(parts: readonly ContentPart[], context: BuildContext): string {
  return parts.map((part) => partToText(part, context)).join('');
}

function partToText(part: ContentPart, context: BuildContext): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'image':
      context.notes.push({ kind: 'image_replaced', detail: 'image in a text-only position' });
      return '[image omitted: it cannot be sent in this position]';
    case 'file':
      context.notes.push({ kind: 'file_replaced', detail: `file ${part.filename ?? '(unnamed)'}` });
      return `[file omitted: ${part.filename ?? 'unnamed file'}; attached files are not supported by this bridge]`;
  }
}

function userContent(parts: readonly ContentPart[], context: BuildContext): string | ChatContentPart[] {
  if (!parts.some((part) => part.type === 'image')) return partsToText(parts, context);
  return parts.map((part): ChatContentPart => {
    if (part.type !== 'image') return { type: 'text', text: partToText(part, context) };
    if (!context.profile.acceptsImages) {
      context.notes.push({
        kind: 'image_replaced',
        detail: `${context.profile.family} models do not accept images`,
      });
      return { type: 'text', text: '[image omitted: this model does not accept images]' };
    }
    return {
      type: 'image_url',
      image_url: part.detail ? { url: part.imageUrl, detail: part.detail } : { url: part.imageUrl },
    };
  });
}

interface ReplayedReasoning {
  text: string | undefined;
  block: ThinkingBlock | undefined;
  /** The item's sealed reasoning could not be opened, and why. */
  unopened?: UnopenedWhy;
}

function replayedReasoning(
  item: Extract<InputItem, { type: 'reasoning' }>,
  context: BuildContext,
): ReplayedReasoning {
  let unopened: UnopenedWhy | undefined;
  if (item.encryptedContent) {
    const opened = context.lookup.openReasoning(item.encryptedContent);
    if (opened.ok) {
      const { text, signature, redacted } = opened.reasoning;
      const block: ThinkingBlock | undefined = redacted
        ? { type: 'redacted_thinking', data: redacted }
        : signature
          ? { type: 'thinking', thinking: text, signature }
          : undefined;
      return { text, block };
    }
    unopened = opened.why;
    context.notes.push({
      kind: 'reasoning_unreadable',
      detail: `reasoning item ${item.id ?? '(no id)'}: ${opened.why === 'foreign' ? 'not sealed by this bridge' : 'failed authentication'}`,
    });
  }
  return {
    text: (item.id ? context.lookup.reasoningByItemId(item.id) : undefined) ?? item.text,
    block: undefined,
    unopened,
  };
}

function toolCallArguments(
  item: Extract<InputItem, { type: 'function_call' | 'custom_tool_call' | 'local_shell_call' }>,
) {
  switch (item.type) {
    case 'function_call':
      return item.arguments;
    case 'custom_tool_call':
      return JSON.stringify({ input: item.input });
    case 'local_shell_call': {
      const action = (item.action ?? {}) as Record<string, unknown>;
      return JSON.stringify({
        command: action.command ?? [],
        ...(action.working_directory ? { working_directory: action.working_directory } : {}),
        ...(action.timeout_ms ? { timeout_ms: action.timeout_ms } : {}),
      });
    }
  }
}

function chatToolCall(id: string, name: string, args: string): ChatToolCall {
  return { id, type: 'function', function: { name, arguments: args } };
}

function assistantMessage(turn: PendingTurn, context: BuildContext): AssistantMessage {
  const { profile } = context;
  const hasCalls = turn.toolCalls.length > 0;
  let reasoning = turn.reasoning.join('\n\n') || undefined;
  // The state store is a backup for reasoning the client dropped, not for reasoning that was empty.
  if (reasoning === undefined && hasCalls && !turn.reasoningKnown) {
    reasoning = context.lookup.reasoningByCallId(turn.toolCalls[0]?.id ?? '');
  }
  let text = turn.text.join('');
  const message: AssistantMessage = { role: 'assistant', content: null };

  const needsReasoning = profile.replay.scope === 'all' || hasCalls;
  if (profile.replay.into === 'reasoning_content') {
    if (reasoning) message.reasoning_content = reasoning;
    else if (needsReasoning && profile.replay.placeholder !== null) {
      message.reasoning_content = profile.replay.placeholder;
      if (hasCalls)
        context.notes.push({ kind: 'reasoning_missing', detail: `call ${turn.toolCalls[0]?.id}` });
    }
  } else if (profile.replay.into === 'think-tags' && reasoning) {
    text = `<think>${reasoning}</think>\n\n${text}`;
  } else if (profile.replay.into === 'thinking-blocks' && turn.thinkingBlocks.length > 0) {
    message.thinking_blocks = turn.thinkingBlocks;
  }

  if (text.length > 0) message.content = text;
  else if (profile.requiresAssistantContent || !hasCalls) message.content = '';
  if (hasCalls) message.tool_calls = turn.toolCalls;
  noteReasoningLoss(turn, message, context);
  return message;
}

/**
 * Sealed reasoning that could not be opened (sealed under another key — the state directory was replaced — or not
 * sealed by this bridge) and that nothing else recovered, for an upstream that gets reasoning back at this message:
 * the model sees its earlier turn without its thinking. Noted as `reasoning_lost` (a warning, see OssRun).
 */
/** How a `reasoning_lost` note names a blob sealed under a key this bridge no longer has. */
export const SEALED_UNDER_ANOTHER_KEY = 'sealed under another key';

function noteReasoningLoss(turn: PendingTurn, message: AssistantMessage, context: BuildContext): void {
  if (turn.unopened.length === 0) return;
  const { replay } = context.profile;
  const hasCalls = turn.toolCalls.length > 0;
  let lost: boolean;
  switch (replay.into) {
    case 'none':
      lost = false;
      break;
    case 'reasoning_content':
      lost =
        (replay.scope === 'all' || hasCalls) &&
        (message.reasoning_content === undefined || message.reasoning_content === replay.placeholder);
      break;
    case 'think-tags':
      lost = !(message.content ?? '').startsWith('<think>');
      break;
    case 'thinking-blocks':
      lost = (message.thinking_blocks ?? []).length === 0;
      break;
    default:
      assertNever(replay.into);
  }
  if (!lost) return;
  const why = turn.unopened.includes('tampered') ? SEALED_UNDER_ANOTHER_KEY : 'not sealed by this bridge';
  const where = hasCalls ? `the turn with call ${turn.toolCalls[0]?.id}` : 'an assistant message';
  context.notes.push({ kind: 'reasoning_lost', detail: `${where}: reasoning ${why}, replayed without it` });
}

function indexCallIds(items: readonly InputItem[]): Set<string> {
  const ids = new Set<string>();
  for (const item of items) {
    if (
      item.type === 'function_call' ||
      item.type === 'custom_tool_call' ||
      item.type === 'local_shell_call' ||
      item.type === 'tool_search_call'
    ) {
      ids.add(item.callId);
    }
  }
  return ids;
}

export function buildChatMessages(
  items: readonly InputItem[],
  instructions: string | undefined,
  context: BuildContext,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const outputs = new ToolOutputQueue(items, context.names);
  const callIds = indexCallIds(items);
  let turn = emptyTurn();

  const pushSystem = (text: string) => {
    const last = messages.at(-1);
    if (last && last.role === context.profile.systemRole && messages.length === 1) {
      last.content = `${last.content}\n\n${text}`;
    } else {
      messages.push({ role: context.profile.systemRole, content: text });
    }
  };

  const flushTurn = () => {
    if (turn.text.length === 0 && turn.toolCalls.length === 0) {
      turn = emptyTurn();
      return;
    }
    messages.push(assistantMessage(turn, context));
    const ids = turn.toolCalls.map((call) => call.id);
    messages.push(...toolReplies(ids, outputs, context.profile, context.notes, context.compaction));
    turn = emptyTurn();
  };

  if (instructions) pushSystem(instructions);

  for (const item of items) {
    switch (item.type) {
      case 'message':
        if (item.role === 'assistant') {
          if (turn.toolCalls.length > 0) flushTurn();
          turn.text.push(partsToText(item.content, context));
          break;
        }
        flushTurn();
        if (item.role === 'user')
          messages.push({ role: 'user', content: userContent(item.content, context) });
        else pushSystem(partsToText(item.content, context));
        break;
      case 'reasoning': {
        if (turn.text.length > 0 || turn.toolCalls.length > 0) flushTurn();
        const { text, block, unopened } = replayedReasoning(item, context);
        if (unopened) turn.unopened.push(unopened);
        if (text !== undefined) turn.reasoningKnown = true;
        if (text && !turn.reasoning.includes(text)) turn.reasoning.push(text);
        if (block && !turn.thinkingBlocks.some((known) => JSON.stringify(known) === JSON.stringify(block))) {
          turn.thinkingBlocks.push(block);
        }
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
        turn.toolCalls.push(
          chatToolCall(item.callId, context.names.toChat(item.name, item.namespace), toolCallArguments(item)),
        );
        break;
      case 'local_shell_call':
        turn.toolCalls.push(
          chatToolCall(item.callId, context.names.toChat('local_shell'), toolCallArguments(item)),
        );
        break;
      case 'tool_search_call':
        turn.toolCalls.push(chatToolCall(item.callId, context.names.toChat(TOOL_SEARCH), item.arguments));
        break;
      case 'tool_output':
      case 'tool_search_output':
        flushTurn();
        // An output whose call is in the history is answered with that call (wherever it sits in the input).
        if (callIds.has(item.callId)) break;
        recoverOrphanOutput(item.callId, messages, outputs, context);
        break;
      case 'additional_tools':
        break;
      case 'dropped':
        context.notes.push({ kind: 'item_dropped', detail: `${item.originalType}: ${item.reason}` });
        break;
      default:
        assertNever(item);
    }
  }
  flushTurn();
  for (const callId of outputs.leftovers()) {
    context.notes.push({ kind: 'orphan_output_dropped', detail: `extra output for call ${callId}` });
  }
  return messages;
}

function recoverOrphanOutput(
  callId: string,
  messages: ChatMessage[],
  outputs: ToolOutputQueue,
  context: BuildContext,
): void {
  const recovered = context.lookup.callByCallId(callId);
  if (!recovered) {
    outputs.take(callId);
    context.notes.push({ kind: 'orphan_output_dropped', detail: `output for unknown call ${callId}` });
    return;
  }
  context.notes.push({
    kind: 'orphan_output_recovered',
    detail: `call ${callId} restored from the state store`,
  });
  const turn: PendingTurn = {
    ...emptyTurn(),
    toolCalls: [
      chatToolCall(callId, context.names.toChat(recovered.name, recovered.namespace), recovered.arguments),
    ],
  };
  messages.push(assistantMessage(turn, context));
  messages.push(...toolReplies([callId], outputs, context.profile, context.notes, context.compaction));
}
