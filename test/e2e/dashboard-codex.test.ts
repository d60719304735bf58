/**
 * The real Codex CLI spawns a subagent through the bridge; the dashboard must draw it as Codex sent it: one
 * session, the child thread under its parent, marked as a spawned thread. This pins the header facts the dashboard
 * relies on (docs/codex-headers.md) to what Codex 0.169 actually sends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatRequestBody, textReply, toolCallReply } from '../mock-upstream/index.ts';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { runCodex } from '../support/codex-cli.ts';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

const toolOutputs = (request: ChatRequestBody) =>
  (request.messages as Array<Record<string, any>>)
    .filter((message) => message.role === 'tool')
    .map((m) => String(m.content));
const offersSpawn = (request: ChatRequestBody) =>
  (request.tools ?? []).some((tool) => tool.function?.name === 'multi_agent_v1__spawn_agent');

/** The parent spawns one agent, waits for it, then finishes; the child answers at once. */
function play(request: ChatRequestBody) {
  if (!offersSpawn(request)) return textReply('CHILD-OK');
  const outputs = toolOutputs(request);
  if (outputs.length === 0) {
    const args = { message: 'Reply with CHILD-OK.', fork_context: false };
    return toolCallReply([{ name: 'multi_agent_v1__spawn_agent', arguments: JSON.stringify(args) }]);
  }
  if (outputs.length === 1) {
    const agentId = JSON.parse(outputs[0] ?? '{}').agent_id;
    const args = { targets: [agentId], timeout_ms: 30_000 };
    return toolCallReply([{ name: 'multi_agent_v1__wait_agent', arguments: JSON.stringify(args) }]);
  }
  return textReply('PARENT-DONE');
}

describe('the dashboard with the real Codex CLI', () => {
  it('draws a spawned subagent under its parent thread, in the parent session', async () => {
    const t: TestBridge = await startTestBridge();
    open.push(t);
    t.upstream.script(play);
    const workDir = mkdtempSync(path.join(tmpdir(), 'ocb-dash-codex-'));
    open.push({ close: () => rmSync(workDir, { recursive: true, force: true }) });
    const run = await runCodex({
      bridgeUrl: t.bridge.url,
      bridgeKey: t.bridge.apiKey,
      model: 'ocg-deepseek-v4-flash',
      prompt: 'Spawn one helper agent, wait for it, then say PARENT-DONE.',
      workDir,
      timeoutMs: 120_000,
    });
    expect(run.finalMessage, run.stderr).toContain('PARENT-DONE');
    const sessions = t.bridge.dashboard.model.sessions();
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    const root = session?.threads.find((thread) => thread.parentId === null);
    const child = session?.threads.find((thread) => thread.parentId !== null);
    expect(root?.id).toBe(session?.id);
    expect(child?.parentId).toBe(root?.id);
    expect(child?.subagent).toBe('thread_spawn');
    expect(child?.id).not.toBe(root?.id);
    // Spawn, wait, answer: three turns at least (a wait that times out under load adds one).
    expect(root?.state).toBe('completed');
    expect(root?.turns).toBeGreaterThanOrEqual(3);
    expect(root?.toolCalls).toBeGreaterThanOrEqual(2);
    expect(child).toMatchObject({ state: 'completed', turns: 1, modelAsked: 'ocg-deepseek-v4-flash' });
  }, 180_000);
});
