/**
 * Which process listens on a TCP port, so a port conflict names its holder. Linux only (/proc/net/tcp{,6} give the
 * listening socket's inode, /proc/<pid>/fd the process holding it); only the user's own processes can be seen.
 * Elsewhere, or for another user's process, it finds nothing and the caller falls back to `lsof`/`ss` advice.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { commandLineOf } from '../daemon/process-identity.ts';

const LISTEN = '0A';

/** Inodes of the sockets listening on `port`, from the text of /proc/net/tcp or /proc/net/tcp6. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return procNetTcp
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === LISTEN)
    .map((fields) => fields[9] ?? '')
    .filter((inode) => inode !== '' && inode !== '0');
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function holdsSocket(pid: string, sockets: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // another user's process, or gone
  }
  return fds.some((fd) => {
    try {
      return sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      return false;
    }
  });
}

export interface PortHolder {
  pid: number;
  commandLine: string | undefined;
}

export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    listeningInodes(readOrEmpty(file), port),
  );
  if (inodes.length === 0) return undefined;
  const sockets = new Set(inodes.map((inode) => `socket:[${inode}]`));
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const pid = pids.find((candidate) => holdsSocket(candidate, sockets));
  return pid ? { pid: Number(pid), commandLine: commandLineOf(Number(pid)) } : undefined;
}

export function describeHolder(holder: PortHolder): string {
  const command = holder.commandLine ? ` \`${holder.commandLine.slice(0, 100)}\`` : '';
  return `pid ${holder.pid}${command}`;
}
