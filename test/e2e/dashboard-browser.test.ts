/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the real bridge and the
 * strict mock upstream. A scripted Codex-like client runs a parent agent and two subagents it spawns: one is
 * stopped by a guardrail (it only announces what it would do, twice), one is rate limited (429 with a long
 * Retry-After) and served by its fallback model. The page, opened with the link `codex-oss dashboard` prints,
 * must show the tree, follow the states live, move the usage bars, list the problem with its fix, and refuse
 * visitors without the login cookie and pages from other origins.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { domId } from '../../src/dashboard/render.ts';
import { fixFor, PROJECT_ENV_FILE, PROJECT_LOG_FILE } from '../../src/fixes.ts';
import {
  type ChatRequestBody,
  rateLimited,
  stallAfter,
  textReply,
  toolCallReply,
} from '../mock-upstream/index.ts';
import { BRIDGE_KEY, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { codexTurn, rootThread, spawnedThread, userMessage } from '../support/codex-like-client.ts';
import { waitFor } from '../support/wait.ts';

const TIMEOUT = 30_000;

function conversation(request: ChatRequestBody): string {
  return JSON.stringify(request.messages);
}

/** The upstream's side of the story, chosen by model and by the task each agent was given. */
function playUpstream(request: ChatRequestBody) {
  const text = conversation(request);
  if (request.model === 'kimi-k2.6') return rateLimited(3600);
  if (text.includes('TASK-A'))
    return textReply(
      text.includes('I will now run the tests.') ? 'Running the tests now.' : 'I will now run the tests.',
    );
  if (text.includes('TASK-B')) return textReply('B: three files changed, all tests pass.');
  if (!text.includes('"role":"tool"')) {
    // The parent's first turn streams a little, then stalls long enough to be seen streaming, then calls a tool.
    return stallAfter(
      2,
      4000,
      toolCallReply([{ name: 'exec_command', arguments: '{"cmd":"git status"}' }], {
        reasoning: 'Plan: spawn two helpers, then check the tree.',
      }),
    );
  }
  return textReply('Both helpers reported back.');
}

async function loginLink(bridgeUrl: string): Promise<string> {
  let out = '';
  const cwd = mkdtempSync(path.join(tmpdir(), 'ocb-dash-cli-'));
  try {
    const code = await runCli(['dashboard', '--url', bridgeUrl], {
      cwd,
      env: { PROXY_API_KEY: BRIDGE_KEY },
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        out += text;
      },
    });
    expect(code, out).toBe(0);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  const link = /https?:\/\/\S+/.exec(out)?.[0];
  expect(link, out).toBeDefined();
  return link as string;
}

const thread = (page: Page, id: string) => page.locator(`#${domId('t', id)}`);

async function stateOf(page: Page, id: string, state: string): Promise<void> {
  await page.waitForSelector(`#${domId('t', id)}[data-state="${state}"]`, { timeout: TIMEOUT });
}

async function meterValue(page: Page, model: string): Promise<number> {
  return Number(await page.locator(`tr[data-model="${model}"] meter`).getAttribute('value'));
}

describe('the dashboard in a real browser', () => {
  let t: TestBridge;
  let browser: TestBrowser;
  let foreign: Server;
  let foreignUrl = '';

  beforeAll(async () => {
    t = await startTestBridge();
    t.upstream.script(playUpstream);
    browser = await launchBrowser();
    foreign = createServer((_request, response) => {
      // A page of another origin (another port on the same machine) that tries to read the push channel.
      response.setHeader('content-type', 'text/html');
      response.end(`<!doctype html><title>waiting</title><script>
        const events = new EventSource('${t.bridge.url}/dashboard/events', { withCredentials: true });
        events.addEventListener('snapshot', () => { document.title = 'got data'; });
        events.onerror = () => { document.title = 'refused ' + events.readyState; events.close(); };
      </script>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as { port: number }).port}/`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => foreign?.close(resolve));
    await t?.close();
  });

  it('needs the one-time login, then shows the tree, its states, the limits and the problems live', async () => {
    const page = await browser.context.newPage();
    const dashboardUrl = `${t.bridge.url}/dashboard`;

    // Without the login cookie: the page and the push channel are refused.
    const refused = await page.goto(dashboardUrl);
    expect(refused?.status()).toBe(401);
    await expect(page.textContent('body')).resolves.toContain('codex-oss dashboard');
    expect((await fetch(`${t.bridge.url}/dashboard/events`)).status).toBe(401);

    // The link works once, lands on the clean URL, and leaves an HttpOnly, SameSite=Strict cookie.
    const link = await loginLink(t.bridge.url);
    expect(link).not.toContain(BRIDGE_KEY);
    const landed = await page.goto(link);
    expect(landed?.status()).toBe(200);
    expect(page.url()).toBe(dashboardUrl);
    const [cookie] = await browser.context.cookies(`${t.bridge.url}/dashboard`);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    expect(await page.evaluate('document.cookie')).toBe('');
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(401);
    await page.waitForSelector('#connection.conn-live', { timeout: TIMEOUT });
    await expect(page.textContent('#sessions')).resolves.toContain('No requests yet');
    expect(await meterValue(page, 'deepseek-v4-pro')).toBe(0);

    // The parent's first turn: queued → streaming (seen live, during the upstream's stall) → done.
    const parent = rootThread();
    const firstTurn = codexTurn(
      t.baseUrl,
      parent,
      'ocg-deepseek-v4-pro',
      [userMessage('Split the work.')],
      'high',
    );
    await stateOf(page, parent.threadId, 'streaming');
    await expect(thread(page, parent.threadId).locator('.badge').first().textContent()).resolves.toBe(
      'streaming',
    );
    expect((await firstTurn).at(-1)?.type).toBe('response.completed');
    await stateOf(page, parent.threadId, 'completed');

    // Two subagents of that parent, at once.
    const guarded = spawnedThread(parent);
    const fallback = spawnedThread(parent);
    const [a, b] = await Promise.all([
      codexTurn(t.baseUrl, guarded, 'ocg-deepseek-v4-flash', [userMessage('TASK-A: run the tests.')]),
      codexTurn(t.baseUrl, fallback, 'ocg-kimi-k2.6', [userMessage('TASK-B: summarise the diff.')]),
    ]);
    expect(a.at(-1)).toMatchObject({ type: 'response.incomplete' });
    expect(b.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { model: 'ocg-deepseek-v4-flash' },
    });

    // Both hang under the parent, with their own state, model asked and model served.
    const root = thread(page, parent.threadId);
    await stateOf(page, guarded.threadId, 'incomplete');
    await stateOf(page, fallback.threadId, 'completed');
    await expect(root.locator(`#${domId('t', guarded.threadId)}`).count()).resolves.toBe(1);
    await expect(root.locator(`#${domId('t', fallback.threadId)}`).count()).resolves.toBe(1);
    const guardedNode = thread(page, guarded.threadId);
    await expect(guardedNode.locator('summary .badge').first().textContent()).resolves.toBe(
      'incomplete: non_terminal_answer',
    );
    await expect(guardedNode.locator('.decisions').textContent()).resolves.toContain(
      'guardrail: the model only announced what it would do, twice',
    );
    const fallbackNode = thread(page, fallback.threadId);
    await expect(fallbackNode.locator('summary .asked').first().textContent()).resolves.toBe('ocg-kimi-k2.6');
    await expect(fallbackNode.locator('summary .served').first().textContent()).resolves.toBe(
      'deepseek-v4-flash',
    );
    await expect(fallbackNode.locator('.decisions').textContent()).resolves.toContain(
      'attempt: fallback: deepseek-v4-flash',
    );

    // The parent's second turn; its turns add up, and the usage bars move without a reload.
    const secondTurn = await codexTurn(t.baseUrl, parent, 'ocg-deepseek-v4-pro', [
      userMessage('Split the work.'),
      { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"git status"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'clean' },
    ]);
    expect(secondTurn.at(-1)?.type).toBe('response.completed');
    // (Polled through locators: the page's CSP forbids the eval that waitForFunction would need.)
    const turns = thread(page, parent.threadId).locator('[data-fact="turns"]').first();
    await expect.poll(() => turns.textContent(), { timeout: TIMEOUT }).toBe('2');
    await expect
      .poll(() => meterValue(page, 'deepseek-v4-pro'), { timeout: TIMEOUT })
      .toBeGreaterThanOrEqual(2);
    expect(await meterValue(page, 'kimi-k2.6')).toBeGreaterThanOrEqual(1);

    // The problem, with the fix worded where doctor's fixes are.
    const problem = page.locator('li.problem[data-reason="non_terminal_answer"]');
    await problem.waitFor({ timeout: TIMEOUT });
    const place = { port: t.bridge.port, envFile: PROJECT_ENV_FILE, logFile: PROJECT_LOG_FILE };
    await expect(problem.locator('.fix code').textContent()).resolves.toBe(
      fixFor('non_terminal_answer', place),
    );

    // Nothing the agents said or were told is on the page.
    const body = (await page.textContent('body')) ?? '';
    for (const secret of [
      'TASK-A',
      'TASK-B',
      'I will now run the tests',
      'Both helpers reported',
      'git status',
    ])
      expect(body).not.toContain(secret);

    // Keyboard: Tab reaches a thread, Enter closes it.
    await page.focus('body');
    let summary = false;
    for (let tab = 0; tab < 40 && !summary; tab += 1) {
      await page.keyboard.press('Tab');
      summary = (await page.evaluate(`document.activeElement?.closest('details.thread') != null`)) === true;
    }
    expect(summary).toBe(true);
    const openNow = `document.activeElement.closest('details').open`;
    const wasOpen = await page.evaluate(openNow);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(openNow)).toBe(!wasOpen);
    await page.keyboard.press('Enter');

    const shot = path.join(t.stateDir, 'dashboard.png');
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_DASHBOARD_SCREENSHOT === '1')
      copyFileSync(shot, path.join(import.meta.dirname, '../../docs/dashboard.png'));

    // A narrow window: one column, nothing wider than the window.
    await page.setViewportSize({ width: 400, height: 800 });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.close();
  }, 180_000);

  it('refuses the push channel to a page of another origin, even with the login cookie', async () => {
    // The page of the test before is closed, but the bridge may not have seen its push channel end yet.
    await waitFor(() => t.bridge.dashboard.push.subscribers === 0, TIMEOUT, 'no page subscribed');
    const page = await browser.context.newPage();
    await page.goto(foreignUrl);
    await page.waitForFunction(
      `document.title.startsWith('refused') || document.title === 'got data'`,
      undefined,
      {
        timeout: TIMEOUT,
      },
    );
    expect(await page.title()).toMatch(/^refused/);
    expect(t.bridge.dashboard.push.subscribers).toBe(0);
    await page.close();

    const [cookie] = await browser.context.cookies(`${t.bridge.url}/dashboard`);
    const withCookie = { cookie: `${cookie?.name}=${cookie?.value}` };
    const own = await fetch(`${t.bridge.url}/dashboard/events`, { headers: withCookie });
    expect(own.status).toBe(200);
    await own.body?.cancel();
    for (const origin of [foreignUrl.replace(/\/$/, ''), 'https://evil.example']) {
      const response = await fetch(`${t.bridge.url}/dashboard/events`, {
        headers: { ...withCookie, origin },
      });
      expect(response.status, origin).toBe(403);
      await response.body?.cancel();
    }
  }, 60_000);
});
