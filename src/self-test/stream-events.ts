/**
 * A Responses SSE stream as a client sees it, and the checks every stream must pass: sequence numbers count up from
 * zero, the stream opens with response.created and ends with exactly one terminal event, and every output item is
 * added before its deltas and done after them.
 */

export interface StreamEvent {
  type: string;
  sequence_number?: number;
  output_index?: number;
  delta?: string;
  item?: Record<string, unknown> & { id?: string; type?: string };
  response?: { status?: string; error?: { message?: string } | null; usage?: unknown };
}

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/** Reads a whole SSE body into its `data:` events (the bridge ends the stream after the terminal event). */
export async function readStreamEvents(response: Response): Promise<StreamEvent[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as StreamEvent);
}

function orderProblems(events: readonly StreamEvent[]): string[] {
  const problems: string[] = [];
  const added = new Set<number>();
  const done = new Set<number>();
  events.forEach((event, position) => {
    if (event.sequence_number !== position) {
      problems.push(`event ${position} (${event.type}) has sequence_number ${event.sequence_number}`);
    }
    const index = event.output_index;
    if (index === undefined) return;
    if (event.type === 'response.output_item.added') added.add(index);
    else if (!added.has(index)) problems.push(`${event.type} for output ${index} before output_item.added`);
    else if (done.has(index)) problems.push(`${event.type} for output ${index} after output_item.done`);
    if (event.type === 'response.output_item.done') done.add(index);
  });
  for (const index of added) if (!done.has(index)) problems.push(`output ${index} was never done`);
  return problems;
}

export function streamShapeProblems(events: readonly StreamEvent[]): string[] {
  if (events.length === 0) return ['the stream carried no events'];
  const problems: string[] = [];
  if (events[0]?.type !== 'response.created') problems.push(`the first event is ${events[0]?.type}`);
  const terminals = events.filter((event) => TERMINAL.has(event.type));
  const last = events.at(-1);
  if (terminals.length !== 1 || !last || !TERMINAL.has(last.type)) {
    problems.push(`expected exactly one terminal event at the end (last: ${last?.type})`);
  }
  if (last?.type === 'response.failed') {
    problems.push(`the response failed: ${last.response?.error?.message ?? 'no message'}`);
  } else if (last?.type !== 'response.completed') {
    problems.push(`the response ended ${last?.type}, not response.completed`);
  }
  return [...problems, ...orderProblems(events)];
}

/** The items a client records: those of output_item.done events, in order. */
export function doneItems(events: readonly StreamEvent[]): Array<NonNullable<StreamEvent['item']>> {
  return events.flatMap((event) =>
    event.type === 'response.output_item.done' && event.item ? [event.item] : [],
  );
}

export function joinedDeltas(events: readonly StreamEvent[], type: string): string {
  return events
    .filter((event) => event.type === type)
    .map((event) => event.delta ?? '')
    .join('');
}
