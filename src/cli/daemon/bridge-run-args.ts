/**
 * The arguments `codex-oss start` passes to the bridge process, and how the bridge reads them back. Both sides
 * live here so they cannot drift apart. The instance id is on the command line on purpose: `codex-oss stop` reads
 * /proc/<pid>/cmdline (or `ps`) to make sure the pid in its pid file is still its own bridge before signalling it.
 */

export const DEFAULT_DRAIN_SECONDS = 30;

export interface BridgeRunArgs {
  instanceId: string | undefined;
  /** How long a SIGTERM lets in-flight requests finish before the bridge closes them. */
  drainSeconds: number;
}

const INSTANCE_ID = '--instance-id=';
const DRAIN_SECONDS = '--drain-seconds=';

export function formatBridgeRunArgs(args: { instanceId: string; drainSeconds: number }): string[] {
  return [`${INSTANCE_ID}${args.instanceId}`, `${DRAIN_SECONDS}${args.drainSeconds}`];
}

export function parseBridgeRunArgs(argv: readonly string[]): BridgeRunArgs {
  const value = (prefix: string) => argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
  const drain = Number(value(DRAIN_SECONDS));
  return {
    instanceId: value(INSTANCE_ID) || undefined,
    drainSeconds: Number.isFinite(drain) && drain >= 0 ? drain : DEFAULT_DRAIN_SECONDS,
  };
}

/** True when a process command line is the bridge started with this instance id. */
export function isBridgeCommandLine(commandLine: string, instanceId: string): boolean {
  return commandLine.includes('opencode-bridge') && commandLine.includes(`${INSTANCE_ID}${instanceId}`);
}
