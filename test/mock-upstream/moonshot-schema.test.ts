import { describe, expect, it } from 'vitest';
import { findMoonshotSchemaViolation } from './moonshot-schema.ts';

describe('Moonshot flavoured JSON schema check', () => {
  it('accepts a plain object schema whose properties all have a type', () => {
    const schema = {
      type: 'object',
      properties: { cmd: { type: 'array', items: { type: 'string' } }, workdir: { type: 'string' } },
      required: ['cmd'],
      additionalProperties: false,
    };

    expect(findMoonshotSchemaViolation(schema)).toBeNull();
  });

  it('accepts a tool without parameters', () => {
    expect(findMoonshotSchemaViolation(undefined)).toBeNull();
  });

  it('reports a property without type at its own path', () => {
    const schema = { type: 'object', properties: { task: { description: 'what to do' } } };

    expect(findMoonshotSchemaViolation(schema)).toBe("At path 'properties.task': type is not defined");
  });

  it('reports a root without type as root', () => {
    expect(findMoonshotSchemaViolation({ properties: {} })).toBe("At path 'root': type is not defined");
  });

  it('reports a type next to anyOf', () => {
    const schema = { type: 'object', properties: { skill: { type: 'string', anyOf: [{ type: 'string' }] } } };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties.skill': when using anyOf, type should be defined in anyOf items instead of the parent schema",
    );
  });

  it('accepts anyOf whose branches each carry a type', () => {
    const schema = {
      type: 'object',
      properties: { limit: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
    };

    expect(findMoonshotSchemaViolation(schema)).toBeNull();
  });

  it('reports an anyOf branch without type', () => {
    const schema = {
      type: 'object',
      properties: { limit: { anyOf: [{ type: 'integer' }, { enum: [null] }] } },
    };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties.limit.anyOf.1': type is not defined",
    );
  });

  it('reports a type next to $ref', () => {
    const schema = {
      type: 'object',
      properties: { job: { type: 'object', $ref: '#/$defs/Job' } },
      $defs: { Job: { type: 'object' } },
    };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties.job': when using $ref, type should be defined in the referenced schema instead of the parent schema",
    );
  });

  it('reports a reference outside #/$defs/', () => {
    const schema = {
      type: 'object',
      properties: { job: { $ref: '#/definitions/Job' } },
      definitions: { Job: {} },
    };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties.job': references must start with #/$defs/",
    );
  });

  it('reports a reference to a missing definition', () => {
    const schema = { type: 'object', properties: { job: { $ref: '#/$defs/Job' } } };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties.job': $defs not found for reference: #/$defs/Job",
    );
  });

  it('reports keywords next to $ref', () => {
    const schema = {
      type: 'object',
      properties: { job: { $ref: '#/$defs/Job', description: 'the job' } },
      $defs: { Job: { type: 'object' } },
    };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties.job': conflicting keywords found after $ref expansion: description",
    );
  });

  it('accepts a bare $ref into $defs and checks the definition itself', () => {
    const valid = {
      type: 'object',
      properties: { job: { $ref: '#/$defs/Job' } },
      $defs: { Job: { type: 'object' } },
    };
    const untypedDefinition = { ...valid, $defs: { Job: { properties: {} } } };

    expect(findMoonshotSchemaViolation(valid)).toBeNull();
    expect(findMoonshotSchemaViolation(untypedDefinition)).toBe("At path '$defs.Job': type is not defined");
  });

  it('reports a boolean property schema at the properties path', () => {
    const schema = { type: 'object', properties: { outputSchema: true } };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties': property schema for 'outputSchema' must be an object",
    );
  });

  it('reports tuple items', () => {
    const schema = { type: 'object', properties: { pair: { type: 'array', items: [{ type: 'string' }] } } };

    expect(findMoonshotSchemaViolation(schema)).toBe("At path 'properties.pair': items must be an object");
  });

  it('looks inside array items', () => {
    const schema = {
      type: 'object',
      properties: { tasks: { type: 'array', items: { type: 'object', properties: { x: {} } } } },
    };

    expect(findMoonshotSchemaViolation(schema)).toBe(
      "At path 'properties.tasks.items.properties.x': type is not defined",
    );
  });
});
