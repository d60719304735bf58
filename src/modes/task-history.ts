/**
 * The tool history of the current task (everything after its task message): the calls made, by the model or by
 * the bridge (call ids `ocb_<mode>_<n>`), with the output Codex returned for each.
 */
import type { ContentPart, InputItem } from '../responses/input-items.ts';

export interface CallRecord {
  callId: string;
  name: string;
  kind: 'function' | 'custom';
  /** JSON arguments of a function call, or the raw input of a custom tool call (a patch). */
  input: string;
  /** What Codex returned; undefined when no output came back. */
  output: string | undefined;
}

function outputText(parts: readonly ContentPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('');
}

export function callsAfter(items: readonly InputItem[], taskIndex: number, idPrefix = ''): CallRecord[] {
  const since = items.slice(taskIndex + 1);
  const outputs = new Map<string, string>();
  for (const item of since)
    if (item.type === 'tool_output') outputs.set(item.callId, outputText(item.output));
  const calls: CallRecord[] = [];
  for (const item of since) {
    if (item.type !== 'function_call' && item.type !== 'custom_tool_call') continue;
    if (!item.callId.startsWith(idPrefix)) continue;
    calls.push({
      callId: item.callId,
      name: item.name,
      kind: item.type === 'function_call' ? 'function' : 'custom',
      input: item.type === 'function_call' ? item.arguments : item.input,
      output: outputs.get(item.callId),
    });
  }
  return calls;
}

/** The input without the calls whose id starts with the prefix, and without their outputs. */
export function withoutCalls(items: readonly InputItem[], idPrefix: string): InputItem[] {
  return items.filter(
    (item) =>
      !(
        (item.type === 'function_call' || item.type === 'custom_tool_call' || item.type === 'tool_output') &&
        item.callId.startsWith(idPrefix)
      ),
  );
}
