/**
 * codex-oss doctor --live: the real Codex CLI spawns the oss-kimi-rapid agent through the real bridge, and the
 * bridge's /metrics prove the agent's requests arrived with its model. The mock upstream plays both models: the
 * parent (deepseek-v4-flash) calls multi_agent_v1__spawn_agent (the bridge's flattened name for Codex's
 * namespaced tool), then wait_agent, then answers; the child (kimi-k2.6) answers OK.
 */
import { describe, expect, it } from 'vitest';
import { type ChatRequestBody, textReply, toolCallReply } from '../mock-upstream/index.ts';
import { checkResult, useDoctorSandbox } from './support/doctor-sandbox.ts';

const t = useDoctorSandbox();

function toolOutputs(request: ChatRequestBody): string[] {
  return (request.messages as Array<Record<string, any>>)
    .filter((message) => message.role === 'tool')
    .map((message) => String(message.content));
}

const offersSpawn = (request: ChatRequestBody) =>
  (request.tools ?? []).some((tool) => tool.function?.name === 'multi_agent_v1__spawn_agent');

/** The parent model: spawn the agent the prompt names, wait for it, then finish. */
function playParent(request: ChatRequestBody) {
  const outputs = toolOutputs(request);
  if (outputs.length === 0) {
    const args = { agent_type: 'oss-kimi-rapid', message: 'Reply with the word OK.', fork_context: false };
    return toolCallReply([{ name: 'multi_agent_v1__spawn_agent', arguments: JSON.stringify(args) }], {
      reasoning: 'Spawn the agent.',
    });
  }
  if (outputs.length === 1) {
    const agentId = JSON.parse(outputs[0] ?? '{}').agent_id;
    const args = { targets: [agentId], timeout_ms: 30_000 };
    return toolCallReply([{ name: 'multi_agent_v1__wait_agent', arguments: JSON.stringify(args) }], {
      reasoning: 'Wait for it.',
    });
  }
  return textReply('DONE', { reasoning: 'It answered.' });
}

describe('codex-oss doctor --live', () => {
  it('passes when a spawned OSS agent reaches the bridge with its model (router)', async () => {
    t.upstream.script((request) => {
      if (request.model === 'kimi-k2.6') return textReply('OK');
      return offersSpawn(request) ? playParent(request) : textReply('OK');
    });
    await t.sandbox.install('--trust', '--port', String(t.sandbox.port));
    expect((await t.sandbox.startBridge('openai')).code).toBe(0);

    const { code, report } = await t.sandbox.doctor('--live');
    const live = checkResult(report, 'live-spawn');
    expect(live.status, JSON.stringify(live)).toBe('PASS');
    expect(live.detail).toMatch(
      /^a spawned oss-kimi-rapid reached the bridge as ocg-kimi-k2.6 \(\d+ requests, [\d.]+ s\)$/,
    );
    expect(code).toBe(0);
    expect(t.upstream.requests.some((request) => request.body?.model === 'kimi-k2.6')).toBe(true);
  }, 240_000);

  it('fails with the command to reproduce it when the parent spawns nothing', async () => {
    t.upstream.script(() => textReply('I will not spawn anything.'));
    await t.sandbox.install('--trust', '--port', String(t.sandbox.port));
    expect((await t.sandbox.startBridge('openai')).code).toBe(0);

    const { code, report } = await t.sandbox.doctor('--live');
    expect(checkResult(report, 'live-spawn')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        /^no ocg-kimi-k2\.6 request reached the bridge in [\d.]+ s \(Codex finished\)$/,
      ),
      fix: expect.stringContaining(
        'codex --profile codex-oss exec --skip-git-repo-check --ephemeral -m ocg-deepseek-v4-flash',
      ),
    });
    expect(code).toBe(1);
  }, 240_000);

  it('fails the subagent-provider topology on Codex 0.169, which ignores agent providers, and recommends router', async () => {
    await t.sandbox.install('--topology', 'subagent-provider', '--trust', '--port', String(t.sandbox.port));
    const { code, report } = await t.sandbox.doctor('--live');
    expect(checkResult(report, 'live-spawn')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(/^Codex \d+\.\d+\.\d+ ignores an agent's model_provider/),
      fix: expect.stringContaining('codex-oss install --topology router'),
    });
    expect(code).toBe(1);
  });
});
