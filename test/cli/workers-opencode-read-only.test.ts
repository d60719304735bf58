/**
 * The read-only workers (oss-scout, oss-review, oss-docs) end to end with the real OpenCode CLI (the pinned
 * `opencode-ai` devDependency) against the scripted mock upstream standing in for OpenCode Go
 * (support/opencode-world.ts). The mock plays a misbehaving model (a shell write, an edit); OpenCode is slow to start
 * on a loaded machine, so each describe block runs its worker once and checks it in several steps.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../mock-upstream/index.ts';
import { git, gitProject, startWorker } from './support/opencode-sandbox.ts';
import {
  call,
  FINAL_ANSWER,
  type Finished,
  KEY,
  RUN_TIMEOUT,
  useOpencodeWorld,
  userPrompt,
} from './support/opencode-world.ts';

const world = useOpencodeWorld();
const { workerEnv, playModel, chatRequestsSince } = world;

describe('oss-scout, when the model tries to write through the shell', () => {
  let project: string;
  let run: Finished;
  let requests: ChatRequestBody[];

  beforeAll(async () => {
    project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
    playModel(call('bash', { command: 'touch PWNED.txt && echo pwned >> README.md', description: 'Write' }));
    const start = world.upstream.requests.length;
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
    const chat = world.upstream.requests.filter((request) => request.path === '/v1/chat/completions').at(-1);
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
    project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
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
    const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
    requestsBefore = world.upstream.requests.length;
    run = await startWorker('scout', ['look around'], {
      cwd: project,
      env: world.sandbox.env(),
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
    expect(world.upstream.requests.length).toBe(requestsBefore);
  });

  it('does not wait for the open pipe, and says so', () => {
    expect(run.stderr).toContain('oss-scout: stdin is a pipe but nothing arrived within 3 s; not reading it');
  });
});

describe('a worker asked for a model OpenCode Go does not have', () => {
  let run: Finished;

  beforeAll(async () => {
    const project = gitProject(world.sandbox.root, { 'README.md': '# project\n' });
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

describe('the network', () => {
  it('was never reached by any of these runs', () => {
    expect(world.tripwire.attempts).toEqual([]);
  });
});
