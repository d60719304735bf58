/**
 * `codex-oss start` without --detach: the bridge runs as a child sharing this terminal (its log lines appear here)
 * and the pid file names it while it runs, so `status` and `stop` work from another terminal. Ctrl-C reaches the
 * bridge directly — the first one drains in-flight streams, a second one stops at once — and we wait for it.
 */
import type { CliContext } from '../command.ts';
import { clientKeyHint, ensureRuntimeDirs, exitOf, type Launch, spawnBridge } from './launch.ts';
import { removePidFile, writePidFile } from './pid-file.ts';

export async function startForeground(launch: Launch, context: CliContext): Promise<number> {
  ensureRuntimeDirs(launch.paths);
  const { child, record } = spawnBridge(launch, { detached: false, stdio: 'inherit' });
  writePidFile(launch.paths.pidFile, record);
  context.stderr(
    `codex-oss: bridge in the foreground (pid ${record.pid}, mode ${record.mode}); ${clientKeyHint(launch.config)}. ` +
      `${launch.gpt ? `GPT requests: ${launch.gpt}. ` : ''}` +
      'Ctrl-C stops it after in-flight streams finish; press it twice to stop at once.\n',
  );

  // The terminal's Ctrl-C goes to the whole process group; the bridge handles it, we only wait for it to finish.
  const waitForBridge = () => {};
  const passOnTerm = () => child.kill('SIGTERM');
  process.on('SIGINT', waitForBridge);
  process.on('SIGTERM', passOnTerm);
  try {
    return await exitOf(child);
  } finally {
    process.off('SIGINT', waitForBridge);
    process.off('SIGTERM', passOnTerm);
    removePidFile(launch.paths.pidFile, record.instance_id);
  }
}
