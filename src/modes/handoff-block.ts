/**
 * The structured handoff: a fenced ```codex-oss-handoff block of JSON in the task message. It is validated strictly
 * (unknown keys included): an invalid block fails the request with a 400 that names the problem, because guessing
 * what an orchestrator meant for a write or an exact answer is worse than refusing.
 */
import { z } from 'zod';
import { invalidRequest } from '../errors.ts';

export const MODE_NAMES = [
  'context_pack_report',
  'managed_autonomy',
  'bounded_write_exact',
  'no_tool_exact',
] as const;
export type ModeName = (typeof MODE_NAMES)[number];

const pathSchema = z.string().trim().min(1);

const stepSchema = z.union(
  [
    z.strictObject({ read: pathSchema }),
    z.strictObject({ grep: z.string().min(1), in: pathSchema }),
    z.strictObject({ diff: pathSchema }),
  ],
  { error: 'expected {"read": "<path>"}, {"grep": "<pattern>", "in": "<path>"} or {"diff": "<path>"}' },
);

const blockSchema = z.strictObject({
  mode: z.enum(MODE_NAMES).optional(),
  task: z.string().optional(),
  read_only_paths: z.array(pathSchema).optional(),
  owned_paths: z.array(pathSchema).optional(),
  deliverable: z.string().optional(),
  steps: z.array(stepSchema).optional(),
  writes: z
    .array(z.strictObject({ path: pathSchema, content: z.string() }))
    .min(1)
    .optional(),
  exact_output: z.string().min(1).optional(),
});

export type HandoffBlock = z.infer<typeof blockSchema>;

const OPENING = /^[ \t]*```codex-oss-handoff[ \t]*$/gm;
const FENCE = /^[ \t]*```[ \t]*$/m;

export function invalidHandoff(problem: string) {
  return invalidRequest(
    `Invalid codex-oss-handoff block: ${problem}. Fix the block in the task message (see "Subagent task modes" ` +
      'in the opencode-bridge README); the bridge does not guess what a broken handoff meant.',
    'input',
    'invalid_handoff',
  );
}

/** The block in a task message, validated; undefined when there is none. Throws a 400 BridgeError when invalid. */
export function parseHandoffBlock(text: string): HandoffBlock | undefined {
  const openings = [...text.matchAll(OPENING)];
  if (openings.length === 0) return undefined;
  if (openings.length > 1) throw invalidHandoff(`the task message holds ${openings.length} blocks; use one`);
  const opening = openings[0] as RegExpExecArray;
  const rest = text.slice(opening.index + opening[0].length);
  const close = FENCE.exec(rest);
  if (!close) throw invalidHandoff('the block has no closing ``` line');
  let json: unknown;
  try {
    json = JSON.parse(rest.slice(0, close.index));
  } catch (error) {
    throw invalidHandoff(`its content is not valid JSON (${(error as Error).message})`);
  }
  const result = blockSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.map(String).join('.') : 'the block';
  throw invalidHandoff(`${where}: ${issue?.message ?? 'invalid'}`);
}
