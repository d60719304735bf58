/**
 * Codex's client-run `tool_search` with an open model, end to end with the real Codex CLI. For a gpt-5.5 parent
 * Codex defers the `multi_agent_v1` tools behind `tool_search` ("Deferred tool namespaces: multi_agent_v1"). In
 * compat mode (`GPT_MODEL_STRATEGY=oss`) an open model serves that request, so it must be able to search, get the
 * multi-agent tools, spawn an agent and read its answer. The mock upstream plays the model for the parent and the
 * child; every step only happens if the previous one came back through Codex.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequestBody, ChatTool } from '../mock-upstream/index.ts';
import { textReply, toolCallReply } from '../mock-upstream/index.ts';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { runCodex } from '../support/codex-cli.ts';

const CHILD_ANSWER = 'PONG-7351';

let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'ocb-e2e-work-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

type Block = { type?: string; text?: string; content?: unknown };

/** Tool names offered upstream: Chat `function` tools or Messages tools. */
function toolNames(request: ChatRequestBody): string[] {
  return ((request.tools ?? []) as Array<ChatTool & { name?: string }>).flatMap((tool) => {
    const name = tool.function?.name ?? tool.name;
    return name ? [name] : [];
  });
}

/** Tool results the bridge sent, in order: Chat `tool` messages or Messages `tool_result` blocks. */
function toolResults(request: ChatRequestBody): string[] {
  return (request.messages as Array<{ role: string; content: unknown }>).flatMap((message) => {
    if (message.role === 'tool') return [String(message.content)];
    if (message.role !== 'user' || !Array.isArray(message.content)) return [];
    return (message.content as Block[]).flatMap((block) =>
      block.type === 'tool_result' ? [String(block.content)] : [],
    );
  });
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? (content as Block[]).map((block) => block.text ?? '').join('') : '';
}

const reasoning = { reasoning: 'Deciding the next step.' };
const CHILD_TASK = `Reply with exactly ${CHILD_ANSWER}.`;

/** The spawned agent's request: its task is the last user message, and it has made no calls yet. */
function isChild(request: ChatRequestBody): boolean {
  const users = (request.messages as Array<Record<string, unknown>>).filter(
    (message) => message.role === 'user',
  );
  return text(users.at(-1)?.content).includes(CHILD_TASK) && toolResults(request).length === 0;
}

/** The parent model: search, spawn, wait, report — each step driven by what Codex sent back. */
function parentTurn(request: ChatRequestBody) {
  const last = toolResults(request).at(-1);
  if (last === undefined) {
    return toolCallReply(
      [{ name: 'tool_search', arguments: JSON.stringify({ query: 'spawn sub-agent' }) }],
      reasoning,
    );
  }
  if (
    last.includes('multi_agent_v1__spawn_agent') &&
    toolNames(request).includes('multi_agent_v1__spawn_agent')
  ) {
    return toolCallReply(
      [
        {
          name: 'multi_agent_v1__spawn_agent',
          arguments: JSON.stringify({ message: CHILD_TASK }),
        },
      ],
      reasoning,
    );
  }
  const spawned = /"agent_id":"([^"]+)"/.exec(last);
  if (spawned) {
    return toolCallReply(
      [
        {
          name: 'multi_agent_v1__wait_agent',
          arguments: JSON.stringify({ targets: [spawned[1]], timeout_ms: 60_000 }),
        },
      ],
      reasoning,
    );
  }
  return textReply(
    last.includes(CHILD_ANSWER) ? `The helper answered ${CHILD_ANSWER}.` : `Unexpected: ${last}`,
  );
}

describe.each([
  { wire: 'Chat Completions', fallback: 'deepseek-v4-pro', path: '/v1/chat/completions' },
  { wire: 'Anthropic Messages', fallback: 'qwen3.6-plus', path: '/v1/messages' },
])(
  'tool_search with an open model serving a gpt-5.5 parent over $wire (real Codex)',
  ({ fallback, path: endpoint }) => {
    let t: TestBridge;
    beforeAll(async () => {
      t = await startTestBridge({ env: { GPT_MODEL_STRATEGY: 'oss', GPT_MODEL_OSS_FALLBACK: fallback } });
    });
    afterAll(() => t.close());

    it('discovers the deferred multi_agent_v1 tools, spawns an agent and reports its answer', async () => {
      t.upstream.script((request) => (isChild(request) ? textReply(CHILD_ANSWER) : parentTurn(request)));
      const run = await runCodex({
        bridgeUrl: t.bridge.url,
        bridgeKey: t.bridge.apiKey,
        model: 'gpt-5.5',
        prompt: 'Spawn a helper agent and tell me what it answers.',
        workDir,
        timeoutMs: 150_000,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.finalMessage).toBe(`The helper answered ${CHILD_ANSWER}.`);

      const spawn = run.events.find(
        (event) =>
          event.type === 'item.completed' &&
          event.item?.type === 'collab_tool_call' &&
          event.item.tool === 'spawn_agent',
      );
      expect(spawn?.item?.receiver_thread_ids).toHaveLength(1);

      expect(new Set(t.upstream.requests.map((request) => request.path))).toEqual(new Set([endpoint]));
      const requests = t.upstream.requests.map((request) => request.body);
      const first = requests[0] as ChatRequestBody;
      // Deferred: the first request offers the search and not the multi-agent tools.
      expect(toolNames(first)).toContain('tool_search');
      expect(toolNames(first)).not.toContain('multi_agent_v1__spawn_agent');
      // Codex ran the search: its result (from Codex's own tool_search_output) came back as the tool message.
      const second = requests[1] as ChatRequestBody;
      expect(toolResults(second)[0]).toContain('multi_agent_v1__spawn_agent');
      // The child ran on the open model too, without the search (Codex gives it to the root thread only).
      const child = requests.find((request) => isChild(request as ChatRequestBody)) as ChatRequestBody;
      expect(toolNames(child)).not.toContain('tool_search');
    }, 180_000);
  },
);
