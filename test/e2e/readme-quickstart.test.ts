/**
 * The README's quick start, end to end, as a user runs it: in a fresh project, with a temporary HOME and
 * CODEX_HOME signed in as a ChatGPT account (a stand-in login) and no OPENAI_API_KEY, the commands the README prints
 * run in a shell — `codex login status`, `codex-oss install`, `codex-oss start`, `codex --profile codex-oss exec`,
 * `codex-oss doctor`, `codex-oss stop` — with the real Codex CLI.
 *
 * The GPT parent is played by a loopback stand-in for the ChatGPT backend (the bridge's CHATGPT_BASE_URL): it
 * checks what the bridge forwards (the user's access token, the account id, no bridge key) and answers with a
 * spawn_agent call for `oss-kimi-rapid`, then wait_agent, then its final answer built from what the agent reported.
 * The agent is served by the bridge from the strict mock OpenCode upstream, which plays Kimi: it reads the file with
 * the shell tool Codex offers, then reports the output it was given. The parent's answer must contain the file's
 * content, which only the agent's shell command could have read.
 *
 * `codex-oss` is a shim on PATH running this checkout's CLI, as `npm install -g <tarball>` would link it.
 * OCB_TRANSCRIPT=1 prints every command with its output.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killOurBridge } from '../cli/daemon-harness.ts';
import {
  type ChatRequestBody,
  type MockUpstream,
  startMockUpstream,
  textReply,
  toolCallReply,
} from '../mock-upstream/index.ts';
import { type BackendRequest, type ChatgptBackend, startChatgptBackend } from '../support/chatgpt-backend.ts';
import { type ChatgptLogin, writeChatgptLogin } from '../support/chatgpt-login.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const UPSTREAM_KEY = 'sk-opencode-quickstart-test';
/** Only the agent's `cat` can see this: it is in the file, and nowhere in any prompt. */
const FILE_CONTENT = 'launch code: PURPLE-OTTER-4417';
const FILE = 'notes/launch.txt';
/** Real Codex runs with a subagent on a loaded 2-core machine: minutes, not seconds. */
const COMMAND_TIMEOUT_MS = 300_000;

interface Shell {
  code: number;
  stdout: string;
  stderr: string;
}

let base: string;
let project: string;
let codexHome: string;
let port: number;
let login: ChatgptLogin;
let chatgpt: ChatgptBackend;
let upstream: MockUpstream;
let env: NodeJS.ProcessEnv;
const transcript: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: chosen } = server.address() as { port: number };
      server.close(() => resolve(chosen));
    });
  });
}

/** One command line, run as a user types it (`sh -c`), in the project. */
function sh(command: string, extraEnv: Record<string, string> = {}): Promise<Shell> {
  return new Promise((resolve) => {
    const child = execFile(
      '/bin/sh',
      ['-c', command],
      {
        cwd: project,
        env: { ...env, ...extraEnv },
        timeout: COMMAND_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        const result = { code: typeof code === 'number' ? code : 1, stdout, stderr };
        transcript.push(`$ ${command}\n${stdout}${stderr}[exit ${result.code}]\n`);
        if (process.env.OCB_TRANSCRIPT === '1') process.stdout.write(transcript.at(-1) ?? '');
        resolve(result);
      },
    );
    child.stdin?.end();
  });
}

// ---- the GPT parent: the ChatGPT backend stand-in --------------------------------------------------------------

type Item = Record<string, any>;

const inputItems = (request: BackendRequest): Item[] => request.body?.input ?? [];

function functionCall(name: string, args: unknown, namespace: string | undefined, id: string): Item {
  return {
    type: 'function_call',
    id: `fc_${id}`,
    call_id: `call_${id}`,
    name,
    ...(namespace ? { namespace } : {}),
    arguments: JSON.stringify(args),
  };
}

/** Every object in the request body, however deep (tools may be declared in the body or in an input item). */
function* objectsIn(value: unknown): Generator<Item> {
  if (Array.isArray(value)) for (const entry of value) yield* objectsIn(entry);
  else if (value && typeof value === 'object') {
    yield value as Item;
    for (const entry of Object.values(value)) yield* objectsIn(entry);
  }
}

/** The namespace Codex declared a tool in (`collaboration` for gpt-6.1-sol in 0.169), or none for a plain tool. */
function namespaceOf(request: BackendRequest, tool: string): string | undefined {
  for (const item of objectsIn(request.body)) {
    if (item.type === 'namespace' && (item.tools ?? []).some((entry: Item) => entry.name === tool))
      return item.name;
  }
  return undefined;
}

/** The agent's report (the mock Kimi's `RESULT: <file> contains: …`), wherever Codex put it in the parent's input. */
function agentReport(request: BackendRequest): string | undefined {
  const texts = inputItems(request).flatMap((item) => {
    if (item.type === 'function_call_output') return [String(item.output ?? '')];
    // Codex 0.169 hands a finished agent's answer to the parent as an `agent_message` item ("Message Type:
    // FINAL_ANSWER … Payload: <answer>"); older multi-agent tools returned it from wait_agent.
    if (Array.isArray(item.content)) return item.content.map((part: Item) => String(part.text ?? ''));
    return [];
  });
  return texts.find((text) => text.includes(`RESULT: ${FILE} contains:`));
}

const MAX_WAITS = 4;

function parentTurn(request: BackendRequest, index: number): Item[] {
  if (process.env.OCB_DUMP) writeFileSync(`${process.env.OCB_DUMP}-${index}.json`, request.raw);
  const calls = inputItems(request).filter((item) => item.type === 'function_call');
  const report = agentReport(request);
  if (report !== undefined || calls.length > MAX_WAITS) {
    // The answer is built from what reached the parent: the agent's report, as Codex handed it over.
    return [
      {
        type: 'message',
        role: 'assistant',
        id: `msg_parent_${index}`,
        status: 'completed',
        content: [
          {
            type: 'output_text',
            text: `The oss-kimi-rapid agent reported: ${report ?? '(nothing)'}`,
            annotations: [],
          },
        ],
      },
    ];
  }
  if (calls.length === 0) {
    return [
      functionCall(
        'spawn_agent',
        {
          task_name: 'read_launch_notes',
          agent_type: 'oss-kimi-rapid',
          fork_turns: 'none',
          message: `TASK: Read the file ${FILE} with one shell command and report its content exactly.`,
        },
        namespaceOf(request, 'spawn_agent'),
        `spawn_${index}`,
      ),
    ];
  }
  return [
    functionCall('wait_agent', { timeout_ms: 240_000 }, namespaceOf(request, 'wait_agent'), `wait_${index}`),
  ];
}

// ---- the OSS agent: the mock OpenCode upstream playing Kimi -----------------------------------------------------

function toolOutputs(request: ChatRequestBody): string[] {
  return (request.messages as Array<Record<string, any>>)
    .filter((message) => message.role === 'tool')
    .map((message) => String(message.content));
}

/** The shell tool Codex offers the agent, and the arguments that run `command` with it. */
function shellCall(request: ChatRequestBody, command: string): { name: string; arguments: string } {
  const names = (request.tools ?? []).map((tool: any) => String(tool.function?.name ?? ''));
  if (names.includes('exec_command'))
    return { name: 'exec_command', arguments: JSON.stringify({ cmd: command }) };
  if (names.includes('shell'))
    return { name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', command] }) };
  throw new Error(`the agent was offered no shell tool (tools: ${names.join(', ')})`);
}

function upstreamTurn(request: ChatRequestBody) {
  if ((request.tools ?? []).length === 0) return textReply('OK'); // doctor's round trip
  const outputs = toolOutputs(request);
  if (outputs.length === 0) {
    return toolCallReply([shellCall(request, `cat ${FILE}`)], {
      reasoning: 'The task names one file; I read it.',
    });
  }
  const printed = (outputs.at(-1) ?? '').split('Output:\n').at(-1)?.trim() ?? '';
  return textReply(`RESULT: ${FILE} contains: ${printed}\nCONFIDENCE: HIGH - read it with cat`, {
    reasoning: 'The command printed the file.',
  });
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'ocb-quickstart-')));
  project = path.join(base, 'project');
  codexHome = path.join(base, 'codex-home');
  const home = path.join(base, 'home');
  const bin = path.join(base, 'bin');
  for (const dir of [project, codexHome, home, bin, path.join(project, 'notes')])
    mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(project, FILE), `${FILE_CONTENT}\n`);
  writeFileSync(
    path.join(bin, 'codex-oss'),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPO, 'src', 'bin', 'codex-oss.ts')}" "$@"\n`,
  );
  chmodSync(path.join(bin, 'codex-oss'), 0o755);
  symlinkSync(path.join(REPO, 'node_modules', '.bin', 'codex'), path.join(bin, 'codex'));

  chatgpt = await startChatgptBackend(parentTurn);
  upstream = await startMockUpstream({ apiKey: UPSTREAM_KEY });
  upstream.script((request: ChatRequestBody) => upstreamTurn(request));
  port = await freePort();
  login = writeChatgptLogin(codexHome);
  // The user's own Codex settings: no analytics or plugin sync, and Codex's own ChatGPT calls (account checks) go
  // to the stand-in instead of the network.
  writeFileSync(
    path.join(codexHome, 'config.toml'),
    `chatgpt_base_url = "${chatgpt.backendUrl}"\n\n[analytics]\nenabled = false\n\n[features]\nplugins = false\n`,
  );
  env = {
    PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    HOME: home,
    CODEX_HOME: codexHome,
    LANG: 'C.UTF-8',
    RUST_LOG: 'error',
    // The stand-ins for the world outside: OpenCode Go and the ChatGPT backend the bridge forwards to.
    OPENCODE_GO_BASE_URL: upstream.baseUrl,
    CHATGPT_BASE_URL: chatgpt.codexBaseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: chatgpt.refreshUrl,
  };
  const git = await sh('git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init');
  expect(git.code, git.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  if (project) killOurBridge(path.join(project, '.codex-oss', 'run', 'bridge.pid'));
  await chatgpt?.close();
  await upstream?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('the README quick start, signed in with a ChatGPT account, no OPENAI_API_KEY', () => {
  it(
    'install, start, and a GPT parent whose OSS subagent reads a file: the parent answers with its content',
    async () => {
      const status = await sh('codex login status');
      expect(status.stderr).toContain('Logged in using ChatGPT');

      const install = await sh(
        `OPENCODE_GO_API_KEY=${UPSTREAM_KEY} codex-oss install --trust --key-from-env --port ${port}`,
      );
      expect(install.code, install.stderr).toBe(0);
      expect(install.stdout).toContain(
        'GPT requests: your Codex sign-in (ChatGPT account), forwarded by the bridge.',
      );
      expect(install.stdout).toContain(`codex-oss start --detach --mode openai --port ${port}`);
      expect(install.stdout).not.toContain('export ');

      const start = await sh(`codex-oss start --detach --mode openai --port ${port}`);
      expect(start.code, start.stderr).toBe(0);
      expect(start.stderr).not.toContain('warning');
      expect(start.stdout).toContain(
        'GPT        your Codex sign-in (ChatGPT account), forwarded by the bridge',
      );

      const exec = await sh(
        `codex --profile codex-oss exec "Ask the oss-kimi-rapid agent what ${FILE} says."`,
      );
      expect(exec.code, exec.stderr).toBe(0);
      expect(exec.stdout).toContain(`The oss-kimi-rapid agent reported:`);
      expect(exec.stdout).toContain(FILE_CONTENT);

      // What the ChatGPT backend got: the user's own sign-in, the body as Codex sent it, never the bridge key.
      const parent = chatgpt.responses();
      expect(parent.length).toBeGreaterThanOrEqual(3); // spawn, wait (until the report is in), answer
      for (const request of parent) {
        expect(request.headers.authorization).toBe(`Bearer ${login.accessToken}`);
        expect(request.headers['chatgpt-account-id']).toBe(login.accountId);
        expect(request.headers['x-opencode-bridge-key']).toBeUndefined();
        expect(request.headers['x-openai-subagent']).toBeUndefined();
        expect(request.body).toMatchObject({ stream: true });
        expect(String(request.body.model)).toMatch(/^gpt-/);
      }
      expect(parent[0]?.raw).toContain(`Ask the oss-kimi-rapid agent what ${FILE} says.`);
      expect(JSON.stringify(parent.map((request) => request.headers))).not.toContain(readBridgeToken());
      expect(chatgpt.refreshAttempts()).toEqual([]);

      // The agent ran on the OSS path: Kimi was asked twice (the read, then the report) and saw the file's content.
      const kimi = upstream.requests.filter((request) => request.body?.model === 'kimi-k2.6');
      expect(kimi.length).toBe(2);
      expect(toolOutputs(kimi[1]?.body as ChatRequestBody).join('\n')).toContain(FILE_CONTENT);
      expect(JSON.stringify(kimi[0]?.body)).not.toContain(FILE_CONTENT);
      // The user's ChatGPT token went only where it belongs: never to OpenCode Go.
      expect(JSON.stringify(upstream.requests.map((request) => request.headers))).not.toContain(
        login.accessToken,
      );

      const doctor = await sh('codex-oss doctor');
      expect(doctor.stdout).toMatch(
        /PASS {2}GPT requests have a credential +your Codex sign-in \(ChatGPT account\)/,
      );
      expect(doctor.stdout).toMatch(/\d+ PASS, \d+ WARN, 0 FAIL/);
      expect(doctor.code).toBe(0);

      const stop = await sh('codex-oss stop');
      expect(stop.code, stop.stderr).toBe(0);
    },
    COMMAND_TIMEOUT_MS * 3,
  );
});

function readBridgeToken(): string {
  return readFileSync(path.join(project, '.codex-oss', 'state', 'bridge-token'), 'utf8').trim();
}
