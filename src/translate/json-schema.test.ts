import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMoonshotSchemaViolation } from '../../test/mock-upstream/moonshot-schema.ts';
import { cleanToolSchema, objectSchemaOrEmpty, toMoonshotSchema } from './json-schema.ts';

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
  it('inlines a $ref to #/$defs and drops the $defs', () => {
    const schema = {
      type: 'object',
      properties: { schedule: { $ref: '#/$defs/Schedule' } },
      $defs: { Schedule: { type: 'object', properties: { cron: { type: 'string' } } } },
    };

    expect(moonshot(schema)).toEqual({
      type: 'object',
      properties: { schedule: { type: 'object', properties: { cron: { type: 'string' } } } },
    });
  });

  it('inlines a $ref to #/definitions, which Kimi rejects', () => {
    const schema = {
      type: 'object',
      properties: { status: { $ref: '#/definitions/Status' } },
      definitions: { Status: { type: 'string', enum: ['active', 'paused'] } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned).toEqual({
      type: 'object',
      properties: { status: { type: 'string', enum: ['active', 'paused'] } },
    });
    expect(findMoonshotSchemaViolation(schema)).toContain('references must start with #/$defs/');
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
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

    expect(cleaned.properties).toEqual({ status: { type: 'string', enum: ['ACTIVE', 'PAUSED'] } });
    expect(findMoonshotSchemaViolation(schema)).toContain('when using $ref, type should be defined');
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('resolves a $ref whose target itself refers to another definition', () => {
    const schema = {
      type: 'object',
      properties: { job: { $ref: '#/$defs/Job' } },
      $defs: {
        Job: { type: 'object', properties: { retry: { $ref: '#/$defs/Retry' } } },
        Retry: { type: 'integer', minimum: 0 },
      },
    };

    expect(moonshot(schema).properties).toEqual({
      job: { type: 'object', properties: { retry: { type: 'integer', minimum: 0 } } },
    });
  });

  it('replaces a $ref that points nowhere with an object schema', () => {
    const schema = { type: 'object', properties: { extra: { $ref: '#/$defs/Missing' } } };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({ extra: { type: 'object' } });
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

  it('types an allOf wrapper around a $ref from the referenced schema', () => {
    // Pydantic v1 writes a described enum field as {allOf: [{$ref}], description}.
    const schema = {
      type: 'object',
      properties: { level: { allOf: [{ $ref: '#/definitions/Level' }], description: 'log level' } },
      definitions: { Level: { type: 'string', enum: ['debug', 'info'] } },
    };

    const cleaned = moonshot(schema);

    expect(cleaned.properties).toEqual({
      level: {
        allOf: [{ type: 'string', enum: ['debug', 'info'] }],
        description: 'log level',
        type: 'string',
      },
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

  it('terminates on a definition that refers to itself, and the result is still accepted', () => {
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

    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
    expect(JSON.stringify(cleaned)).not.toContain('$ref');
  });

  it('terminates quickly on a definition with several recursive fields', () => {
    // A tree-shaped definition: naive inlining grows with (fields)^(depth) and never finishes.
    const schema = {
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

    const started = performance.now();
    const cleaned = moonshot(schema);

    expect(performance.now() - started).toBeLessThan(1000);
    expect(JSON.stringify(cleaned).length).toBeLessThan(100_000);
    expect(findMoonshotSchemaViolation(cleaned)).toBeNull();
  });

  it('terminates on two definitions that refer to each other', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' } },
      $defs: {
        A: { type: 'object', properties: { b: { $ref: '#/$defs/B' } } },
        B: { type: 'object', properties: { a: { $ref: '#/$defs/A' } } },
      },
    };

    expect(findMoonshotSchemaViolation(moonshot(schema))).toBeNull();
  });
});
