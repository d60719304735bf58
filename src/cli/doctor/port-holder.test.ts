import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findPortHolder, listeningInodes } from './port-holder.ts';

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0FA0 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0FA0 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 5151 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6262 1 0000000000000000 100 0 0 10 0
`;

describe('listeningInodes', () => {
  it('finds the inode of the socket listening on a port, not its established connections', () => {
    expect(listeningInodes(PROC_NET_TCP, 4000)).toEqual(['4242']);
    expect(listeningInodes(PROC_NET_TCP, 8080)).toEqual(['6262']);
    expect(listeningInodes(PROC_NET_TCP, 4001)).toEqual([]);
  });
});

describe.runIf(process.platform === 'linux')('findPortHolder', () => {
  it('names the process that listens on a port (here, this one)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expect(findPortHolder(port)).toMatchObject({ pid: process.pid, commandLine: expect.any(String) });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
