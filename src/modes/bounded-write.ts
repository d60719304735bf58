/**
 * bounded_write_exact: exact content for paths inside OWNED PATHS, written by Codex's own tools in Codex's sandbox
 * and checked by reading it back — no model is called. Turn 1: the writes, as calls to the file-edit tool the
 * request offers (apply_patch `*** Add File:`, which Codex 0.169 uses to create or overwrite a file) or, for
 * content apply_patch cannot reproduce byte for byte, the shell tool (base64, exact bytes). Turn 2: `sha256sum` of
 * every path. Turn 3: the bridge's verification report, labelled as the bridge's. Pure.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BridgeToolCall } from './bridge-turn.ts';
import { commandResult, type EditTool, type ShellTool } from './codex-tools.ts';
import type { Handoff } from './handoff.ts';
import { invalidHandoff } from './handoff-block.ts';
import { isInside, projectPath, shellQuote } from './paths.ts';
import type { CallRecord } from './task-history.ts';

export const WRITE_CALL_PREFIX = 'ocb_write_';
export const VERIFY_CALL_PREFIX = 'ocb_verify_';
export const VERIFICATION_LABEL = '[opencode-bridge verification — written by the bridge, not by a model]';

export interface PlannedWrite {
  path: string;
  content: string;
  sha256: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The writes, normalised; any path outside OWNED PATHS (or outside the project) fails the request, named. */
export function plannedWrites(handoff: Handoff, cwd: string | undefined): PlannedWrite[] {
  const owned = handoff.ownedPaths.map((name) => {
    const checked = projectPath(name, cwd);
    if (!checked.ok) throw invalidHandoff(`owned path "${name}" ${checked.problem}`);
    return checked.path;
  });
  const seen = new Set<string>();
  return handoff.writes.map((write) => {
    const checked = projectPath(write.path, cwd);
    if (!checked.ok) throw invalidHandoff(`write path "${write.path}" ${checked.problem}`);
    if (checked.path === '.' || write.path.trim().endsWith('/'))
      throw invalidHandoff(`write path "${write.path}" names a directory, not a file`);
    if (!owned.some((root) => isInside(checked.path, root)))
      throw invalidHandoff(
        `write path "${write.path}" is outside OWNED PATHS (${handoff.ownedPaths.join(', ')}); refused`,
      );
    if (seen.has(checked.path)) throw invalidHandoff(`write path "${write.path}" is written twice`);
    seen.add(checked.path);
    return { path: checked.path, content: write.content, sha256: sha256(write.content) };
  });
}

/**
 * apply_patch works line by line (Codex 0.169, tested): every added line ends with "\n", and a "\r" right before a
 * "\n" is dropped. So it reproduces exactly the empty file and text that ends with "\n" and has no "\r\n".
 */
export function addFilePatch(name: string, content: string): { patch: string } | { problem: string } {
  if (content.length > 0 && !content.endsWith('\n'))
    return {
      problem: 'the content does not end with a newline, and apply_patch always ends a file with one',
    };
  if (content.includes('\r\n'))
    return { problem: 'the content has CRLF line ends, and apply_patch drops the CR' };
  if (content.includes('\u0000')) return { problem: 'the content holds a NUL byte' };
  const lines = content === '' ? [] : content.slice(0, -1).split('\n');
  return {
    patch: [
      '*** Begin Patch',
      `*** Add File: ${name}`,
      ...lines.map((line) => `+${line}`),
      '*** End Patch',
      '',
    ].join('\n'),
  };
}

/** Exact bytes through the shell: the content travels base64-encoded, so no quoting or newline can change it. */
export function shellWriteCommand(name: string, content: string): string {
  const encoded = Buffer.from(content, 'utf8').toString('base64');
  const directory = path.posix.dirname(name);
  const mkdir = directory === '.' ? '' : `mkdir -p -- ${shellQuote(directory)} && `;
  return `${mkdir}printf '%s' ${shellQuote(encoded)} | base64 -d > ${shellQuote(name)}`;
}

export interface WriteTools {
  edit: EditTool | undefined;
  shell: ShellTool | undefined;
}

export function writeCalls(
  writes: readonly PlannedWrite[],
  tools: WriteTools,
): { calls: BridgeToolCall[]; how: string[] } {
  const how: string[] = [];
  const calls = writes.map((write, index): BridgeToolCall => {
    const callId = `${WRITE_CALL_PREFIX}${index + 1}`;
    const patch = addFilePatch(write.path, write.content);
    if (tools.edit && 'patch' in patch) {
      how.push(`${write.path}: apply_patch (Add File, ${tools.edit.kind} tool)`);
      return tools.edit.kind === 'custom'
        ? { type: 'custom_tool_call', callId, name: tools.edit.name, input: patch.patch }
        : {
            type: 'function_call',
            callId,
            name: tools.edit.name,
            arguments: JSON.stringify({ input: patch.patch }),
          };
    }
    const why = tools.edit
      ? (patch as { problem: string }).problem
      : 'the request offers no apply_patch tool';
    if (!tools.shell)
      throw invalidHandoff(
        `"${write.path}" cannot be written exactly: ${why}, and the request offers no shell tool`,
      );
    how.push(`${write.path}: ${tools.shell.name} with base64 (${why})`);
    return {
      type: 'function_call',
      callId,
      name: tools.shell.name,
      arguments: tools.shell.argumentsFor(shellWriteCommand(write.path, write.content)),
    };
  });
  return { calls, how };
}

export function verifyCalls(writes: readonly PlannedWrite[], shell: ShellTool): BridgeToolCall[] {
  return writes.map((write, index) => ({
    type: 'function_call',
    callId: `${VERIFY_CALL_PREFIX}${index + 1}`,
    name: shell.name,
    // sha256sum is GNU coreutils; macOS has shasum. Both print "<hash>  <path>".
    arguments: shell.argumentsFor(
      `sha256sum -- ${shellQuote(write.path)} 2>/dev/null || shasum -a 256 -- ${shellQuote(write.path)}`,
    ),
  }));
}

/** A tool's output in one line: its exit code and its (clipped) output. */
function summary(output: string | undefined): string {
  if (output === undefined) return 'no output came back';
  const result = commandResult(output);
  const body = result.body.trim().replace(/\s*\n\s*/g, ' / ');
  const exit = result.exitCode === undefined ? '' : `exit ${result.exitCode}, `;
  return `${exit}${body ? JSON.stringify(body.length > 160 ? `${body.slice(0, 160)}…` : body) : 'no output'}`;
}

export interface Verification {
  text: string;
  verdict: 'PASS' | 'FAIL';
  passed: number;
}

/** The bridge's report: per path, PASS or FAIL with the expected and the read-back sha256. */
export function verificationReport(
  writes: readonly PlannedWrite[],
  written: readonly CallRecord[],
  readBack: readonly CallRecord[],
): Verification {
  let passed = 0;
  const lines = writes.map((write, index) => {
    const output = readBack.find((call) => call.callId === `${VERIFY_CALL_PREFIX}${index + 1}`)?.output;
    const found =
      output === undefined ? undefined : /\b([0-9a-f]{64})\b/.exec(commandResult(output).body)?.[1];
    const ok = found === write.sha256;
    if (ok) passed += 1;
    const writeOutput = written.find((call) => call.callId === `${WRITE_CALL_PREFIX}${index + 1}`)?.output;
    return (
      `${ok ? 'PASS' : 'FAIL'} ${write.path} — expected sha256 ${write.sha256}, read back ` +
      `${found ?? `no hash (${summary(output)})`}; write tool: ${summary(writeOutput)}`
    );
  });
  const verdict = passed === writes.length ? 'PASS' : 'FAIL';
  const text = [
    VERIFICATION_LABEL,
    'Mode bounded_write_exact. No model was called for this task: the bridge issued the writes as tool calls, ' +
      'Codex ran them in its sandbox, the bridge had Codex read every file back with sha256sum and compared the ' +
      'hashes with those of the content the handoff asked for.',
    ...lines,
    `Result: ${verdict} (${passed} of ${writes.length} path(s) hold exactly the requested bytes).` +
      (verdict === 'FAIL'
        ? ' This report is complete, so the response is completed; FAIL means the bytes on disk are not the ' +
          'requested ones: check the write tool output above.'
        : ''),
  ];
  return { text: text.join('\n'), verdict, passed };
}
