/**
 * The real OpenCode CLI (the `opencode-ai` devDependency) in a sandbox, for the worker tests:
 *   - HOME and every XDG directory point into a temporary folder, so nothing touches the developer's config,
 *     sessions or keys;
 *   - the network is closed: HTTP(S)_PROXY point at a loopback tripwire that refuses and records every attempt
 *     (OpenCode honours them), and npm's registry (OpenCode installs `@opencode-ai/plugin` into its config
 *     directories in the background) at a loopback stub that answers 404;
 *   - OpenCode Go is the scripted mock upstream, reached through the bridge's own OPENCODE_GO_BASE_URL, which the
 *     workers hand to OpenCode's `opencode-go` provider.
 * Workers run as processes (test/cli/support/worker-entry.ts), so stdin, signals and exit codes are real. What
 * OpenCode fetches at start and how it is installed: docs/opencode-cli.md#network-at-start, docs/opencode-cli.md#installing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const workerEntry = path.join(repoRoot, 'test', 'cli', 'support', 'worker-entry.ts');

/** The OpenCode binary npm installed: the launcher's copy when its postinstall ran, else the platform package's. */
export function opencodeBinary(): string {
  const launcherCopy = path.join(repoRoot, 'node_modules', 'opencode-ai', 'bin', 'opencode.exe');
  if (existsSync(launcherCopy) && statSync(launcherCopy).size > 1_000_000) return launcherCopy;
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  for (const suffix of ['', '-baseline']) {
    const candidate = path.join(
      repoRoot,
      'node_modules',
      `opencode-${platform}-${process.arch}${suffix}`,
      'bin',
      'opencode',
    );
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('the opencode-ai devDependency is not installed; run npm ci');
}

export interface NetworkTripwire {
  proxyUrl: string;
  registryUrl: string;
  /** Every attempt to reach the outside world (`CONNECT host:443` or a proxied `GET http://…`). */
  attempts: string[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

export async function startNetworkTripwire(): Promise<NetworkTripwire> {
  const attempts: string[] = [];
  const proxy = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  proxy.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.on('error', () => {});
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  const registry = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
  });
  const [proxyUrl, registryUrl] = await Promise.all([listen(proxy), listen(registry)]);
  return {
    proxyUrl,
    registryUrl: `${registryUrl}/`,
    attempts,
    close: async () => {
      proxy.closeAllConnections();
      registry.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => proxy.close(resolve)),
        new Promise((resolve) => registry.close(resolve)),
      ]);
    },
  };
}

export interface OpencodeSandbox {
  root: string;
  /** The environment a worker gets: sandboxed homes, closed network, `opencode` on PATH. */
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  cleanup(): void;
}

export function createOpencodeSandbox(tripwire: NetworkTripwire): OpencodeSandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'oss-workers-opencode-'));
  const home = path.join(root, 'home');
  const bin = path.join(root, 'bin');
  mkdirSync(home, { recursive: true });
  mkdirSync(bin, { recursive: true });
  symlinkSync(opencodeBinary(), path.join(bin, 'opencode'));
  const base: Record<string, string> = {
    PATH: [bin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    TMPDIR: tmpdir(),
    HTTP_PROXY: tripwire.proxyUrl,
    HTTPS_PROXY: tripwire.proxyUrl,
    http_proxy: tripwire.proxyUrl,
    https_proxy: tripwire.proxyUrl,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    npm_config_registry: tripwire.registryUrl,
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  };
  return {
    root,
    env: (extra = {}) => {
      const env = { ...base };
      for (const [name, value] of Object.entries(extra)) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      return env;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** A git repository with one commit holding `files`; `codex-oss install` never ran in it. */
export function gitProject(parent: string, files: Record<string, string>): string {
  const root = mkdtempSync(path.join(parent, 'project-'));
  git(root, 'init', '-q', '-b', 'main');
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'first');
  return root;
}

export interface WorkerProcess {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * A worker as a process. `stdin`: a string is piped and closed; `'open'` leaves an empty pipe open for the whole
 * run (a parent that never closes it); `'closed'` is an empty pipe closed at once.
 */
export function startWorker(
  name: string,
  argv: string[],
  options: { cwd: string; env: Record<string, string>; stdin?: string | 'open' | 'closed' },
): WorkerProcess {
  const child = spawn(process.execPath, [workerEntry, name, ...argv], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const stdin = options.stdin ?? 'closed';
  child.stdin?.on('error', () => {});
  if (stdin === 'closed') child.stdin?.end();
  else if (stdin !== 'open') child.stdin?.end(stdin);
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) =>
    child.once('close', (code, signal) => {
      child.stdin?.destroy();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}
