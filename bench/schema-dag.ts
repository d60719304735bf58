/**
 * Time to answer a Kimi request whose tool schema is a DAG of definitions (issue 12): `count` definitions, each with
 * `fanOut` properties that all point at the next one. Inlining the `$ref`s makes fanOut^count copies (4^12 ≈ 16.8
 * million for the 1.9 KB schema the issue reported: 78 s and 1.8 GB before a 500); the bridge now keeps them.
 * The real bridge runs in a child process (bench/bridge-process.ts) against the strict mock upstream, which also
 * checks the schema it receives the way Kimi's validator does. Prints, per shape: the status, the time from sending
 * the request to the end of the answer and the bridge's CPU time (medians of ROUNDS requests, default 5), its RSS
 * afterwards, and the size of the schema it sent upstream.
 *
 *   node bench/schema-dag.ts                 # 12x4, as reported, and larger shapes
 *   ROUNDS=1 node bench/schema-dag.ts 12x4   # one shape, once
 */
import { startMockUpstream, textReply } from '../test/mock-upstream/index.ts';
import { startBridgeProcess } from './bridge-process.ts';

function dagSchema(count: number, fanOut: number): Record<string, unknown> {
  const $defs: Record<string, unknown> = {};
  for (let index = 0; index < count; index++) {
    const next = index + 1 < count ? { $ref: `#/$defs/D${index + 1}` } : { type: 'string' };
    $defs[`D${index}`] = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: fanOut }, (_, property) => [`p${property}`, next])),
    };
  }
  return { type: 'object', properties: { root: { $ref: '#/$defs/D0' } }, $defs };
}

const shapes = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['12x4', '20x5', '40x8']).map(
  (shape) => {
    const [count, fanOut] = shape.split('x').map(Number);
    return { count: count as number, fanOut: fanOut as number };
  },
);

const upstream = await startMockUpstream();
upstream.script(() => textReply('ok'));
const bridge = await startBridgeProcess({ upstreamBaseUrl: upstream.baseUrl });
/** Each shape is asked this many times; the figures are medians. */
const ROUNDS = Number(process.env.ROUNDS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** One request to the bridge; resolves with its status once the whole answer is read. */
async function ask(body: string): Promise<number> {
  const response = await fetch(`${bridge.baseUrl}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.apiKey}`, 'content-type': 'application/json' },
    body,
  });
  await response.text();
  return response.status;
}

const kimiRequest = (count: number, fanOut: number) =>
  JSON.stringify({
    model: 'ocg-kimi-k2.6',
    input: 'hi',
    tools: [{ type: 'function', name: 'plan', parameters: dagSchema(count, fanOut) }],
  });

try {
  // The first request pays for loading and compiling the code paths: not counted.
  await ask(kimiRequest(2, 2));
  console.log('shape   body     status  answered in  bridge CPU  bridge RSS  schema sent upstream');
  for (const { count, fanOut } of shapes) {
    const body = kimiRequest(count, fanOut);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let status = 0;
    for (let round = 0; round < ROUNDS; round++) {
      upstream.requests.length = 0;
      const cpuBefore = await bridge.cpu();
      const started = performance.now();
      status = await ask(body);
      times.push(performance.now() - started);
      const cpu = await bridge.cpu();
      cpuTimes.push((cpu.user + cpu.system - cpuBefore.user - cpuBefore.system) / 1000);
    }
    const ms = median(times);
    const cpuMs = median(cpuTimes);
    const { rss } = await bridge.memory(false);
    const sent = upstream.requests.at(-1)?.body?.tools?.[0]?.function?.parameters;
    console.log(
      [
        `${count}x${fanOut}`.padEnd(7),
        `${(body.length / 1024).toFixed(1)} KB`.padEnd(8),
        String(status).padEnd(7),
        `${ms.toFixed(0)} ms`.padStart(11),
        `${cpuMs.toFixed(0)} ms`.padStart(10),
        `${(rss / 2 ** 20).toFixed(0)} MiB`.padStart(10),
        sent ? `  ${(JSON.stringify(sent).length / 1024).toFixed(1)} KB` : '  (nothing sent)',
      ].join(' '),
    );
  }
} finally {
  await bridge.stop();
  await upstream.close();
}
