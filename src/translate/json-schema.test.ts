import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMoonshotSchemaViolation } from '../../test/mock-upstream/moonshot-schema.ts';
import { BridgeError } from '../errors.ts';
import { cleanToolSchema, MAX_SCHEMA_NODES, objectSchemaOrEmpty, toMoonshotSchema } from './json-schema.ts';

const CODEX_REQUESTS = path.join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'codex-requests');

interface CapturedTool {
  type: string;
  name?: string;
  parameters?: unknown;
  tools?: CapturedTool[];
}

/** Every distinct function-tool schema Codex sent in the captured requests, namespaced tools included. */
function capturedFunctionSchemas(): Array<{ tool: string; capture: string; parameters: unknown }> {
  const seen = new Set<string>();
  const schemas: Array<{ tool: string; capture: string; parameters: unknown }> = [];
  for (const file of readdirSync(CODEX_REQUESTS)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const capture = JSON.parse(readFileSync(path.join(CODEX_REQUESTS, file), 'utf8')) as {
      body: { tools?: CapturedTool[] };
    };
    const tools = (capture.body.tools ?? []).flatMap((tool) =>
      tool.type === 'namespace'
        ? (tool.tools ?? []).map((inner) => ({ ...inner, name: `${tool.name}.${inner.name}` }))
        : [tool],
    );
    for (const tool of tools.filter((candidate) => candidate.type === 'function')) {
      const key = `${tool.name} ${JSON.stringify(tool.parameters)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      schemas.push({ tool: String(tool.name), capture: file, parameters: tool.parameters });
    }
  }
  return schemas;
}

const codexSchemas = capturedFunctionSchemas();

const moonshot = toMoonshotSchema;

describe('cleanToolSchema on the tools Codex really sends', () => {
  it('finds function tools, namespaced ones included, in the captures', () => {
    const names = codexSchemas.map((schema) => schema.tool);

    expect(names).toContain('exec_command');
    expect(names.some((name) => name.startsWith('multi_agent_v1.'))).toBe(true);
  });

  it.each(codexSchemas)('makes $tool (from $capture) a schema Kimi accepts', ({ parameters }) => {
    expect(findMoonshotSchemaViolation(cleanToolSchema(parameters, 'moonshot'))).toBeNull();
  });
});

describe('objectSchemaOrEmpty', () => {
  it.each([
    ['absent', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an array', []],
  ])('turns %s parameters into an empty object schema', (_label, parameters) => {
    expect(objectSchemaOrEmpty(parameters)).toEqual({ type: 'object', properties: {} });
  });

  it('gives a non-empty schema back as it is', () => {
    const schema = { type: 'object', properties: { path: { type: 'string' } } };

    expect(objectSchemaOrEmpty(schema)).toBe(schema);
  });
});

describe('cleanToolSchema', () => {
  it('leaves a schema untouched for the standard dialect', () => {
    const schema = {
      type: 'object',
      properties: { when: { $ref: '#/definitions/Time', description: 'start' }, mode: { enum: ['a'] } },
      definitions: { Time: { type: 'string' } },
    };
    const before = structuredClone(schema);

    const cleaned = cleanToolSchema(schema, 'standard');

    expect(cleaned).toBe(schema);
    expect(cleaned).toEqual(before);
  });

  it.each(['standard', 'moonshot'] as const)(
    'gives a tool without parameters an empty object schema (%s dialect)',
    (dialect) => {
      expect(cleanToolSchema(undefined, dialect)).toEqual({ type: 'object', properties: {} });
      expect(cleanToolSchema({}, dialect)).toEqual({ type: 'object', properties: {} });
    },
  );
});

describe('toMoonshotSchema', () => {
  it('keeps a $ref to #/$defs, with its definition cleaned under $defs', () => {
    const schema = {
      type: 'object',
      properties: { schedule: { $ref: '#/$defs/Schedule' } },
      $defs: { Schedule: { properties: { cron: { type: 'string' } } } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned).toEqual({
      type: 'object',
      properties: { schedule: { $ref: '#/$defs/Schedule' } },
      $defs: { Schedule: { type: 'object', properties: { cron: { type: 'string' } } } },
    });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('moves #/definitions into #/$defs, the only references Kimi accepts', () => {
    const schema = {
      type: 'object',
      properties: { status: { $ref: '#/definitions/Status' } },
      definitions: { Status: { type: 'string', enum: ['active', 'paused'] } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned).toEqual({
      type: 'object',
      properties: { status: { $ref: '#/$defs/Status' } },
      $defs: { Status: { type: 'string', enum: ['active', 'paused'] } },
    });
    expect(findMoonshotSchemaViolation(schema)).toContain('references must start with #/$defs/');
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('keeps a definition from $defs and one from definitions apart when they share a name', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/Item' }, b: { $ref: '#/definitions/Item' } },
      $defs: { Item: { type: 'string' } },
      definitions: { Item: { type: 'integer' } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({ a: { $ref: '#/$defs/Item' }, b: { $ref: '#/$defs/Item_2' } });
    expect(cleaned.$defs).toEqual({ Item: { type: 'string' }, Item_2: { type: 'integer' } });
  });

  it('drops the keywords beside a $ref, keeping the referenced schema', () => {
    // The shape of Codex's automation_update tool (CLIProxyAPI#5316): a type and description next to $ref.
    const schema = {
      type: 'object',
      properties: {
        status: { type: 'string', description: 'New status', $ref: '#/$defs/AutomationStatus' },
      },
      $defs: { AutomationStatus: { type: 'string', enum: ['ACTIVE', 'PAUSED'] } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({ status: { $ref: '#/$defs/AutomationStatus' } });
    expect(findMoonshotSchemaViolation(schema)).toContain('when using $ref, type should be defined');
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('keeps only the definitions in use, each cleaned once', () => {
    const schema = {
      type: 'object',
      properties: { job: { $ref: '#/$defs/Job' }, again: { $ref: '#/$defs/Job' } },
      $defs: {
        Job: { type: 'object', properties: { retry: { $ref: '#/$defs/Retry' } } },
        Retry: { type: 'integer', minimum: 0 },
        Unused: { type: 'boolean' },
      },
    };

    expect(moonshot(schema).$defs).toEqual({
      Job: { type: 'object', properties: { retry: { $ref: '#/$defs/Retry' } } },
      Retry: { type: 'integer', minimum: 0 },
    });
  });

  it('follows a definition that is only a $ref to the definition it names', () => {
    const schema = {
      type: 'object',
      properties: { id: { $ref: '#/$defs/Alias' } },
      $defs: { Alias: { $ref: '#/$defs/Id' }, Id: { type: 'string', format: 'uuid' } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({ id: { $ref: '#/$defs/Id' } });
    expect(cleaned.$defs).toEqual({ Id: { type: 'string', format: 'uuid' } });
  });

  it('replaces the $ref at the top of a schema by its definition', () => {
    // zod-to-json-schema writes {$ref: '#/definitions/Args', definitions: {Args: ...}}.
    const schema = {
      $ref: '#/definitions/Args',
      definitions: { Args: { type: 'object', properties: { path: { type: 'string' } } } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned).toEqual({ type: 'object', properties: { path: { type: 'string' } } });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('gives a definition whose name needs escaping a plain name', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/my%20type' }, b: { $ref: '#/$defs/x~1y' } },
      $defs: { 'my type': { type: 'string' }, 'x/y': { type: 'integer' } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({ a: { $ref: '#/$defs/my_type' }, b: { $ref: '#/$defs/x_y' } });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('replaces a $ref that points nowhere with an object schema', () => {
    const schema = { type: 'object', properties: { extra: { $ref: '#/$defs/Missing' } } };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({ extra: { type: 'object' } });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it.each([
    ['a malformed percent escape', '#/$defs/%'],
    ['a truncated escape', '#/$defs/%E0%A4%A'],
    ['a pointer into a definition', '#/$defs/A/properties/b'],
    ['an empty name', '#/$defs/'],
    ['a URL', 'https://example.test/schema.json'],
    ['a name inherited from Object', '#/$defs/constructor'],
    ['not a string', 42],
  ])('treats a $ref with %s as pointing nowhere', (_label, ref) => {
    const schema = { type: 'object', properties: { a: { $ref: ref } }, $defs: { A: { type: 'string' } } };

    const cleaned = moonshot(schema);

    expect(cleaned).toEqual({ type: 'object', properties: { a: { type: 'object' } } });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('moves the type from the parent into the anyOf branches', () => {
    const schema = {
      type: 'object',
      properties: {
        count: { type: 'integer', anyOf: [{ minimum: 1 }, { maximum: -1 }] },
      },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({
      count: {
        anyOf: [
          { type: 'integer', minimum: 1 },
          { type: 'integer', maximum: -1 },
        ],
      },
    });
    expect(findMoonshotSchemaViolation(schema)).toContain('when using anyOf, type should be defined');
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('keeps a branch its own type when the parent declares another', () => {
    const schema = { type: 'string', anyOf: [{ type: 'null' }, { minLength: 1 }] };

    expect(moonshot(schema)).toEqual({ anyOf: [{ type: 'null' }, { type: 'string', minLength: 1 }] });
  });

  it('moves an object type from the root into anyOf branches that only constrain required', () => {
    // The MCP shape from kimi-code#2661: a root type next to an anyOf of required-only variants.
    const schema = {
      type: 'object',
      properties: { filename: { type: 'string' }, url: { type: 'string' } },
      anyOf: [{ required: ['filename'] }, { required: ['url'] }],
    };

    const cleaned = moonshot(schema);

    expect(cleaned.anyOf).toEqual([
      { type: 'object', required: ['filename'] },
      { type: 'object', required: ['url'] },
    ]);
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('turns a oneOf into an anyOf, the only union Kimi checks branch by branch', () => {
    const schema = {
      type: 'object',
      properties: { limit: { oneOf: [{ type: 'integer' }, { const: 'all' }], description: 'how many' } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({
      limit: { anyOf: [{ type: 'integer' }, { type: 'string', const: 'all' }], description: 'how many' },
    });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('keeps the type beside an allOf, since Kimi forbids it only beside anyOf', () => {
    const schema = {
      type: 'object',
      properties: { options: { type: 'object', allOf: [{ properties: { dry: { type: 'boolean' } } }] } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({
      options: {
        type: 'object',
        allOf: [{ type: 'object', properties: { dry: { type: 'boolean' } } }],
      },
    });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('types an allOf wrapper around a $ref from the referenced definition', () => {
    // Pydantic v1 writes a described enum field as {allOf: [{$ref}], description}.
    const schema = {
      type: 'object',
      properties: { level: { allOf: [{ $ref: '#/definitions/Level' }], description: 'log level' } },
      definitions: { Level: { type: 'integer', enum: [1, 2] } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({
      level: { allOf: [{ $ref: '#/$defs/Level' }], description: 'log level', type: 'integer' },
    });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('gives an untyped definition the type of the anyOf it is a branch of', () => {
    const schema = {
      type: 'object',
      properties: {
        target: { type: 'object', anyOf: [{ $ref: '#/$defs/ByPath' }, { required: ['url'] }] },
        other: { $ref: '#/$defs/ByPath' },
      },
      $defs: { ByPath: { required: ['path'] } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({
      target: { anyOf: [{ $ref: '#/$defs/ByPath_object' }, { type: 'object', required: ['url'] }] },
      other: { $ref: '#/$defs/ByPath' },
    });
    expect(cleaned.$defs).toEqual({
      ByPath_object: { type: 'object', required: ['path'] },
      ByPath: { type: 'string', required: ['path'] },
    });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it.each([
    ['an enum of strings', { enum: ['text', 'raw'] }, 'string'],
    ['an enum of integers', { enum: [1, 2, 3] }, 'integer'],
    ['an enum of fractions', { enum: [0.5, 1] }, 'number'],
    ['a boolean const', { const: true }, 'boolean'],
    ['a string const', { const: 'fixed' }, 'string'],
    ['properties', { properties: { a: { type: 'string' } } }, 'object'],
    ['additionalProperties', { additionalProperties: { type: 'string' } }, 'object'],
    ['items', { items: { type: 'string' } }, 'array'],
    ['only a description', { description: 'anything' }, 'string'],
  ])('infers a missing property type from %s', (_label, property, type) => {
    const cleaned = moonshot({ type: 'object', properties: { field: property } });

    expect(cleaned.properties).toEqual({ field: { ...property, type } });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('types the schemas nested in items and additionalProperties', () => {
    const schema = {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { enum: ['a', 'b'] } },
        env: { type: 'object', additionalProperties: { description: 'value' } },
      },
    };

    expect(moonshot(schema).properties).toEqual({
      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
      env: { type: 'object', additionalProperties: { type: 'string', description: 'value' } },
    });
  });

  it('removes $schema and $id, which are no part of a tool schema', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:tool',
      type: 'object',
      properties: {},
    };

    expect(moonshot(schema)).toEqual({ type: 'object', properties: {} });
  });

  it('does not change the schema it was given', () => {
    const schema = {
      type: 'object',
      properties: { count: { type: 'integer', anyOf: [{ minimum: 1 }] }, ref: { $ref: '#/$defs/A' } },
      $defs: { A: { enum: ['x'] } },
    };
    const before = structuredClone(schema);

    moonshot(schema);

    expect(schema).toEqual(before);
  });

  it('keeps a definition that refers to itself as a $ref, and the result is still accepted', () => {
    const schema = {
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node' } },
      $defs: {
        Node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/Node' } },
          },
        },
      },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.$defs).toEqual(schema.$defs);
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('keeps a reference to the whole schema as a definition of it', () => {
    const schema = {
      type: 'object',
      properties: { value: { type: 'string' }, next: { $ref: '#' } },
    };
    const self = {
      type: 'object',
      properties: { value: { type: 'string' }, next: { $ref: '#/$defs/root' } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned).toEqual({ ...self, $defs: { root: self } });
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('cleans definitions that refer to each other many times over into a schema of about their own size', () => {
    // Twelve definitions of four properties, each pointing at the next: inlining them makes 4^12 copies.
    const $defs: Record<string, unknown> = {};
    for (let index = 0; index < 12; index++) {
      const next = index < 11 ? { $ref: `#/$defs/D${index + 1}` } : { type: 'string' };
      $defs[`D${index}`] = { type: 'object', properties: { a: next, b: next, c: next, d: next } };
    }
    const schema = { type: 'object', properties: { root: { $ref: '#/$defs/D0' } }, $defs };

    const cleaned = moonshot(schema);

    expect(cleaned).toEqual(schema);
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('terminates on a definition with several recursive fields, and on two that refer to each other', () => {
    const tree = {
      type: 'object',
      properties: { expression: { $ref: '#/$defs/Expr' } },
      $defs: {
        Expr: {
          type: 'object',
          properties: {
            op: { type: 'string' },
            left: { $ref: '#/$defs/Expr' },
            right: { $ref: '#/$defs/Expr' },
            otherwise: { $ref: '#/$defs/Expr' },
          },
        },
      },
    };
    const pair = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' } },
      $defs: {
        A: { type: 'object', properties: { b: { $ref: '#/$defs/B' } } },
        B: { type: 'object', properties: { a: { $ref: '#/$defs/A' } } },
      },
    };

    expect(moonshot(tree)).toEqual(tree);
    expect(moonshot(pair)).toEqual(pair);
  });

  it('treats definitions that are only $refs to each other as pointing nowhere', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' } },
      $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } },
    };

    expect(moonshot(schema)).toEqual({ type: 'object', properties: { a: { type: 'object' } } });
  });

  it('refuses, with a 400 naming the tool, a schema larger than the cap once cleaned', () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_SCHEMA_NODES }, (_, index) => [`p${index}`, { type: 'string' }]),
    );

    let thrown: unknown;
    try {
      toMoonshotSchema({ type: 'object', properties }, 'huge_tool');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(BridgeError);
    expect(thrown).toMatchObject({ status: 400, code: 'tool_schema_too_large', param: 'tools' });
    expect((thrown as Error).message).toMatch(/tool 'huge_tool' is too large.*more than 20000 schema nodes/);
  });

  it('refuses a schema nested deeper than any real tool schema instead of overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 5_000; level++) schema = { type: 'array', items: schema };

    expect(() => toMoonshotSchema(schema, 'deep')).toThrow(/nested more than 128 levels deep/);
  });
});
