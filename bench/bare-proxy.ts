/**
 * The floor under the bridge: a bare Node HTTP proxy in a child process of its own that reads the request body,
 * parses it, posts it to the upstream with undici (as the bridge does) and copies the SSE body back chunk by
 * chunk, with no translation, validation, logging or state. compare.ts runs it beside the bridges, so a bridge's
 * figures can be read against what Node's HTTP server and client alone cost on the same machine in the same run.
 * Run as a script, it is the child.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:http';
import { request } from 'undici';

export interface BareProxy {
  /** Takes the direct path's Chat request at `${baseUrl}/chat/completions`. */
  baseUrl: string;
  cpu(): Promise<NodeJS.CpuUsage>;
  stop(): Promise<void>;
}

/** Headers passed on to the upstream (the bench upstream routes on x-opencode-session). */
const FORWARDED = ['content-type', 'accept', 'authorization', 'x-opencode-session'];

function serve(upstreamBaseUrl: string): void {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', async () => {
      try {
        const body = JSON.stringify(JSON.parse(Buffer.concat(parts).toString('utf8')));
        const headers: Record<string, string> = {};
        for (const name of FORWARDED) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const upstream = await request(`${upstreamBaseUrl}/chat/completions`, {
          method: 'POST',
          headers,
          body,
        });
        res.writeHead(upstream.statusCode, { 'content-type': 'text/event-stream' });
        for await (const chunk of upstream.body) res.write(chunk);
        res.end();
      } catch (error) {
        res.destroy(error as Error);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.send?.({ type: 'ready', baseUrl: `http://127.0.0.1:${port}/v1` });
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu') process.send?.({ type: 'cpu', cpu: process.cpuUsage() });
    if (message.type === 'stop') server.close(() => process.exit(0));
  });
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: { type: string } & Record<string, unknown>) => {
      if (message.type !== type) return;
      child.off('message', listener);
      resolve(message as T);
    };
    child.on('message', listener);
    child.send({ type });
  });
}

export async function startBareProxy(upstreamBaseUrl: string): Promise<BareProxy> {
  const child = fork(import.meta.filename, ['--child', upstreamBaseUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { baseUrl } = await new Promise<{ baseUrl: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare proxy exited during start (code ${code})`)));
    child.on('message', (message: { type: string; baseUrl: string }) => {
      if (message.type === 'ready') resolve(message);
    });
  });
  return {
    baseUrl,
    cpu: async () => (await ask<{ cpu: NodeJS.CpuUsage }>(child, 'cpu')).cpu,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.removeAllListeners('exit'); // the start's listener, which would reject a settled promise
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

if (process.argv[2] === '--child') serve(process.argv[3] as string);
