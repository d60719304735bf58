/**
 * Is the port free, and if not, what holds it? Tells another opencode-bridge (e.g. one started from a different
 * project) from an unrelated program, so the user knows what to stop.
 */
import { createServer } from 'node:net';
import { fetchHealth, localUrl } from './bridge-health.ts';

function canListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** undefined when the bridge can listen on host:port; otherwise a sentence saying what is in the way. */
export async function portProblem(host: string, port: number): Promise<string | undefined> {
  const error = await canListen(host, port);
  if (!error) return undefined;
  const where = `${host}:${port}`;
  if (error.code === 'EACCES')
    return `${where} needs privileges to listen on; pick a port above 1024 with --port.`;
  if (error.code !== 'EADDRINUSE') return `cannot listen on ${where}: ${error.message}`;
  const health = await fetchHealth(localUrl(host, port));
  const holder =
    health instanceof Error
      ? 'another program (not an opencode-bridge)'
      : `another opencode-bridge ${health.version} (instance ${health.instance_id ?? 'unknown'}), not the one this project's pid file names — stop it from the project that started it`;
  return (
    `port ${port} on ${host} is already in use by ${holder}. ` +
    `Pick another port with --port N, or find the holder with \`lsof -i :${port}\` (or \`ss -ltnp | grep :${port}\`).`
  );
}
