/**
 * Checks a Responses event stream against the rules clients rely on (docs/wire-protocols.md#event-order,
 * docs/codex-client.md#what-codex-needs-back): sequence numbers increase by one, every item is added before its
 * deltas and done after them, each output index is used once, and the stream ends with exactly one terminal event.
 * Returns the list of violations.
 */

type AnyEvent = {
  type: string;
  sequence_number?: number;
  output_index?: number;
  item?: { id?: string; type?: string };
};

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);

export function eventViolations(events: readonly AnyEvent[]): string[] {
  const problems: string[] = [];
  const added = new Map<number, string>();
  const done = new Set<number>();
  events.forEach((event, position) => {
    if (event.sequence_number !== position) {
      problems.push(`event ${position} (${event.type}) has sequence_number ${event.sequence_number}`);
    }
    if (position === 0 && event.type !== 'response.created') problems.push(`first event is ${event.type}`);
    if (TERMINAL.has(event.type) && position !== events.length - 1)
      problems.push(`terminal ${event.type} is not last`);
    const index = event.output_index;
    if (index === undefined) return;
    if (event.type === 'response.output_item.added') {
      if (added.has(index)) problems.push(`output_index ${index} added twice`);
      added.set(index, event.item?.id ?? '');
      return;
    }
    if (!added.has(index)) problems.push(`${event.type} for output_index ${index} before output_item.added`);
    if (done.has(index)) problems.push(`${event.type} for output_index ${index} after output_item.done`);
    if (event.type === 'response.output_item.done') {
      done.add(index);
      if (event.item?.id !== added.get(index)) problems.push(`output_index ${index} changed item id`);
    }
  });
  const last = events.at(-1);
  if (!last || !TERMINAL.has(last.type))
    problems.push(`stream does not end with a terminal event (last: ${last?.type})`);
  if (events.filter((event) => TERMINAL.has(event.type)).length > 1)
    problems.push('more than one terminal event');
  if (last?.type === 'response.completed') {
    for (const index of added.keys()) if (!done.has(index)) problems.push(`output_index ${index} never done`);
  }
  return problems;
}

/** The items Codex would record: those of output_item.done events, in order. */
export function doneItems<T = Record<string, unknown>>(events: readonly AnyEvent[]): T[] {
  return events.filter((event) => event.type === 'response.output_item.done').map((event) => event.item as T);
}
