/**
 * `opencode-bridge --self-test` (which `codex-oss self-test` runs): an offline check that translation and streaming
 * work on this machine. Starts a scripted upstream and the real bridge on loopback ports with a throwaway state directory,
 * plays a tool-call round trip with reasoning replay through the Responses API, and says what failed, if anything.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { type RunningBridge, startBridge } from '../runtime/start.ts';
import { UPSTREAM_TURNS } from './conversation.ts';
import { playConversation } from './play-conversation.ts';
import { type ScriptedUpstream, startScriptedUpstream } from './scripted-upstream.ts';
import { type Check, upstreamCheck } from './turn-checks.ts';

export interface SelfTestOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const DEFAULT_TIMEOUT_MS = 20_000;

function selfTestEnv(upstreamUrl: string, upstreamKey: string, stateDir: string): Record<string, string> {
  return {
    OPENCODE_GO_API_KEY: upstreamKey,
    OPENCODE_GO_BASE_URL: upstreamUrl,
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: '0',
    PROXY_API_KEY: `self-test-${randomBytes(12).toString('hex')}`,
    PROXY_STATE_DB: path.join(stateDir, 'bridge.sqlite3'),
    GPT_MODEL_STRATEGY: 'error',
    // One request per turn: no retries or fallbacks that would hide a translation error behind a second try.
    UPSTREAM_RETRIES: '0',
    FALLBACK_MODEL_MAP_JSON: '{}',
  };
}

function memoryLog(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

function report(checks: readonly Check[], output: SelfTestOutput, log: string): number {
  for (const check of checks) {
    output.stdout(`  ${check.problems.length === 0 ? 'ok  ' : 'FAIL'}  ${check.name}\n`);
    for (const problem of check.problems) output.stdout(`          - ${problem}\n`);
  }
  const failures = checks.filter((check) => check.problems.length > 0).length;
  if (failures === 0) {
    output.stdout('self-test passed\n');
    return 0;
  }
  output.stderr(`self-test failed: ${failures} of ${checks.length} checks failed.\n`);
  if (log.trim())
    output.stderr(`Bridge log (warnings and errors):\n${log.trim().split('\n').slice(-20).join('\n')}\n`);
  return 1;
}

export async function runSelfTest(
  output: SelfTestOutput,
  options: { timeoutMs?: number } = {},
): Promise<number> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'opencode-bridge-self-test-'));
  const upstreamKey = `upstream-${randomBytes(12).toString('hex')}`;
  const log = memoryLog();
  let upstream: ScriptedUpstream | undefined;
  let bridge: RunningBridge | undefined;
  try {
    upstream = await startScriptedUpstream(UPSTREAM_TURNS, upstreamKey);
    const config = loadConfig(selfTestEnv(upstream.baseUrl, upstreamKey, stateDir), stateDir);
    bridge = await startBridge(config, pino({ level: 'warn' }, log.stream));
    output.stdout(
      `opencode-bridge self-test (offline): bridge on ${bridge.url}, scripted upstream on ${upstream.baseUrl}\n`,
    );
    const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const checks = await playConversation({ url: bridge.url, apiKey: bridge.apiKey }, signal);
    checks.push(upstreamCheck(upstream.problems));
    return report(checks, output, log.text());
  } catch (error) {
    output.stderr(
      `self-test failed: could not complete the round trip: ${(error as Error)?.message ?? error}\n`,
    );
    return 1;
  } finally {
    await bridge?.close();
    await upstream?.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
