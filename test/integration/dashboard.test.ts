/**
 * The dashboard's server side, through the real bridge and the strict mock upstream (the real-browser test is in
 * test/e2e/dashboard-browser.test.ts): who may log in and look, what the push channel sends and how often, GPT
 * pass-through requests in the tree, and the history that survives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PUSH_INTERVAL_MS } from '../../src/dashboard/dashboard.ts';
import { readLimits } from '../../src/dashboard/limits.ts';
import { USAGE_OTHER_MODELS_MAX } from '../../src/state/store.ts';
import { BreakerRegistry, MAX_OTHER_BREAKERS } from '../../src/upstream/resilience/circuit-breaker.ts';
import { textReply } from '../mock-upstream/index.ts';
import { BRIDGE_KEY, postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { codexTurn, rootThread, spawnedThread, userMessage } from '../support/codex-like-client.ts';
import { waitFor } from '../support/wait.ts';

const open: TestBridge[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(open.splice(0).map((bridge) => bridge.close()));
  // closeAllConnections: a stand-in that never answers still holds its request's connection.
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

async function bridge(env: Record<string, string> = {}): Promise<TestBridge> {
  const started = await startTestBridge({ env });
  open.push(started);
  return started;
}

/** A bridge that passes GPT requests through to a stand-in for OpenAI answering with `handler`. */
async function bridgeBeforeOpenAI(handler: RequestListener): Promise<TestBridge> {
  const openai = createServer(handler);
  servers.push(openai);
  await new Promise<void>((resolve) => openai.listen(0, '127.0.0.1', resolve));
  return bridge({
    GPT_MODEL_STRATEGY: 'openai',
    OPENAI_API_KEY: 'sk-openai-test',
    OPENAI_BASE_URL: `http://127.0.0.1:${(openai.address() as AddressInfo).port}/v1`,
  });
}

async function login(t: TestBridge): Promise<string> {
  const link = await fetch(`${t.bridge.url}/dashboard/login-link`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BRIDGE_KEY}` },
  });
  expect(link.status).toBe(200);
  const { path: loginPath } = (await link.json()) as { path: string };
  const landed = await fetch(`${t.bridge.url}${loginPath}`, { redirect: 'manual' });
  expect(landed.status).toBe(303);
  expect(landed.headers.get('location')).toBe('/dashboard');
  return (landed.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

/** Reads the push channel until `until` says stop; returns every message with the time it arrived. */
async function readPush(
  t: TestBridge,
  cookie: string,
  until: () => boolean,
): Promise<Array<{ event: string; data: any; at: number }>> {
  const response = await fetch(`${t.bridge.url}/dashboard/events`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const messages: Array<{ event: string; data: any; at: number }> = [];
  let buffer = '';
  // A read outlives a tick of the loop: dropping it would lose the chunk it is about to deliver.
  let pending: ReturnType<typeof reader.read> | undefined;
  while (!until()) {
    pending ??= reader.read();
    const read = await Promise.race([
      pending,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100)),
    ]);
    if (!read) continue;
    pending = undefined;
    if (read.done) break;
    buffer += decoder.decode(read.value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) messages.push({ event, data: JSON.parse(data), at: Date.now() });
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return messages;
}

describe('dashboard login', () => {
  it('hands out login links only for the bridge key', async () => {
    const t = await bridge();
    for (const headers of [{}, { authorization: 'Bearer wrong-key' }]) {
      const response = await fetch(`${t.bridge.url}/dashboard/login-link`, { method: 'POST', headers });
      expect(response.status).toBe(401);
    }
  });

  it('lets a login link work once, and the page and push channel only with the cookie it set', async () => {
    const t = await bridge();
    const cookie = await login(t);
    expect(cookie).toMatch(/^ocb_dashboard_\d+=[\w-]{43}$/);
    for (const path of ['/dashboard', '/dashboard/events']) {
      for (const headers of [
        {},
        { cookie: `${cookie.split('=')[0]}=forged` },
        { authorization: `Bearer ${BRIDGE_KEY}` },
      ]) {
        const refused = await fetch(`${t.bridge.url}${path}`, { headers });
        expect(refused.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(await refused.text()).not.toContain('session');
      }
    }
    const page = await fetch(`${t.bridge.url}/dashboard`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toContain(BRIDGE_KEY);
    expect(html).not.toContain('login?token=');
    expect(html).not.toContain(cookie.split('=')[1]);
  });

  it('refuses a used login link', async () => {
    const t = await bridge();
    const link = await fetch(`${t.bridge.url}/dashboard/login-link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BRIDGE_KEY}` },
    });
    const { path: loginPath } = (await link.json()) as { path: string };
    expect((await fetch(`${t.bridge.url}${loginPath}`, { redirect: 'manual' })).status).toBe(303);
    const again = await fetch(`${t.bridge.url}${loginPath}`, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('refuses the page and the push channel to other origins and to other sites', async () => {
    const t = await bridge();
    const cookie = await login(t);
    const foreign = [
      { origin: 'https://evil.example' },
      { origin: 'http://127.0.0.1:1' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const path of ['/dashboard', '/dashboard/events']) {
      for (const headers of foreign) {
        const response = await fetch(`${t.bridge.url}${path}`, { headers: { cookie, ...headers } });
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        await response.body?.cancel();
      }
    }
    expect(t.bridge.dashboard.push.subscribers).toBe(0);
  });
});

describe('dashboard push channel', () => {
  it('coalesces: many requests and state changes, at most one message per interval', async () => {
    const t = await bridge({ MAX_GLOBAL_UPSTREAM_CONCURRENCY: '4' });
    t.upstream.script(() => textReply('x'.repeat(400), { chunkSize: 2, delayMs: 2 }));
    const cookie = await login(t);
    const parent = rootThread();
    let done = false;
    const turns = Promise.all(
      Array.from({ length: 12 }, () =>
        codexTurn(t.baseUrl, spawnedThread(parent), 'ocg-deepseek-v4-flash', [userMessage('go')]),
      ),
    ).then((all) => {
      done = true;
      return all;
    });
    let settledAt = 0;
    const messages = await readPush(t, cookie, () => {
      if (done && settledAt === 0) settledAt = Date.now();
      return settledAt > 0 && Date.now() - settledAt > 3 * PUSH_INTERVAL_MS;
    });
    for (const events of await turns) expect(events.at(-1)?.type).toBe('response.completed');
    expect(messages[0]?.event).toBe('snapshot');
    const changes = messages.filter((message) => message.event === 'changes');
    // 12 requests × (start, queued, waiting for upstream, streaming, end) = 60 model changes, ~2,400 chunks. How
    // many messages that makes depends on how long the requests take (a slow machine spreads them over more
    // intervals); the coalescing is that they are sent at least PUSH_INTERVAL_MS apart (server clock: arrival
    // times bunch up on a loaded machine).
    expect(changes.length).toBeGreaterThan(1);
    for (let index = 1; index < changes.length; index += 1) {
      const gap = changes[index]?.data.sentAt - changes[index - 1]?.data.sentAt;
      expect(gap).toBeGreaterThanOrEqual(PUSH_INTERVAL_MS - 2);
    }
    const last = changes.findLast((message) => message.data.sessions.length > 0)?.data.sessions[0]
      ?.html as string;
    expect(last).toContain('data-state="completed"');
    expect((last.match(/class="thread"/g) ?? []).length).toBe(12);
  }, 60_000);
});

describe('dashboard push channel and a page that stops reading', () => {
  it('stops writing to it, and sends what it missed once it reads again', async () => {
    const t = await bridge();
    const cookie = await login(t);
    const socket = connect(t.bridge.port, '127.0.0.1');
    sockets.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET /dashboard/events HTTP/1.1\r\nHost: 127.0.0.1:${t.bridge.port}\r\nCookie: ${cookie}\r\n\r\n`,
    );
    socket.pause(); // a suspended laptop, a stuck tab: nothing is read from the socket
    await waitFor(() => t.bridge.dashboard.push.subscribers === 1, 10_000, 'the page to subscribe');
    // 400 threads in flight, each getting a 1 kB decision per round: a message is megabytes, so the socket's
    // buffers fill within a few messages.
    const { observer } = t.bridge.dashboard;
    const watches = Array.from({ length: 400 }, (_, index) => {
      const session = `s${index % 20}`;
      return observer.onStart({
        requestId: `r${index}`,
        startedAt: Date.now(),
        modelAsked: 'ocg-kimi-k2.6',
        effort: undefined,
        origin: {
          sessionId: session,
          threadId: index < 20 ? session : `${session}-t${index}`,
          parentThreadId: index < 20 ? undefined : session,
          subagent: undefined,
          subagentKind: undefined,
          turnId: undefined,
        },
      });
    });
    const round = async (text: string) => {
      for (const watch of watches) watch.onDecision({ source: 'guardrail', text });
      // Longer than a push interval: without the fix every round is a message.
      await new Promise((resolve) => setTimeout(resolve, PUSH_INTERVAL_MS + 100));
    };
    // Unbounded, it would write a message every round for as long as the page stays: here, writing stops.
    let unchangedRounds = 0;
    let sent = t.bridge.dashboard.push.messagesSent;
    for (let rounds = 0; unchangedRounds < 5; rounds += 1) {
      expect(rounds, 'rounds before the channel stopped writing to a page that does not read').toBeLessThan(
        40,
      );
      await round('x'.repeat(1000) + rounds);
      const now = t.bridge.dashboard.push.messagesSent;
      unchangedRounds = now === sent ? unchangedRounds + 1 : 0;
      sent = now;
    }
    const missed = `missed-decision-${Math.random()}`;
    await round(missed);
    expect(t.bridge.dashboard.push.messagesSent).toBe(sent);

    let tail = '';
    socket.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('latin1')).slice(-200_000);
    });
    socket.resume();
    await waitFor(() => tail.includes(missed), 60_000, 'the missed decision to arrive');
  }, 120_000);
});

describe('dashboard and drain', () => {
  it('does not hold up a drain: an open page is not a request in flight', async () => {
    const t = await bridge();
    const cookie = await login(t);
    const events = await fetch(`${t.bridge.url}/dashboard/events`, { headers: { cookie } });
    expect(events.status).toBe(200);
    const body = events.text();
    await waitFor(() => t.bridge.dashboard.push.subscribers === 1, 5000, 'the page to subscribe');
    // Counted as cut off at the deadline if the drain had waited for it.
    expect(await t.bridge.drain(3000)).toBe(0);
    await expect(body).resolves.toContain('event: snapshot');
  });
});

describe('dashboard and request content', () => {
  const prompt = 'my confidential merger notes for the board';

  /** An open model whose upstream rejects the request quoting its prompt, as upstreams do. */
  async function rejectedQuotingPrompt(env: Record<string, string>) {
    const t = await bridge({ UPSTREAM_RETRIES: '0', FALLBACK_MODEL_MAP_JSON: '{}', ...env });
    t.upstream.enqueue({ kind: 'error', status: 400, body: { error: { message: `bad input: ${prompt}` } } });
    const thread = rootThread();
    await codexTurn(t.baseUrl, thread, 'ocg-kimi-k2.6', [userMessage(prompt)]);
    await waitFor(
      () => t.bridge.deps.store.recentDashboardRuns(10).length === 1,
      10_000,
      'the record to be saved',
    );
    return {
      problem: t.bridge.dashboard.model.problems()[0],
      saved: t.bridge.deps.store.recentDashboardRuns(10)[0],
    };
  }

  it('shows and saves an upstream error quoting the request as the log does, redacted', async () => {
    const { problem, saved } = await rejectedQuotingPrompt({});
    expect(problem?.message).toContain('bad input: [redacted]');
    expect(problem?.message).not.toContain('merger notes');
    expect(saved).not.toContain('merger notes');
  });

  it('shows it whole with PROXY_LOG_BODIES=1', async () => {
    const { problem, saved } = await rejectedQuotingPrompt({ PROXY_LOG_BODIES: '1' });
    expect(problem?.message).toContain(`bad input: ${prompt}`);
    expect(saved).toContain(`bad input: ${prompt}`);
  });

  it("redacts OpenAI's error message in a passed-through response that failed", async () => {
    const failed = {
      type: 'response.failed',
      response: {
        id: 'resp_f',
        status: 'failed',
        model: 'gpt-5.5',
        output: [],
        error: { code: 'invalid_prompt', message: `Your input was flagged: ${prompt}` },
      },
    };
    const t = await bridgeBeforeOpenAI((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`event: response.failed\ndata: ${JSON.stringify(failed)}\n\n`);
      });
    });
    const response = await fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
      body: JSON.stringify({ model: 'gpt-5.5', input: prompt, stream: true }),
    });
    expect(await response.text()).toContain(prompt);
    await waitFor(
      () => t.bridge.deps.store.recentDashboardRuns(10).length === 1,
      10_000,
      'the record to be saved',
    );
    const [problem] = t.bridge.dashboard.model.problems();
    expect(problem).toMatchObject({
      reason: 'invalid_prompt',
      message: 'Your input was flagged: [redacted]',
    });
    expect(t.bridge.deps.store.recentDashboardRuns(10)[0]).not.toContain('merger notes');
  });
});

describe('dashboard limits', () => {
  it('lists models with a limit, used ones and troubled breakers, not every model id a client sent', async () => {
    const t = await bridge({ UPSTREAM_RETRIES: '0', FALLBACK_MODEL_MAP_JSON: '{}' });
    const listed = (limits = t.bridge.dashboard.limits()) => limits.models.map((row) => row.model);
    const before = listed();
    expect(before.length).toBeGreaterThan(0);
    // Any ocg-<name> is passed on, and counted against its own name (the usage rows fold unknown names too).
    for (let index = 0; index < 40; index += 1) {
      const { status } = await postResponses(t.baseUrl, { model: `ocg-made-up-${index}`, input: 'hi' });
      expect(status).toBe(400);
    }
    const used = t.bridge.deps.store.usageModels();
    expect(used.length).toBeLessThanOrEqual(USAGE_OTHER_MODELS_MAX + 1);
    expect(listed()).toEqual([...new Set([...before, ...used])].sort());
    // The breakers are bounded the same way: the first ids have one each, later ones share one.
    expect(Object.keys(t.bridge.deps.breakers.snapshot())).toHaveLength(MAX_OTHER_BREAKERS + 1);

    // A healthy breaker is no reason for a row; one that opened is, limit or not (CIRCUIT_BREAKER_ERRORS is 2).
    const breakers = new BreakerRegistry(2, 60_000);
    for (let index = 0; index < 20; index += 1) breakers.for(`healthy-${index}`).onSuccess();
    breakers.for('glm-5.1').onFailure();
    breakers.for('glm-5.1').onFailure();
    const limits = readLimits({ ...t.bridge.deps, breakers });
    expect(listed(limits)).toEqual([...new Set([...before, ...used, 'glm-5.1'])].sort());
    expect(limits.models.find((row) => row.model === 'glm-5.1')?.breaker.state).toBe('open');
  }, 120_000);
});

describe('dashboard history', () => {
  it('survives a restart of the bridge on the same state database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocb-dash-history-'));
    try {
      const env = { PROXY_STATE_DB: path.join(dir, 'bridge.sqlite3') };
      const first = await startTestBridge({ env });
      const parent = rootThread();
      const child = spawnedThread(parent);
      await codexTurn(first.baseUrl, parent, 'ocg-deepseek-v4-pro', [userMessage('hello')]);
      await codexTurn(first.baseUrl, child, 'ocg-kimi-k2.6', [userMessage('help')]);
      await first.close();

      const second = await startTestBridge({ env });
      open.push(second);
      const [session] = second.bridge.dashboard.model.sessions();
      expect(session?.id).toBe(parent.sessionId);
      expect(
        session?.threads.map((thread) => [thread.id, thread.parentId, thread.state, thread.turns]),
      ).toEqual([
        [parent.threadId, null, 'completed', 1],
        [child.threadId, parent.threadId, 'completed', 1],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A GPT request as Codex sends it (pass-through), for `thread`. */
function gptRequest(t: TestBridge, thread: { sessionId: string; threadId: string }, signal?: AbortSignal) {
  return fetch(`${t.baseUrl}/responses`, {
    method: 'POST',
    signal,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${BRIDGE_KEY}`,
      'session-id': thread.sessionId,
      'thread-id': thread.threadId,
    },
    body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true }),
  });
}

describe('GPT pass-through in the dashboard', () => {
  it('shows a passed-through request with its status, usage and tool calls, its bytes untouched', async () => {
    const completed = {
      type: 'response.completed',
      response: {
        id: 'resp_gpt',
        status: 'completed',
        model: 'gpt-5.5',
        output: [{ type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{}' }],
        usage: {
          input_tokens: 50,
          input_tokens_details: { cached_tokens: 10 },
          output_tokens: 7,
          output_tokens_details: { reasoning_tokens: 3 },
        },
      },
    };
    const bytes = `event: response.created\ndata: {"type":"response.created"}\n\nevent: response.completed\ndata: ${JSON.stringify(completed)}\n\n`;
    const t = await bridgeBeforeOpenAI((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // Split mid-line, as a network would.
        response.write(bytes.slice(0, 57));
        setTimeout(() => response.end(bytes.slice(57)), 20);
      });
    });
    const parent = rootThread();
    const response = await gptRequest(t, parent);
    expect(await response.text()).toBe(bytes);
    await waitFor(
      () => t.bridge.dashboard.model.sessions()[0]?.threads[0]?.state === 'completed',
      5000,
      'the end',
    );
    expect(t.bridge.dashboard.model.sessions()[0]?.threads[0]).toMatchObject({
      id: parent.threadId,
      modelAsked: 'gpt-5.5',
      servedModel: 'gpt-5.5',
      toolCalls: 1,
      tokens: { input: 50, cached: 10, output: 7, reasoning: 3 },
      decisions: ['route: gpt-5.5: passed through to OpenAI'],
    });
  });
  it('ends a pass-through without OpenAI credentials as failed, and such sessions are still evicted', async () => {
    const t = await bridge({ GPT_MODEL_STRATEGY: 'openai' });
    const threads = Array.from({ length: 25 }, () => rootThread());
    const codes = new Set<string>();
    for (const thread of threads) {
      const response = await gptRequest(t, thread);
      expect(response.ok).toBe(false);
      codes.add(((await response.json()) as { error: { code: string } }).error.code);
    }
    const sessions = t.bridge.dashboard.model.sessions();
    // In flight forever, none could be evicted: 25 sessions against a cap of 20.
    expect(sessions.length).toBe(20);
    expect(sessions[0]?.id).toBe(threads.at(-1)?.sessionId);
    for (const session of sessions) {
      expect(session.active).toBe(0);
      expect(session.threads[0]).toMatchObject({ state: 'failed', active: 0, reason: [...codes][0] });
    }
    expect(codes.size).toBe(1);
  });

  it('ends a pass-through to an unreachable OpenAI as failed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const t = await bridge({
      GPT_MODEL_STRATEGY: 'openai',
      OPENAI_API_KEY: 'sk-openai-test',
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    });
    const thread = rootThread();
    const response = await gptRequest(t, thread);
    const { error } = (await response.json()) as { error: { code: string } };
    expect(error.code).toBe('upstream_unreachable');
    const [session] = t.bridge.dashboard.model.sessions();
    expect(session?.active).toBe(0);
    expect(session?.threads[0]).toMatchObject({ state: 'failed', reason: 'upstream_unreachable', active: 0 });
    expect(t.bridge.dashboard.model.problems()[0]?.reason).toBe('upstream_unreachable');
  });

  it('ends a pass-through whose client leaves before OpenAI answers as the client leaving', async () => {
    let received = 0;
    const t = await bridgeBeforeOpenAI((request) => {
      received += 1;
      request.resume(); // never answers
    });
    const thread = rootThread();
    const controller = new AbortController();
    const response = gptRequest(t, thread, controller.signal);
    await waitFor(() => received === 1, 10_000, 'the request to reach OpenAI');
    expect(t.bridge.dashboard.model.sessions()[0]?.threads[0]?.state).toBe('waiting_upstream');
    controller.abort();
    await expect(response).rejects.toThrow();
    await waitFor(
      () => t.bridge.dashboard.model.sessions()[0]?.active === 0,
      10_000,
      'the request to end in the dashboard',
    );
    expect(t.bridge.dashboard.model.sessions()[0]?.threads[0]).toMatchObject({
      state: 'client_disconnected',
      active: 0,
    });
    expect(t.bridge.dashboard.model.problems()).toEqual([]);
  });

  it('shows a status OpenAI ends with that it does not know as a failure naming it, escaped', async () => {
    const statuses = ['cancelled', '"><img src=x onerror=alert(1)>'];
    let next = 0;
    const t = await bridgeBeforeOpenAI((request, response) => {
      request.resume();
      request.on('end', () => {
        const status = statuses[next++];
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(
          `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', response: { id: 'resp_x', status, model: 'gpt-5.5', output: [] } })}\n\n`,
        );
      });
    });
    const cookie = await login(t);
    for (const status of statuses) {
      const thread = rootThread();
      await (await gptRequest(t, thread)).text();
      await waitFor(
        () => t.bridge.dashboard.model.sessions().find((s) => s.id === thread.sessionId)?.active === 0,
        5000,
        'the end',
      );
      const shown = t.bridge.dashboard.model.sessions().find((s) => s.id === thread.sessionId);
      expect(shown?.threads[0]).toMatchObject({ state: 'failed', reason: 'unexpected_status' });
      expect(t.bridge.dashboard.model.problems()[0]?.message).toBe(
        `OpenAI ended the response with status ${JSON.stringify(status)}`,
      );
    }
    const page = await (await fetch(`${t.bridge.url}/dashboard`, { headers: { cookie } })).text();
    expect(page).not.toContain('<img');
    expect(page).not.toContain('undefined');
    expect(page).toContain('failed: unexpected_status');
    expect(page).toContain('status &quot;cancelled&quot;');
  });
});
