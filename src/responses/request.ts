/**
 * The Responses API request body, validated with zod at the edge. Unknown fields are tolerated (Codex adds new
 * ones, e.g. `client_metadata`, `stream_options.reasoning_summary_delivery`) and never forwarded upstream.
 */
import { z } from 'zod';
import { invalidRequest } from '../errors.ts';
import { MAX_JSON_DEPTH, pathBeyondDepth } from './json-depth.ts';

export interface ResponsesTool {
  type: string;
  [key: string]: unknown;
}

/** A tool; a namespace's own tools are tools too (they are translated one by one). */
const toolSchema: z.ZodType<ResponsesTool> = z
  .looseObject({ type: z.string() })
  .superRefine((tool, context) => {
    if (tool.type !== 'namespace' || tool.tools === undefined || tool.tools === null) return;
    const inner = z.array(toolSchema).safeParse(tool.tools);
    for (const issue of inner.success ? [] : inner.error.issues) {
      context.addIssue({ code: 'custom', message: issue.message, path: ['tools', ...issue.path] });
    }
  });

const textFormatSchema = z.union([
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().optional(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
    description: z.string().optional(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())]),
  instructions: z.string().nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z
    .looseObject({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullish(),
      summary: z.string().nullish(),
    })
    .nullish(),
  text: z.looseObject({ format: textFormatSchema.nullish(), verbosity: z.string().nullish() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  include: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type TextFormat = z.infer<typeof textFormatSchema>;

/** Validates a parsed JSON body; the error names the first offending parameter, as OpenAI does. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  const tooDeep = pathBeyondDepth(body);
  if (tooDeep) {
    const param = tooDeep.slice(0, 3).join('.');
    throw invalidRequest(
      `Invalid value for '${param}': JSON nested more than ${MAX_JSON_DEPTH} levels deep.`,
      param,
    );
  }
  const result = responsesRequestSchema.safeParse(body);
  if (result.success) return result.data;
  return rejectRequest(body as Record<string, unknown>, result.error.issues[0]);
}

/** Parses the tools of an `additional_tools` input item like the request's own. */
export function parseTools(value: unknown, path: string): ResponsesTool[] {
  const result = z.array(toolSchema).safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = [path, ...(issue?.path.map(String) ?? [])].join('.');
  throw invalidRequest(`Invalid value for '${param}': ${issue?.message ?? 'invalid'}.`, param);
}

function rejectRequest(body: Record<string, unknown>, issue: z.core.$ZodIssue | undefined): never {
  const param = issue?.path.map(String).join('.') ?? null;
  if (issue && issue.path.length === 1 && body[String(issue.path[0])] === undefined) {
    throw invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  throw invalidRequest(`Invalid value for '${param}': ${issue?.message ?? 'invalid'}.`, param);
}
