/**
 * The two paths every section compares, driven by the same client: straight to the upstream with the Chat
 * request the bridge would have sent, or through the bridge with the Responses request.
 */
import type { Agent } from 'node:http';
import type { BridgeProcess } from './bridge-process.ts';
import type { FastUpstream, Scenario } from './fast-upstream.ts';
import type { Payload } from './payloads.ts';
import {
  type Classifier,
  classifyChatChunk,
  classifyResponsesEvent,
  type StreamResult,
  streamRequest,
} from './sse-client.ts';

export type PathKind = 'direct' | 'bridge';

export interface Path {
  kind: PathKind;
  url: URL;
  classify: Classifier;
  /** Headers that route the request to `<scenario>.<id>` on the bench upstream. */
  headers(session: string): Record<string, string>;
}

export function directPath(upstream: FastUpstream): Path {
  return {
    kind: 'direct',
    url: new URL(`${upstream.baseUrl}/chat/completions`),
    classify: classifyChatChunk,
    headers: (session) => ({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: 'Bearer sk-bench-upstream-key',
      'x-opencode-session': session,
    }),
  };
}

export function bridgePath(bridge: BridgeProcess): Path {
  return {
    kind: 'bridge',
    url: new URL(`${bridge.baseUrl}/responses`),
    classify: classifyResponsesEvent,
    headers: (session) => ({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${bridge.apiKey}`,
      'session-id': session,
    }),
  };
}

let sequence = 0;

export interface RunOptions {
  recordDeltaTimes?: boolean;
  onSend?: (at: number) => void;
  /** Stream id; by default a fresh one. */
  id?: string;
}

/** One streaming request on a path; the id ties the client's view to the upstream's (send times, body time). */
export async function runOn(
  agent: Agent,
  path: Path,
  payload: Payload,
  scenario: Scenario,
  options: RunOptions = {},
): Promise<StreamResult & { id: string }> {
  const id = options.id ?? `${path.kind[0]}${sequence++}`;
  const result = await streamRequest(agent, {
    url: path.url,
    headers: path.headers(`${scenario}.${id}`),
    body: path.kind === 'direct' ? payload.chat : payload.responses,
    classify: path.classify,
    recordDeltaTimes: options.recordDeltaTimes,
    onSend: options.onSend,
  });
  return { ...result, id };
}
