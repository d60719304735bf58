/**
 * The worker wrappers end to end with the real OpenCode CLI (the pinned `opencode-ai` devDependency) against the
 * scripted mock upstream standing in for OpenCode Go. The mock plays the model: it answers with the tool calls a
 * misbehaving model would make (a shell write, an edit, a write outside the worktree), then a final answer.
 * Every run is sandboxed (temporary HOME and XDG directories, network closed; support/opencode-sandbox.ts), and
 * OpenCode is slow to start on a loaded machine, so each describe block runs its worker once and checks it in
 * several steps.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatRequestBody,
  type MockUpstream,
  type Reply,
  startMockUpstream,
  textReply,
  toolCallReply,
} from '../mock-upstream/index.ts';
import { waitFor } from '../support/wait.ts';
import {
  createOpencodeSandbox,
  git,
  gitProject,
  type NetworkTripwire,
  type OpencodeSandbox,
  startNetworkTripwire,
  startWorker,
} from './support/opencode-sandbox.ts';

const KEY = 'sk-go-test-key';
const RUN_TIMEOUT = 600_000;
const FINAL_ANSWER = 'Final answer: the task is done.';

let tripwire: NetworkTripwire;
let sandbox: OpencodeSandbox;
let upstream: MockUpstream;

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

/** Only the README's variables: OPENCODE_GO_API_KEY and OPENCODE_GO_BASE_URL (no OPENCODE_API_KEY). */
function workerEnv(extra: Record<string, string | undefined> = {}) {
  return sandbox.env({ OPENCODE_GO_API_KEY: KEY, OPENCODE_GO_BASE_URL: upstream.baseUrl, ...extra });
}

function toolMessages(request: ChatRequestBody): number {
  return request.messages.filter((message) => message.role === 'tool').length;
}

/** The model: `turns[n]` answers after n tool results; then the final answer. Title-like calls without tools get text. */
function playModel(...turns: Reply[]) {
  upstream.script((request) => {
    if (!request.tools?.length) return textReply('Worker task');
    return turns[toolMessages(request)] ?? textReply(FINAL_ANSWER, { reasoning: 'Done.' });
  });
}

function call(name: string, args: object): Reply {
  return toolCallReply([{ name, arguments: JSON.stringify(args) }], { reasoning: 'Let me do that.' });
}

function chatRequestsSince(start: number): ChatRequestBody[] {
  return upstream.requests
    .slice(start)
    .filter((request) => request.path === '/v1/chat/completions')
    .map((request) => request.body as ChatRequestBody);
}

function userPrompt(request: ChatRequestBody | undefined): string {
  const user = request?.messages.find((message) => message.role === 'user');
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content);
}

function worktreeList(project: string): string {
  return git(project, 'worktree', 'list', '--porcelain');
}

type Finished = Awaited<ReturnType<typeof startWorker>['done']>;

describe('oss-scout, when the model tries to write through the shell', () => {
  let project: string;
  let run: Finished;
  let requests: ChatRequestBody[];

  beforeAll(async () => {
    project = gitProject(sandbox.root, { 'README.md': '# project\n' });
    playModel(call('bash', { command: 'touch PWNED.txt && echo pwned >> README.md', description: 'Write' }));
    const start = upstream.requests.length;
    run = await startWorker('scout', ['say "greet" about this diff'], {
      cwd: project,
      env: workerEnv(),
      stdin: 'diff --git a/x b/x\n+an added line\n',
    }).done;
    requests = chatRequestsSince(start);
  }, RUN_TIMEOUT);

  it('leaves the checkout unchanged', () => {
    expect(readFileSync(path.join(project, 'README.md'), 'utf8')).toBe('# project\n');
    expect(existsSync(path.join(project, 'PWNED.txt'))).toBe(false);
    expect(git(project, 'status', '--porcelain')).toBe('');
  });

  it('offers the model read-only tools only: no shell, no edits, no network, no subagents', () => {
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      const tools = (request.tools ?? []).map((tool) => tool.function?.name ?? tool.type).sort();
      expect(tools.every((tool) => ['glob', 'grep', 'list', 'read'].includes(tool))).toBe(true);
      expect(tools).toContain('read');
    }
  });

  it('reports the refused call on stderr, prints the answer, and exits 3', () => {
    expect(run.stderr).toContain('refused: $ touch PWNED.txt && echo pwned >> README.md');
    expect(run.stderr).toContain('oss-scout: 1 tool call was refused');
    expect(run.stdout.trim()).toBe(FINAL_ANSWER);
    expect(run.code).toBe(3);
  });

  it('reaches OpenCode Go with the key from OPENCODE_GO_API_KEY', () => {
    const chat = upstream.requests.filter((request) => request.path === '/v1/chat/completions').at(-1);
    expect(chat?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('sends the task as typed (quotes unescaped) and the piped input fenced after it', () => {
    const prompt = userPrompt(requests[0]);
    expect(prompt).toContain('You are oss-scout, a read-only exploration worker.');
    expect(prompt).toContain('Task:\nsay "greet" about this diff\n');
    expect(prompt).not.toContain('\\"');
    expect(prompt).toContain(
      'Input (piped to oss-scout on stdin):\n```\ndiff --git a/x b/x\n+an added line\n```',
    );
    expect(run.stderr).toContain('oss-scout: added 34 bytes of piped input to the prompt.');
  });
});

describe('oss-review and oss-docs, when the model tries to edit files', () => {
  let project: string;
  let review: Finished;
  let docs: Finished;

  beforeAll(async () => {
    project = gitProject(sandbox.root, { 'README.md': '# project\n' });
    playModel(call('write', { filePath: path.join(project, 'PWNED.txt'), content: 'pwned\n' }));
    review = await startWorker('review', ['review README.md'], { cwd: project, env: workerEnv() }).done;
    playModel(
      call('edit', {
        filePath: path.join(project, 'README.md'),
        oldString: '# project',
        newString: '# pwned',
      }),
    );
    docs = await startWorker('docs', ['document README.md'], { cwd: project, env: workerEnv() }).done;
  }, 2 * RUN_TIMEOUT);

  it('oss-review: the write tool is refused and no file appears', () => {
    expect(existsSync(path.join(project, 'PWNED.txt'))).toBe(false);
    expect(review.stderr).toContain(`refused: write ${path.join(project, 'PWNED.txt')}`);
    expect(review.code).toBe(3);
  });

  it('oss-docs: the edit tool is refused and the file is unchanged', () => {
    expect(readFileSync(path.join(project, 'README.md'), 'utf8')).toBe('# project\n');
    expect(docs.stderr).toContain(`refused: edit ${path.join(project, 'README.md')}`);
    expect(docs.code).toBe(3);
    expect(git(project, 'status', '--porcelain')).toBe('');
  });
});

describe('a worker without a key, with a stdin pipe that stays open', () => {
  let run: Finished;
  let requestsBefore: number;

  beforeAll(async () => {
    const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
    requestsBefore = upstream.requests.length;
    run = await startWorker('scout', ['look around'], {
      cwd: project,
      env: sandbox.env(),
      stdin: 'open',
    }).done;
  }, RUN_TIMEOUT);

  it('ends with one line that names the fix, not OpenCode’s “Check server logs”', () => {
    const lastLine = run.stderr.trim().split('\n').at(-1);
    expect(lastLine).toBe(
      'oss-scout: OpenCode has no key for OpenCode Go: set OPENCODE_GO_API_KEY to your OpenCode Go key (the one ' +
        'the bridge uses), or run `opencode auth login` and choose OpenCode Go.',
    );
    expect(run.stderr).not.toContain('Check server logs');
    expect(run.stderr).not.toContain('UnknownError');
    expect(run.code).toBe(1);
    expect(upstream.requests.length).toBe(requestsBefore);
  });

  it('does not wait for the open pipe, and says so', () => {
    expect(run.stderr).toContain('oss-scout: stdin is a pipe but nothing arrived within 3 s; not reading it');
  });
});

describe('a worker asked for a model OpenCode Go does not have', () => {
  let run: Finished;

  beforeAll(async () => {
    const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
    run = await startWorker('review', ['--model', 'kimi-k9', 'review it'], { cwd: project, env: workerEnv() })
      .done;
  }, RUN_TIMEOUT);

  it('ends with one line that names the model and how to list the real ones', () => {
    const lastLine = run.stderr.trim().split('\n').at(-1) ?? '';
    expect(lastLine).toMatch(
      /^oss-review: OpenCode Go has no model 'kimi-k9' \(did you mean .*kimi-k2\.6.*\?\); /,
    );
    expect(lastLine).toContain('`opencode models opencode-go`');
    expect(run.stderr).not.toContain('Check server logs');
    expect(run.code).toBe(1);
  });
});

describe('oss-patch with a change to keep, in a repository where codex-oss install never ran', () => {
  let project: string;
  let run: Finished;
  let requests: ChatRequestBody[];

  beforeAll(async () => {
    project = gitProject(sandbox.root, {
      'README.md': '# project\n',
      '.gitignore': 'node_modules/\n',
      'package.json': JSON.stringify({
        name: 'project',
        private: true,
        scripts: { test: 'greet-dependency' },
      }),
    });
    // Installed in the main checkout only (ignored, not committed), as `npm ci` would leave it.
    mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(
      path.join(project, 'node_modules', '.bin', 'greet-dependency'),
      '#!/bin/sh\necho "dependency from the main checkout ran"\n',
    );
    chmodSync(path.join(project, 'node_modules', '.bin', 'greet-dependency'), 0o755);
    playModel(
      call('bash', { command: 'npm test', description: 'Run the tests' }),
      call('write', { filePath: 'NEW.txt', content: 'new\n' }),
    );
    const start = upstream.requests.length;
    run = await startWorker('patch', ['add NEW.txt'], { cwd: project, env: workerEnv() }).done;
    requests = chatRequestsSince(start);
  }, RUN_TIMEOUT);

  function keptWorktree(): string {
    const match = /kept the patch in (\S+) \(branch (\S+),/.exec(run.stderr);
    if (!match?.[1]) throw new Error(`no kept worktree in:\n${run.stderr}`);
    return match[1];
  }

  it('exits 0 with the answer and keeps the worktree and its branch, with the change', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(FINAL_ANSWER);
    const worktree = keptWorktree();
    expect(readFileSync(path.join(worktree, 'NEW.txt'), 'utf8')).toBe('new\n');
    expect(worktreeList(project)).toContain(worktree);
    expect(git(project, 'branch', '--list', 'oss-patch/*')).toContain(path.basename(worktree));
  });

  it('says how to review, keep and drop it', () => {
    const worktree = keptWorktree();
    expect(run.stderr).toContain(`review it:  git -C ${worktree} add -A && git -C ${worktree} diff --cached`);
    expect(run.stderr).toContain(`git merge oss-patch/${path.basename(worktree)}`);
    expect(run.stderr).toContain(`drop it:    git worktree remove --force ${worktree}`);
  });

  it('leaves the main checkout clean: .codex-oss/worktrees/ is ignored through .git/info/exclude', () => {
    expect(git(project, 'status', '--porcelain')).toBe('');
    expect(readFileSync(path.join(project, '.git', 'info', 'exclude'), 'utf8')).toContain(
      '/.codex-oss/worktrees/',
    );
    expect(existsSync(path.join(project, 'NEW.txt'))).toBe(false);
  });

  it('runs the tests with the main checkout’s dependencies, and says where they come from', () => {
    const toolResults = requests.flatMap((request) =>
      request.messages.filter((message) => message.role === 'tool'),
    );
    expect(JSON.stringify(toolResults)).toContain('dependency from the main checkout ran');
    expect(run.stderr).toContain(
      `oss-patch: Dependencies: none are installed in the worktree; Node and npm find the main checkout's ` +
        `${path.join(project, 'node_modules')} from it.`,
    );
    expect(userPrompt(requests[0])).toContain('Do not install, update or remove packages');
  });
});

describe('oss-patch when there is nothing to keep', () => {
  it(
    'exits 1 and removes its worktree and branch when the model changed nothing',
    async () => {
      const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
      playModel(textReply('I looked and there is nothing to change.'));
      const run = await startWorker('patch', ['fix nothing'], { cwd: project, env: workerEnv() }).done;
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/oss-patch: no change was made; removed \S+ and branch oss-patch\/patch-/);
      expect(worktreeList(project).match(/^worktree /gm)).toHaveLength(1);
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
      expect(git(project, 'status', '--porcelain')).toBe('');
    },
    RUN_TIMEOUT,
  );

  it(
    'exits 1 and says so when the model’s write outside the worktree was refused, then cleans up',
    async () => {
      const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
      playModel(call('write', { filePath: path.join(project, 'OUTSIDE.txt'), content: 'x\n' }));
      const run = await startWorker('patch', ['write outside'], { cwd: project, env: workerEnv() }).done;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`refused: write ${path.join(project, 'OUTSIDE.txt')}`);
      expect(run.stderr).toContain('oss-patch: 1 tool call was refused');
      expect(run.stderr).toContain('oss-patch: no change was made; removed');
      expect(existsSync(path.join(project, 'OUTSIDE.txt'))).toBe(false);
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
    },
    RUN_TIMEOUT,
  );

  it(
    'exits 1 with the fix when OpenCode Go refuses the key, and cleans up',
    async () => {
      const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
      playModel();
      const run = await startWorker('patch', ['anything'], {
        cwd: project,
        env: workerEnv({ OPENCODE_GO_API_KEY: 'sk-wrong-key' }),
      }).done;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('oss-patch: OpenCode Go refused the key (HTTP 401');
      expect(run.stderr).toContain('oss-patch: no change was made; removed');
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
      expect(worktreeList(project).match(/^worktree /gm)).toHaveLength(1);
    },
    RUN_TIMEOUT,
  );

  it(
    'exits 130 on Ctrl-C (SIGINT) and cleans up',
    async () => {
      const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
      playModel({ kind: 'hang-before-headers', ms: 10 * 60_000 });
      const start = upstream.requests.length;
      const worker = startWorker('patch', ['take forever'], { cwd: project, env: workerEnv() });
      await waitFor(() => upstream.requests.length > start, RUN_TIMEOUT / 2, 'the model request');
      worker.child.kill('SIGINT');
      const run = await worker.done;
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('oss-patch: interrupted (SIGINT).');
      expect(run.stderr).toContain('oss-patch: no change was made; removed');
      expect(git(project, 'branch', '--list', 'oss-patch/*')).toBe('');
      expect(worktreeList(project).match(/^worktree /gm)).toHaveLength(1);
    },
    RUN_TIMEOUT,
  );
});

describe('oss-patch runs side by side', () => {
  it(
    'two runs started together get their own worktrees and branches',
    async () => {
      const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
      playModel(call('write', { filePath: 'NEW.txt', content: 'new\n' }));
      const runs = await Promise.all([
        startWorker('patch', ['first'], { cwd: project, env: workerEnv() }).done,
        startWorker('patch', ['second'], { cwd: project, env: workerEnv() }).done,
      ]);
      const kept = runs.map((run) => /kept the patch in (\S+) /.exec(run.stderr)?.[1]);
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      expect(kept[0]).toBeDefined();
      expect(kept[1]).toBeDefined();
      expect(kept[0]).not.toBe(kept[1]);
      expect(git(project, 'branch', '--list', 'oss-patch/*').split('\n')).toHaveLength(2);
    },
    RUN_TIMEOUT,
  );
});

describe('oss-patch when the model’s shell writes into the main checkout', () => {
  it(
    'warns and names the file (OpenCode’s shell is not a sandbox)',
    async () => {
      const project = gitProject(sandbox.root, { 'README.md': '# project\n' });
      playModel(call('bash', { command: 'echo pwned >> ../../../README.md', description: 'Escape' }));
      const run = await startWorker('patch', ['escape'], { cwd: project, env: workerEnv() }).done;
      expect(run.stderr).toContain(
        `oss-patch: warning: files of ${project} outside the worktree changed during the run: README.md.`,
      );
    },
    RUN_TIMEOUT,
  );
});

describe('the network', () => {
  it('was never reached by any of these runs', () => {
    expect(tripwire.attempts).toEqual([]);
  });
});
