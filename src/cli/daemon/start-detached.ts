/**
 * `codex-oss start --detach`: the bridge runs in the background with its output in the project's log file. Returns
 * once GET /health answers with the new instance's id; a bridge that exits or stays silent is stopped, its pid
 * file removed, and the log's tail shown.
 */
import { closeSync, openSync } from 'node:fs';
import { VERSION } from '../../version.ts';
import type { CliContext } from '../command.ts';
import { fetchHealth } from './bridge-health.ts';
import { clientKeyHint, ensureRuntimeDirs, exitOf, type Launch, spawnBridge } from './launch.ts';
import { logSize, logTailSection } from './log-tail.ts';
import { type PidRecord, removePidFile, writePidFile } from './pid-file.ts';

const POLL_MS = 100;

/** undefined once healthy; otherwise why it never got there. */
async function waitUntilHealthy(
  record: PidRecord,
  exited: Promise<number>,
  timeoutMs: number,
): Promise<string | undefined> {
  let exitCode: number | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) return `the bridge exited with code ${exitCode} before it answered`;
    const health = await fetchHealth(record.url, 1000);
    if (!(health instanceof Error)) {
      if (health.instance_id === record.instance_id) return undefined;
      return `${record.url} is answered by another bridge (instance ${health.instance_id})`;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return `${record.url}/health did not answer within ${timeoutMs / 1000} s`;
}

export async function startDetached(launch: Launch, context: CliContext): Promise<number> {
  const { paths } = launch;
  ensureRuntimeDirs(paths);
  const logStart = logSize(paths.logFile);
  const logFd = openSync(paths.logFile, 'a', 0o600);
  let spawned: ReturnType<typeof spawnBridge>;
  try {
    spawned = spawnBridge(launch, { detached: true, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const { child, record } = spawned;
  child.unref();
  writePidFile(paths.pidFile, record);

  const problem = await waitUntilHealthy(record, exitOf(child), launch.waitSeconds * 1000);
  if (problem) {
    child.kill('SIGKILL');
    removePidFile(paths.pidFile, record.instance_id);
    throw new Error(`${problem}.\n${logTailSection(paths.logFile, logStart)}`);
  }
  context.stdout(
    [
      `opencode-bridge ${VERSION} is running in the background (pid ${record.pid}, mode ${record.mode}).`,
      `  listening  ${record.url}/v1`,
      `  log        ${paths.logFile}`,
      `  auth       ${clientKeyHint(launch.config)}`,
      ...(launch.gpt ? [`  GPT        ${launch.gpt}`] : []),
      'Check it with `codex-oss status`; stop it with `codex-oss stop`.',
      '',
    ].join('\n'),
  );
  return 0;
}
