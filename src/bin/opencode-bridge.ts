/**
 * `opencode-bridge`: start the bridge in the foreground. Configuration comes from the environment (README).
 */
import { parseBridgeRunArgs } from '../cli/daemon/bridge-run-args.ts';
import { ConfigError, loadConfig, retiredVariableWarnings } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startBridge } from '../runtime/start.ts';
import { startupWarnings } from '../runtime/startup-warnings.ts';
import { runSelfTest } from '../self-test/run-self-test.ts';
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
  for (const warning of retiredVariableWarnings())
    process.stderr.write(`opencode-bridge: warning: ${warning}\n`);
  const logger = createLogger({ level: config.logLevel, path: config.logPath });
  const bridge = await startBridge(config, logger, { instanceId: runArgs.instanceId });
  // Once it is up, before the first request: one line on stderr (where the log goes too, unless to a file).
  for (const warning of startupWarnings(config)) {
    process.stderr.write(`opencode-bridge: warning: ${warning}\n`);
    if (config.logPath) logger.warn(warning);
  }
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

/** Why the bridge could not start, in one line. */
function startFailure(error: unknown): string {
  const failure = error as NodeJS.ErrnoException & { address?: string; port?: number };
  const where = failure?.address ? ` (${failure.address}:${failure.port})` : '';
  if (failure?.code === 'EADDRINUSE')
    return `the port is already in use${where} (is another bridge running?). Set PROXY_PORT.`;
  if (failure?.code === 'EACCES' && failure.syscall === 'listen')
    return `no permission to listen${where}. Set PROXY_PORT to a port above 1023.`;
  return `failed to start: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`opencode-bridge: ${startFailure(error)}\n`);
  process.exit(1);
});
