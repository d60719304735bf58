/**
 * The setting of the worker tests with the real OpenCode CLI: a network tripwire, a sandbox (temporary HOME and XDG
 * directories, network closed), and the scripted mock upstream standing in for OpenCode Go, which plays the model.
 * Each test file gets its own (`useOpencodeWorld()` in its top level), so vitest runs the files side by side: one
 * OpenCode run takes a minute or more on a loaded machine, and one file holding them all was the suite's long pole.
 */
import { afterAll, beforeAll } from 'vitest';
import {
  type ChatRequestBody,
  type MockUpstream,
  type Reply,
  startMockUpstream,
  textReply,
  toolCallReply,
} from '../../mock-upstream/index.ts';
import {
  createOpencodeSandbox,
  git,
  type NetworkTripwire,
  type OpencodeSandbox,
  startNetworkTripwire,
  type startWorker,
} from './opencode-sandbox.ts';

export const KEY = 'sk-go-test-key';
export const RUN_TIMEOUT = 600_000;
export const FINAL_ANSWER = 'Final answer: the task is done.';

export type Finished = Awaited<ReturnType<typeof startWorker>['done']>;

export interface OpencodeWorld {
  readonly tripwire: NetworkTripwire;
  readonly sandbox: OpencodeSandbox;
  readonly upstream: MockUpstream;
  /** Only the README's variables: OPENCODE_GO_API_KEY and OPENCODE_GO_BASE_URL (no OPENCODE_API_KEY). */
  workerEnv(extra?: Record<string, string | undefined>): Record<string, string>;
  /** The model: `turns[n]` answers after n tool results; then the final answer. Title-like calls get text. */
  playModel(...turns: Reply[]): void;
  chatRequestsSince(start: number): ChatRequestBody[];
}

export function useOpencodeWorld(): OpencodeWorld {
  let tripwire: NetworkTripwire | undefined;
  let sandbox: OpencodeSandbox | undefined;
  let upstream: MockUpstream | undefined;
  beforeAll(async () => {
    tripwire = await startNetworkTripwire();
    sandbox = createOpencodeSandbox(tripwire);
    upstream = await startMockUpstream({ apiKey: KEY });
  });
  afterAll(async () => {
    await upstream?.close();
    await tripwire?.close();
    sandbox?.cleanup();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`the OpenCode world's ${name} is used before beforeAll ran`);
    return value;
  };
  const world: OpencodeWorld = {
    get tripwire() {
      return ready(tripwire, 'tripwire');
    },
    get sandbox() {
      return ready(sandbox, 'sandbox');
    },
    get upstream() {
      return ready(upstream, 'upstream');
    },
    workerEnv: (extra = {}) =>
      world.sandbox.env({ OPENCODE_GO_API_KEY: KEY, OPENCODE_GO_BASE_URL: world.upstream.baseUrl, ...extra }),
    playModel: (...turns) =>
      world.upstream.script((request) => {
        if (!request.tools?.length) return textReply('Worker task');
        return turns[toolMessages(request)] ?? textReply(FINAL_ANSWER, { reasoning: 'Done.' });
      }),
    chatRequestsSince: (start) =>
      world.upstream.requests
        .slice(start)
        .filter((request) => request.path === '/v1/chat/completions')
        .map((request) => request.body as ChatRequestBody),
  };
  return world;
}

function toolMessages(request: ChatRequestBody): number {
  return request.messages.filter((message) => message.role === 'tool').length;
}

/** A model turn that calls one tool. */
export function call(name: string, args: object): Reply {
  return toolCallReply([{ name, arguments: JSON.stringify(args) }], { reasoning: 'Let me do that.' });
}

export function userPrompt(request: ChatRequestBody | undefined): string {
  const user = request?.messages.find((message) => message.role === 'user');
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content);
}

export function worktreeList(project: string): string {
  return git(project, 'worktree', 'list', '--porcelain');
}
