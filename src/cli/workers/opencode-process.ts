/**
 * Runs `opencode run` as a child process: writes the prompt to its stdin and closes it (OpenCode reads a non-terminal
 * stdin to the end and uses it as the message, so the prompt arrives byte for byte — OpenCode re-quotes message
 * arguments that contain spaces, escaping their quotes), hands each JSON event of its stdout to `onEvent`, and sorts
 * its stderr into log lines (kept, for explaining failures) and everything else (shown). See
 * docs/opencode-cli.md#opencode-run.
 *
 * Ctrl-C, SIGTERM and SIGHUP (as the worker's signal latch hands them over) are forwarded to OpenCode and waited
 * for, so the caller can still clean up; if it has not exited 10 s later, or on a second signal, it is killed.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { isLogLine, loggedError, parseRunEvent, type RunEvent } from './run-events.ts';
import type { ForwardedSignal, SignalLatch } from './signal-latch.ts';

const KILL_AFTER_MS = 10_000;

export interface OpencodeRun {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  prompt: string;
  onEvent(event: RunEvent): void;
  /** A stderr line that is not one of OpenCode's log lines, without terminal colours; `'stop'` ends the run. */
  onStderr(line: string): 'stop' | undefined;
  /** The worker's signals, forwarded to OpenCode while it runs. */
  signals: SignalLatch;
}

export interface OpencodeExit {
  code: number;
  /** The signal the user sent the worker, when there was one. */
  interrupted: ForwardedSignal | undefined;
  /** True when `onStderr` asked to stop. */
  stopped: boolean;
  /** The `error="…"` parts of OpenCode's ERROR log lines, in order. */
  loggedErrors: string[];
}

function withoutColours(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
  return line.replace(/\x1b\[[0-9;]*m/g, '');
}

export function runOpencode(run: OpencodeRun): Promise<OpencodeExit> {
  const child = spawn(run.executable, run.args, {
    cwd: run.cwd,
    env: run.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const loggedErrors: string[] = [];
  let interrupted: ForwardedSignal | undefined;
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;

  const onSignal = (signal: ForwardedSignal) => {
    if (interrupted) {
      child.kill('SIGKILL');
      return;
    }
    interrupted = signal;
    child.kill(signal);
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  };
  const unsubscribe = run.signals.subscribe(onSignal);

  // OpenCode may exit before reading its stdin (bad arguments); that EPIPE is not ours to report.
  child.stdin.on('error', () => {});
  child.stdin.end(run.prompt);

  const stdoutDone = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout })
      .on('line', (line) => {
        if (line.trim() !== '') run.onEvent(parseRunEvent(line));
      })
      .on('close', resolve);
  });
  const stderrDone = new Promise<void>((resolve) => {
    createInterface({ input: child.stderr })
      .on('line', (line) => {
        const error = loggedError(line);
        if (error !== undefined) loggedErrors.push(error);
        else if (!isLogLine(line) && line.trim() !== '' && run.onStderr(withoutColours(line)) === 'stop') {
          stopped = true;
          child.kill('SIGKILL');
        }
      })
      .on('close', resolve);
  });

  return new Promise<OpencodeExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killTimer);
      unsubscribe();
      Promise.all([stdoutDone, stderrDone]).then(() =>
        resolve({
          code: code ?? 128 + (signal ? constants.signals[signal] : 0),
          interrupted,
          stopped,
          loggedErrors,
        }),
      );
    });
  });
}
