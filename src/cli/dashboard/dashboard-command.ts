/**
 * `codex-oss dashboard [--open] [--url URL]`: a one-time login link to this project's bridge dashboard. The bridge
 * key stays here: it is sent once, in a header, to ask the bridge for a link whose token works once and for a
 * minute; the browser trades it for a session cookie and lands on the clean /dashboard URL.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_TOKEN_FILE } from '../../state/secrets.ts';
import { type CliContext, type Command, UsageError } from '../command.ts';
import { readEnvFile } from '../daemon/env-file.ts';
import { currentStatus } from '../daemon/status-command.ts';
import { expectedBridgeKeys } from '../doctor/bridge-auth.ts';
import { projectPaths } from '../project.ts';

const USAGE = `Usage: codex-oss dashboard [--open] [--url URL]

Prints a one-time login link to the live dashboard of this project's bridge (sessions and their subagents,
5-hour usage against the limits, breakers, recent problems with their fix). The link works once, for a
minute, and never carries the bridge key.

  --open     also open it in the default browser (xdg-open / open / start)
  --url URL  a bridge this project did not start (e.g. http://127.0.0.1:4000); its key from PROXY_API_KEY`;

interface Options {
  open: boolean;
  url: string | undefined;
}

function parse(args: readonly string[]): Options {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { open: { type: 'boolean' }, url: { type: 'string' } },
    });
    return { open: values.open === true, url: values.url };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function bridgeUrl(options: Options, context: CliContext): Promise<string> {
  if (options.url) return options.url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const status = await currentStatus(projectPaths(context.cwd).pidFile);
  if (!status.running) throw new Error(`the bridge is ${status.reason}`);
  return status.url.replace(/\/v1$/, '');
}

function candidateKeys(context: CliContext): string[] {
  const paths = projectPaths(context.cwd);
  let values: Record<string, string> = {};
  try {
    values = readEnvFile(paths.envFile).values;
  } catch {
    // no key file: the environment and the token file remain
  }
  const tokenFile = path.join(paths.stateDir, LOCAL_TOKEN_FILE);
  return expectedBridgeKeys(context.env, { file: paths.envFile, values }, tokenFile).map(
    (found) => found.key,
  );
}

/** Asks the bridge for a login path with each key it may accept; the first it takes wins. */
async function loginPath(url: string, keys: readonly string[]): Promise<string> {
  for (const key of keys) {
    const response = await fetch(`${url}/dashboard/login-link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(5000),
    });
    if (response.status === 401) {
      await response.body?.cancel();
      continue;
    }
    if (!response.ok) throw new Error(`${url}/dashboard/login-link answered HTTP ${response.status}`);
    return ((await response.json()) as { path: string }).path;
  }
  throw new Error(
    `${url} accepts none of the keys this project knows (PROXY_API_KEY, the env file, the token file); ` +
      'export PROXY_API_KEY=<the key the bridge was started with> and run it again',
  );
}

function openerFor(platform: NodeJS.Platform): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

function openInBrowser(link: string): Promise<boolean> {
  const { command, args } = openerFor(process.platform);
  return new Promise((resolve) => {
    const child = spawn(command, [...args, link], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

async function dashboard(args: readonly string[], context: CliContext): Promise<number> {
  const options = parse(args);
  const url = await bridgeUrl(options, context);
  const link = `${url}${await loginPath(url, candidateKeys(context))}`;
  context.stdout(`Dashboard login link (works once, for a minute):\n  ${link}\n`);
  if (options.open && !(await openInBrowser(link)))
    context.stderr('codex-oss dashboard: could not start a browser; open the link above yourself.\n');
  return 0;
}

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: "Open the bridge's live dashboard: sessions, subagents, limits, problems (one-time login link)",
  usage: USAGE,
  run: dashboard,
};
