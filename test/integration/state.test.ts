/**
 * State that outlives a request: stored responses (store=true, previous_response_id, GET /v1/responses/{id}),
 * the reasoning cache for clients that drop encrypted_content, and a restart in the middle of a conversation.
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { textReply, toolCallReply } from '../mock-upstream/index.ts';
import { BRIDGE_KEY, postResponses, startTestBridge, useTestBridges } from '../support/bridge-harness.ts';
import { waitFor } from '../support/wait.ts';

const tools = [
  {
    type: 'function',
    name: 'exec_command',
    parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
  },
];
const bridge = useTestBridges();

describe('stored responses', () => {
  it('continues a stored conversation with previous_response_id, sending the upstream the whole history', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('Paris.'), textReply('About 2.1 million.'));
    const first = await t.client.responses.create({
      model: 'ocg-kimi-k2.6',
      input: 'Capital of France?',
      store: true,
    });
    const second = await t.client.responses.create({
      model: 'ocg-kimi-k2.6',
      input: 'Its population?',
      previous_response_id: first.id,
      store: true,
    });
    expect(second.output_text).toBe('About 2.1 million.');
    const messages = t.upstream.requests
      .at(-1)
      ?.body.messages.map((message: any) => [message.role, message.content]);
    expect(messages).toEqual([
      ['user', 'Capital of France?'],
      ['assistant', 'Paris.'],
      ['user', 'Its population?'],
    ]);
  });

  it('stores a long previous_response_id chain in bytes linear in what was sent, and still replays all of it', async () => {
    const t = await bridge();
    const turns = 24;
    let previous: string | undefined;
    let sent = 0;
    for (let turn = 0; turn < turns; turn += 1) {
      t.upstream.enqueue(textReply(`answer ${turn}`));
      const body = JSON.stringify({
        model: 'ocg-glm-5.1',
        input: `turn ${turn} ${'x'.repeat(19_000)}`,
        store: true,
        ...(previous ? { previous_response_id: previous } : {}),
      });
      sent += Buffer.byteLength(body);
      const { status, json } = await postResponses(t.baseUrl, body);
      expect(status).toBe(200);
      previous = json.id;
    }
    const lastMessages = t.upstream.requests.at(-1)?.body.messages as Array<{
      role: string;
      content: string;
    }>;
    expect(lastMessages).toHaveLength(2 * turns - 1);
    expect(lastMessages[2]?.content).toMatch(/^turn 1 x/);
    // Read the file directly: the whole history in every row would be about turns / 2 = 12 times what was sent.
    const db = new DatabaseSync(path.join(t.stateDir, 'bridge.sqlite3'));
    const stored = db
      .prepare(
        'SELECT SUM(length(CAST(response AS BLOB)) + length(CAST(input AS BLOB))) AS bytes FROM responses',
      )
      .get() as { bytes: number };
    db.close();
    expect(Number(stored.bytes)).toBeLessThan(1.5 * sent);
  }, 60_000);

  it('serves a stored response at GET /v1/responses/{id} and 404s an unknown one', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('stored answer'));
    const created = await t.client.responses.create({ model: 'ocg-glm-5.1', input: 'x', store: true });
    const fetched = await t.client.responses.retrieve(created.id);
    expect(fetched.output_text).toBe('stored answer');
    const missing = await fetch(`${t.baseUrl}/responses/resp_nope`, {
      headers: { authorization: `Bearer ${BRIDGE_KEY}` },
    });
    expect(missing.status).toBe(404);
  });

  it('rejects an unknown previous_response_id with 400 previous_response_not_found', async () => {
    const t = await bridge();
    const { status, json } = await postResponses(t.baseUrl, {
      model: 'ocg-glm-5.1',
      input: 'x',
      previous_response_id: 'resp_gone',
    });
    expect(status).toBe(400);
    expect(json.error.code).toBe('previous_response_not_found');
  });

  it('does not keep responses created without store=true', async () => {
    const t = await bridge();
    t.upstream.enqueue(textReply('ephemeral'));
    const created = await t.client.responses.create({ model: 'ocg-glm-5.1', input: 'x' });
    const fetched = await fetch(`${t.baseUrl}/responses/${created.id}`, {
      headers: { authorization: `Bearer ${BRIDGE_KEY}` },
    });
    expect(fetched.status).toBe(404);
  });
});

describe('reasoning replay across requests', () => {
  it('recovers reasoning from the cache when the client drops encrypted_content', async () => {
    const t = await bridge();
    // A first request reads the model's usage window (which writes what is queued); the drained one does not.
    t.upstream.enqueue(textReply('warm'));
    await t.client.responses.create({ model: 'ocg-deepseek-v4-pro', input: 'hi' });
    t.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"ls"}' }], { reasoning: 'List first.' }),
      textReply('ok'),
    );
    const first = await t.client.responses.create({
      model: 'ocg-deepseek-v4-pro',
      input: 'go',
      tools: tools as any,
    });
    const stripped = (first.output as any[]).map(
      ({ encrypted_content: _dropped, content: _raw, ...item }) => item,
    );
    const call = stripped.find((item) => item.type === 'function_call');
    await t.client.responses.create({
      model: 'ocg-deepseek-v4-pro',
      input: [
        { role: 'user', content: 'go' },
        ...stripped,
        { type: 'function_call_output', call_id: call.call_id, output: 'a' },
      ],
      tools: tools as any,
    });
    const assistant = t.upstream.requests
      .at(-1)
      ?.body.messages.find((message: any) => message.role === 'assistant');
    expect(assistant.reasoning_content).toBe('List first.');
  });

  it('saves the reasoning and usage of a stream that ends during a drain before the bridge stops', async () => {
    const t = await bridge();
    // A first request reads the model's usage window (which writes what is queued); the drained one does not.
    t.upstream.enqueue(textReply('warm'));
    await t.client.responses.create({ model: 'ocg-deepseek-v4-pro', input: 'hi' });
    t.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"ls"}' }], {
        reasoning: 'List the files first.',
        chunkSize: 4,
        delayMs: 40,
      }),
    );
    const body = fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
      body: JSON.stringify({ model: 'ocg-deepseek-v4-pro', input: 'go', tools, stream: true }),
    }).then((response) => response.text());
    await waitFor(() => t.upstream.requests.length > 1);

    expect(await t.bridge.drain(30_000)).toBe(0);
    expect(await body).toContain('response.completed');
    // The bridge has stopped: what it saved is in the file.
    const db = new DatabaseSync(path.join(t.stateDir, 'bridge.sqlite3'));
    const count = (sql: string) => Number((db.prepare(sql).get() as { n: number | null }).n ?? 0);
    const saved = {
      reasoning: count("SELECT COUNT(*) AS n FROM reasoning WHERE text = 'List the files first.'"),
      calls: count("SELECT COUNT(*) AS n FROM tool_calls WHERE name = 'exec_command'"),
      requests: count("SELECT SUM(requests) AS n FROM usage_hourly WHERE model = 'deepseek-v4-pro'"),
    };
    db.close();
    // By the reasoning item's id and by the call's id; one call; two upstream requests.
    expect(saved).toEqual({ reasoning: 2, calls: 1, requests: 2 });
  });

  it('opens reasoning sealed before a restart, so a restart mid-conversation loses nothing', async () => {
    const first = await bridge();
    first.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"ls"}' }], { reasoning: 'Before restart.' }),
    );
    const turn1 = await first.client.responses.create({
      model: 'ocg-deepseek-v4-pro',
      input: 'go',
      tools: tools as any,
      include: ['reasoning.encrypted_content'],
    });
    await first.bridge.close();
    const restarted = await startTestBridge({
      upstream: first.upstream,
      env: { PROXY_STATE_DB: first.bridge.deps.config.state.dbPath },
    });
    try {
      restarted.upstream.enqueue(textReply('after restart'));
      const call = (turn1.output as any[]).find((item) => item.type === 'function_call');
      // Only the sealed blob carries the reasoning now: the raw `content` is dropped on purpose.
      const withoutRaw = (turn1.output as any[]).map(({ content: _raw, ...item }) => item);
      await restarted.client.responses.create({
        model: 'ocg-deepseek-v4-pro',
        input: [
          { role: 'user', content: 'go' },
          ...withoutRaw,
          { type: 'function_call_output', call_id: call.call_id, output: 'a' },
        ],
        tools: tools as any,
      });
      const assistant = restarted.upstream.requests
        .at(-1)
        ?.body.messages.find((message: any) => message.role === 'assistant');
      expect(assistant.reasoning_content).toBe('Before restart.');
    } finally {
      await restarted.close();
    }
  });

  it("warns, in the log and in the response's metadata, when the state directory was lost and the reasoning with it", async () => {
    const before = await bridge();
    before.upstream.enqueue(
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"ls"}' }], { reasoning: 'The plan.' }),
    );
    const turn1 = await before.client.responses.create({
      model: 'ocg-deepseek-v4-pro',
      input: 'go',
      tools: tools as any,
      include: ['reasoning.encrypted_content'],
    });
    // A new state directory: a new reasoning key and an empty store, as after the old one was deleted.
    const after = await bridge();
    after.upstream.enqueue(textReply('carried on'), textReply('carried on, streamed'));
    const call = (turn1.output as any[]).find((item) => item.type === 'function_call');
    const withoutRaw = (turn1.output as any[]).map(({ content: _raw, ...item }) => item);
    const body = {
      model: 'ocg-deepseek-v4-pro',
      input: [
        { role: 'user', content: 'go' },
        ...withoutRaw,
        { type: 'function_call_output', call_id: call.call_id, output: 'a' },
      ],
      tools,
    };

    const json = await postResponses(after.baseUrl, body);
    const streamed = await postResponses(after.baseUrl, { ...body, stream: true });

    const assistant = after.upstream.requests
      .at(-1)
      ?.body.messages.find((message: any) => message.role === 'assistant');
    expect(assistant.reasoning_content).toBe(' ');
    for (const response of [json.json, streamed.events.at(-1)?.response]) {
      expect(response.status).toBe('completed');
      expect(response.metadata.opencode_bridge_reasoning_lost).toMatch(
        /^1 earlier turn\(s\) sent to deepseek-v4-pro without their reasoning.*another key/,
      );
    }
    const lines = after
      .logs()
      .filter((line) => line.msg?.toString().includes('reasoning could not be opened'));
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.level === 40)).toBe(true);
  }, 60_000);
});
