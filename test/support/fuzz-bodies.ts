/**
 * Arbitrary `POST /v1/responses` bodies for the bad-input fuzz test (fast-check): mostly well-shaped requests with
 * one or more fields replaced by garbage of any shape, so the generator reaches past the first validation into the
 * input items, the tools (namespaces included), the tool schemas (with $refs, cycles and DAGs of $defs) and the
 * structured-output schema.
 *
 * Some values cannot be written as a JS value and stringified here (10,000-deep nesting would overflow the test's
 * own JSON.stringify): they are generated as a placeholder string and spliced in as raw JSON text by `toBodyText`.
 */
import fc from 'fast-check';

const RAW_PREFIX = '\u0000raw:';

/** A placeholder that `toBodyText` replaces by this JSON text, unquoted. */
function raw(text: string): string {
  return `${RAW_PREFIX}${Buffer.from(text).toString('base64')}`;
}

/** The body as the client sends it: the JSON text with every placeholder replaced by its raw JSON. */
export function toBodyText(body: unknown): string {
  return JSON.stringify(body).replace(/"\\u0000raw:([A-Za-z0-9+/=]*)"/g, (_match, encoded: string) =>
    Buffer.from(encoded, 'base64').toString(),
  );
}

const DEPTHS = [2, 70, 200, 2_000, 12_000] as const;

/** JSON text nested `depth` levels deep, in shapes that reach different code (arrays, objects, schemas). */
function deepText(shape: 'array' | 'object' | 'schema' | 'anyOf' | 'items', depth: number): string {
  switch (shape) {
    case 'array':
      return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    case 'object':
      return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    case 'schema':
      return `${'{"type":"object","properties":{"p":'.repeat(depth)}{"type":"string"}${'}}'.repeat(depth)}`;
    case 'anyOf':
      return `${'{"anyOf":['.repeat(depth)}{"type":"string"}${']}'.repeat(depth)}`;
    case 'items':
      return `${'{"type":"array","items":'.repeat(depth)}{"type":"string"}${'}'.repeat(depth)}`;
  }
}

const deepValue = fc
  .tuple(
    fc.constantFrom('array', 'object', 'schema', 'anyOf', 'items') as fc.Arbitrary<
      'array' | 'object' | 'schema' | 'anyOf' | 'items'
    >,
    fc.constantFrom(...DEPTHS),
  )
  .map(([shape, depth]) => raw(deepText(shape, depth)));

/** Values of the wrong shape: objects that cannot become a string, prototype keys, odd numbers. */
const shallowGarbage: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', 'x', [], {}, [null]), weight: 6 },
  { arbitrary: fc.constantFrom({ toString: 1 }, { toString: { toString: 1 }, valueOf: 1 }), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      raw('{"__proto__":{"type":"message"}}'),
      raw('{"constructor":{"prototype":1}}'),
    ),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.double()), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/** Any wrong value, now and then nested deeper than the bridge accepts. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: shallowGarbage, weight: 15 },
  { arbitrary: deepValue, weight: 1 },
);

/** Almost always the well-shaped value: for top-level fields, so that most bodies get past the first checks. */
function rarely<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return mostly(valid, 40);
}

/** Usually the well-shaped value, sometimes garbage that is not deep (inside schemas, which have many nodes). */
function mostlyShallow<T>(valid: fc.Arbitrary<T>, weight = 8): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight }, { arbitrary: shallowGarbage, weight: 1 });
}

/** Usually the well-shaped value, sometimes garbage. */
function mostly<T>(valid: fc.Arbitrary<T>, weight = 8): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight }, { arbitrary: garbage, weight: 1 });
}

const shortText = fc.string({ maxLength: 12 });
const callId = fc.constantFrom('call_1', 'call_2', 'functions.shell:0');
const toolName = fc.constantFrom('shell', 'apply_patch', 'read', 'spawn_agent', 'x'.repeat(80));

// ---- JSON schemas -------------------------------------------------------------------------------------------------

const defName = fc.constantFrom('A', 'B', 'Node', 'a b', '%', 'x~1y', 'A/properties/p');
const refValue = fc.oneof(
  defName.map((name) => `#/$defs/${name}`),
  defName.map((name) => `#/definitions/${name}`),
  fc.constantFrom(
    '#',
    '#/$defs/',
    '#/$defs/%',
    '#/$defs/%E0%A4%A',
    '#/properties/a',
    'https://x.test/s.json',
  ),
  shallowGarbage,
);

const leafSchema = fc.oneof(
  fc.constantFrom(
    { type: 'string' },
    { type: 'integer', minimum: 0 },
    { enum: ['a', 'b'] },
    { const: 1.5 },
    { description: 'anything' },
    { type: ['string', 'null'] },
    {},
  ),
  fc.record(
    { $ref: refValue, description: fc.option(shortText, { nil: undefined }) },
    { requiredKeys: ['$ref'] },
  ),
  fc.record({ type: shallowGarbage }),
);

const { schema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: leafSchema, weight: 3 },
    {
      arbitrary: fc.record(
        {
          type: fc.constant('object'),
          properties: mostlyShallow(
            fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__'), tie('schema'), { maxKeys: 3 }),
          ),
          required: mostlyShallow(fc.array(shortText, { maxLength: 2 })),
          additionalProperties: fc.oneof(fc.boolean(), tie('schema')),
        },
        { requiredKeys: ['properties'] },
      ),
      weight: 3,
    },
    {
      arbitrary: fc.record(
        { type: fc.constant('array'), items: mostlyShallow(tie('schema')) },
        { requiredKeys: [] },
      ),
      weight: 1,
    },
    {
      arbitrary: fc
        .record({
          combinator: fc.constantFrom('anyOf', 'oneOf', 'allOf'),
          branches: mostlyShallow(fc.array(tie('schema'), { maxLength: 3 }), 15),
          type: fc.option(fc.constantFrom('string', 'object'), { nil: undefined }),
        })
        .map(({ combinator, branches, type }) => ({ [combinator]: branches, ...(type ? { type } : {}) })),
      weight: 1,
    },
    { arbitrary: shallowGarbage, weight: 1 },
  ),
}));

/** `count` definitions, each with `fanOut` properties referring to the next: a DAG that explodes when inlined. */
function dagSchema(count: number, fanOut: number, key: '$defs' | 'definitions'): unknown {
  const defs: Record<string, unknown> = {};
  for (let index = 0; index < count; index++) {
    const next = index + 1 < count ? { $ref: `#/${key}/D${index + 1}` } : { type: 'string' };
    defs[`D${index}`] = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: fanOut }, (_, property) => [`p${property}`, next])),
    };
  }
  return { type: 'object', properties: { root: { $ref: `#/${key}/D0` } }, [key]: defs };
}

/** A tool's parameters: a schema with definitions, a DAG of definitions, deep nesting, or garbage. */
export const parametersSchema: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: schema, weight: 6 },
  {
    arbitrary: fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(fc.constantFrom('a', 'b'), schema, { maxKeys: 2 }),
        $defs: mostly(fc.dictionary(defName, schema, { maxKeys: 3 })),
        definitions: fc.dictionary(defName, schema, { maxKeys: 2 }),
      },
      { requiredKeys: ['type', 'properties'] },
    ),
    weight: 6,
  },
  {
    arbitrary: fc
      .tuple(
        fc.integer({ min: 2, max: 14 }),
        fc.integer({ min: 2, max: 5 }),
        fc.constantFrom('$defs', 'definitions'),
      )
      .map(([count, fanOut, key]) => dagSchema(count, fanOut, key as '$defs' | 'definitions')),
    weight: 2,
  },
  { arbitrary: deepValue, weight: 1 },
);

// ---- tools --------------------------------------------------------------------------------------------------------

const functionTool = fc.record(
  {
    type: fc.constant('function'),
    name: mostly(toolName),
    description: mostly(shortText),
    parameters: parametersSchema,
    strict: mostly(fc.boolean()),
  },
  { requiredKeys: ['type', 'name'] },
);

const otherTool = fc.oneof(
  fc.record({
    type: fc.constant('custom'),
    name: mostly(toolName),
    format: mostly(
      fc.record({ type: fc.constant('grammar'), syntax: mostly(shortText), definition: mostly(shortText) }),
    ),
  }),
  fc.constantFrom({ type: 'local_shell' }, { type: 'web_search' }, { type: 'mcp' }, { type: 'unheard_of' }),
);

const { tool } = fc.letrec<{ tool: unknown }>((tie) => ({
  tool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: functionTool, weight: 4 },
    { arbitrary: otherTool, weight: 2 },
    {
      arbitrary: fc.record({
        type: fc.constant('namespace'),
        name: mostly(toolName),
        description: mostly(shortText),
        // Inside a namespace, garbage is common: the request schema used to check only the top level.
        tools: mostly(fc.array(mostly(tie('tool'), 3), { maxLength: 3 })),
      }),
      weight: 1,
    },
  ),
}));

/** A tool list: garbage inside namespaces is common, garbage at the top (which the request schema rejects) is rare. */
export const tools: fc.Arbitrary<unknown> = rarely(
  fc.array(
    fc.oneof({ arbitrary: tool, weight: 40 }, { arbitrary: fc.record({ type: garbage }), weight: 1 }),
    {
      maxLength: 4,
    },
  ),
);

// ---- input items --------------------------------------------------------------------------------------------------

const contentPart = fc.oneof(
  {
    arbitrary: fc.record({ type: fc.constantFrom('input_text', 'output_text'), text: mostly(shortText) }),
    weight: 4,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constantFrom(
          'input_image',
          'input_file',
          'refusal',
          'summary_text',
          'reasoning_text',
          'video',
        ),
        text: mostly(shortText),
        refusal: mostly(shortText),
        image_url: mostly(fc.constantFrom('data:image/png;base64,AAAA', 'https://x.test/a.png')),
        detail: mostly(fc.constantFrom('low', 'high')),
        filename: mostly(shortText),
      },
      { requiredKeys: ['type'] },
    ),
    weight: 2,
  },
  { arbitrary: fc.record({ type: garbage, text: mostly(shortText) }), weight: 1 },
  { arbitrary: garbage, weight: 1 },
);

const content = mostly(fc.oneof(shortText, fc.array(contentPart, { maxLength: 3 })));

const inputItem = fc.oneof(
  {
    arbitrary: fc.record(
      {
        type: fc.constant('message'),
        role: mostly(fc.constantFrom('user', 'assistant', 'system', 'developer')),
        content,
      },
      { requiredKeys: ['role'] },
    ),
    weight: 5,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constant('reasoning'),
        id: mostly(shortText),
        summary: mostly(fc.array(contentPart, { maxLength: 2 })),
        content: mostly(fc.array(contentPart, { maxLength: 2 })),
        encrypted_content: mostly(fc.oneof(shortText, fc.constant('gAAAAAbm90IG91cnM='))),
      },
      { requiredKeys: ['type'] },
    ),
    weight: 1,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constantFrom('function_call', 'custom_tool_call'),
        call_id: mostly(callId),
        name: mostly(toolName),
        namespace: mostly(shortText),
        arguments: mostly(
          fc.oneof(
            { arbitrary: fc.constant('{"cmd":"ls"}'), weight: 4 },
            { arbitrary: shortText, weight: 3 },
            { arbitrary: deepValue, weight: 1 },
          ),
        ),
        input: mostly(shortText),
        extra: garbage,
      },
      { requiredKeys: ['type', 'call_id', 'name'] },
    ),
    weight: 3,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constantFrom('function_call_output', 'custom_tool_call_output', 'local_shell_call_output'),
        call_id: mostly(callId),
        id: mostly(callId),
        output: mostly(fc.oneof(shortText, fc.array(contentPart, { maxLength: 2 }))),
      },
      { requiredKeys: ['type', 'call_id'] },
    ),
    weight: 3,
  },
  {
    arbitrary: fc.record({ type: fc.constant('local_shell_call'), call_id: mostly(callId), action: garbage }),
    weight: 1,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constant('agent_message'),
        content: mostly(fc.array(contentPart, { maxLength: 2 })),
        text: mostly(shortText),
        encrypted_content: mostly(shortText),
      },
      { requiredKeys: ['type'] },
    ),
    weight: 1,
  },
  { arbitrary: fc.record({ type: fc.constant('additional_tools'), tools }), weight: 1 },
  {
    arbitrary: fc.record({
      type: fc.constantFrom('compaction', 'item_reference', 'web_search_call', 'made_up'),
      id: mostly(shortText),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ type: garbage, role: mostly(fc.constant('user')), content }), weight: 1 },
  { arbitrary: garbage, weight: 1 },
);

// ---- the request --------------------------------------------------------------------------------------------------

/** Every family and both wires: DeepSeek, Kimi (Moonshot schemas), GLM on Chat; Qwen and MiniMax on Messages. */
const SERVED_MODELS = [
  'ocg-deepseek-v4-pro',
  'ocg-deepseek-v4-flash',
  'ocg-kimi-k2.6',
  'ocg-glm-5.1',
  'ocg-qwen3.6-plus',
  'ocg-minimax-m2.7',
];

const textFormat = fc.oneof(
  { arbitrary: fc.constantFrom({ type: 'text' }, { type: 'json_object' }), weight: 2 },
  {
    arbitrary: fc.record(
      {
        type: fc.constant('json_schema'),
        name: rarely(shortText),
        schema: parametersSchema,
        strict: rarely(fc.boolean()),
      },
      { requiredKeys: ['type', 'schema'] },
    ),
    weight: 6,
  },
  { arbitrary: fc.record({ type: garbage }), weight: 1 },
);

/** A body: every top-level field well-shaped most of the time, so most bodies reach the items and the tools. */
const fields = fc.record(
  {
    model: rarely(
      fc.oneof(
        { arbitrary: fc.constantFrom(...SERVED_MODELS), weight: 12 },
        { arbitrary: fc.constantFrom('gpt-5.5', 'no-such-model'), weight: 1 },
      ),
    ),
    input: rarely(fc.oneof(shortText, fc.array(inputItem, { minLength: 1, maxLength: 5 }))),
    instructions: rarely(shortText),
    tools,
    tool_choice: rarely(
      fc.oneof(
        fc.constantFrom('auto', 'none', 'required'),
        fc.record({
          type: fc.constantFrom('function', 'custom', 'allowed_tools', 'web_search'),
          name: mostly(toolName),
        }),
      ),
    ),
    parallel_tool_calls: rarely(fc.boolean()),
    reasoning: rarely(
      fc.record({ effort: rarely(fc.constantFrom('low', 'high', 'max')), summary: rarely(shortText) }),
    ),
    text: rarely(fc.record({ format: rarely(textFormat), verbosity: rarely(shortText) })),
    max_output_tokens: rarely(fc.integer({ min: 1, max: 100_000 })),
    temperature: rarely(fc.double({ min: 0, max: 2, noNaN: true })),
    stream: rarely(fc.boolean()),
    store: rarely(fc.boolean()),
    prompt_cache_key: rarely(shortText),
    include: rarely(fc.array(fc.constant('reasoning.encrypted_content'), { maxLength: 1 })),
    metadata: rarely(fc.dictionary(shortText, fc.oneof(shortText, garbage), { maxKeys: 2 })),
    client_metadata: rarely(fc.constant({ 'x-codex-turn-metadata': '{}' })),
  },
  { requiredKeys: ['model', 'input'] },
);

/** A previous_response_id that is never stored ends at a 400 before translation: only sometimes. */
export const requestBody: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fields,
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 20 }, { arbitrary: mostly(shortText), weight: 1 }),
  )
  .map(([body, previous]) => (previous === undefined ? body : { ...body, previous_response_id: previous }));
