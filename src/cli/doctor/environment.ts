/**
 * environment: the programs and the key everything else needs — the Codex CLI and its version, Node, and the
 * OpenCode Go key (in the shell or the project's key file, which must be 0600). The key is never printed.
 */
import { OPENCODE_KEY_ENV } from '../install/project-files.ts';
import { compareVersions } from '../install/topology.ts';
import { type Check, fail, pass, warn } from './check.ts';
import type { DoctorContext } from './context.ts';

/** The Codex version codex-oss was verified against (docs/codex-client.md#versions-verified). */
export const TESTED_CODEX_VERSION = '0.169.0';
export const MIN_NODE_VERSION = '22.18.0';

const codexCli: Check = {
  id: 'codex-cli',
  group: 'environment',
  title: 'Codex CLI',
  async run(context) {
    const codex = await context.codex();
    if (!codex) {
      return fail('not found on PATH or in node_modules/.bin', 'npm install -g @openai/codex');
    }
    if (!codex.version) {
      return fail(`${codex.path} does not answer \`--version\``, 'npm install -g @openai/codex@latest');
    }
    const found = `codex-cli ${codex.version} (${codex.path})`;
    if (compareVersions(codex.version, TESTED_CODEX_VERSION) < 0) {
      return warn(
        `${found} is older than ${TESTED_CODEX_VERSION}, the version codex-oss was verified with`,
        'npm install -g @openai/codex@latest',
      );
    }
    return pass(found);
  },
};

const nodeVersion: Check = {
  id: 'node',
  group: 'environment',
  title: 'Node.js',
  run() {
    const version = process.versions.node;
    if (compareVersions(version, MIN_NODE_VERSION) < 0) {
      return fail(
        `Node ${version} is older than ${MIN_NODE_VERSION}, which the bridge needs`,
        'install Node 24 (e.g. `nvm install 24 && nvm use 24`) and run codex-oss with it',
      );
    }
    return pass(`Node ${version} (${process.execPath})`);
  },
};

async function keyOnlyInRunningBridge(context: DoctorContext): Promise<boolean> {
  const state = await context.bridge();
  const upstream = state.running
    ? (state.health.upstream as { key_configured?: boolean } | undefined)
    : undefined;
  return upstream?.key_configured === true;
}

const opencodeKey: Check = {
  id: 'opencode-key',
  group: 'environment',
  title: 'OpenCode Go key',
  async run(context) {
    const { envFile } = context;
    const file = context.paths.envFile;
    const saveFix = `put \`${OPENCODE_KEY_ENV}=<your key>\` in ${file} and \`chmod 600 ${file}\` (or \`export ${OPENCODE_KEY_ENV}=<your key>\`)`;
    if (envFile instanceof Error)
      return fail(envFile.message, `chmod 600 ${file} (it must be readable by you)`);
    const inFile = Boolean(envFile.values[OPENCODE_KEY_ENV]?.trim());
    if (inFile && envFile.permissionWarning) {
      return warn(`in ${file}, but the file is readable by other users`, `chmod 600 ${file}`);
    }
    if (context.env[OPENCODE_KEY_ENV]?.trim()) return pass(`set in the environment ($${OPENCODE_KEY_ENV})`);
    if (inFile) return pass(`in ${file} (mode 600)`);
    if (await keyOnlyInRunningBridge(context)) {
      return warn(
        `only the running bridge has one; a bridge started from this shell would have none`,
        saveFix,
      );
    }
    return fail(`${OPENCODE_KEY_ENV} is not set and ${file} has none`, saveFix);
  },
};

export const ENVIRONMENT_CHECKS: readonly Check[] = [codexCli, nodeVersion, opencodeKey];
