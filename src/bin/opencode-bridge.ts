/**
 * `opencode-bridge`: start the bridge in the foreground. Configuration comes from the environment (README).
 */
import { startBridge } from '../bridge/start.ts';
import { startupWarnings } from '../bridge/startup-warnings.ts';
import { parseBridgeRunArgs } from '../cli/daemon/bridge-run-args.ts';
import { runSelfTest } from '../cli/self-test/run-self-test.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { withoutCredentials } from '../upstream/upstream-errors.ts';
import { VERSION } from '../version.ts';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--version') || args.includes('-v')) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      `opencode-bridge ${VERSION}: OpenAI Responses API for Codex, served by open models on OpenCode Go.\n\n` +
        'Usage: opencode-bridge            (configured by environment variables; see README)\n' +
        '       opencode-bridge --self-test  (offline check of translation and streaming)\n' +
        '  OPENCODE_GO_API_KEY   upstream key (required)\n' +
        '  PROXY_HOST/PROXY_PORT listen address (127.0.0.1:4000)\n' +
        '  PROXY_API_KEY         key clients must send (default: a generated token in the state directory)\n' +
        '  --drain-seconds=N     on SIGTERM/SIGINT, let in-flight streams finish for up to N s (default 30)\n',
    );
    return;
  }
  if (args.includes('--self-test')) {
    process.exitCode = await runSelfTest({
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
    return;
  }

  const runArgs = parseBridgeRunArgs(args);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`opencode-bridge: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, path: config.logPath });
  for (const warning of startupWarnings(config)) {
    logger.warn(warning);
    // Also on stderr when the log goes to a file, so the terminal that started the bridge sees it.
    if (config.logPath) process.stderr.write(`opencode-bridge: warning: ${warning}\n`);
  }
  const bridge = await startBridge(config, logger, { instanceId: runArgs.instanceId });
  const upstream = withoutCredentials(config.upstream.baseUrl);
  logger.info({ url: bridge.url, upstream, version: VERSION }, 'bridge listening');
  process.stderr.write(`opencode-bridge ${VERSION} listening on ${bridge.url}/v1 (upstream ${upstream})\n`);
  if (bridge.tokenFile) {
    process.stderr.write(
      `Clients must send "Authorization: Bearer <token>"; the token is in ${bridge.tokenFile} (mode 0600).\n` +
        `  For Codex: export OPENCODE_BRIDGE_TOKEN="$(cat ${bridge.tokenFile})" and set env_key = "OPENCODE_BRIDGE_TOKEN".\n`,
    );
  }

  // The first signal drains in-flight streams (up to --drain-seconds); a second one closes them at once.
  let stopping = false;
  const stop = (signal: string) => {
    const draining = !stopping;
    stopping = true;
    logger.info({ signal, drainSeconds: draining ? runArgs.drainSeconds : 0 }, 'stopping');
    (draining ? bridge.drain(runArgs.drainSeconds * 1000) : bridge.close()).then(
      (cutOff) => {
        if (cutOff) logger.warn({ requests: cutOff }, 'drain deadline reached; closed requests still open');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') {
    process.stderr.write(
      'opencode-bridge: the port is already in use (is another bridge running?). Set PROXY_PORT.\n',
    );
  } else {
    process.stderr.write(`opencode-bridge: failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
