/**
 * Tool parameter schemas, cleaned for what an upstream accepts. Kimi (Moonshot) validates a stricter "Moonshot
 * flavoured" JSON schema: no `$ref` outside `#/$defs/`, nothing beside `$ref`, `type` inside `anyOf` branches rather
 * than on the parent, and a `type` on every property (PROTOCOL.md §3b). Inlining every `$ref` satisfies all of them.
 */

type Schema = Record<string, unknown>;

const MAX_DEPTH = 32;
const COMBINATORS = ['anyOf', 'oneOf', 'allOf'] as const;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tool without parameters still needs an object schema on Chat Completions. */
export function objectSchemaOrEmpty(parameters: unknown): Schema {
  if (isSchema(parameters) && Object.keys(parameters).length > 0) return parameters;
  return { type: 'object', properties: {} };
}

function resolveRef(ref: string, root: Schema): Schema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const defs = root[match[1] as string];
  const target = isSchema(defs) ? defs[decodeURIComponent(match[2] as string)] : undefined;
  return isSchema(target) ? target : undefined;
}

function inferType(schema: Schema): string {
  if (isSchema(schema.properties) || isSchema(schema.additionalProperties)) return 'object';
  if (schema.items !== undefined) return 'array';
  const sample = Array.isArray(schema.enum) ? schema.enum[0] : schema.const;
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'integer' : 'number';
  if (typeof sample === 'boolean') return 'boolean';
  return 'string';
}

function normalizeMoonshot(schema: unknown, root: Schema, depth: number): Schema {
  if (!isSchema(schema) || depth > MAX_DEPTH) return { type: 'string' };
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root);
    // Siblings of $ref (description, default) are rejected after expansion; the referenced schema wins.
    return target ? normalizeMoonshot(target, root, depth + 1) : { type: 'object' };
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$defs' || key === 'definitions' || key === '$schema' || key === '$id') continue;
    out[key] = value;
  }
  for (const combinator of COMBINATORS) {
    const branches = out[combinator];
    if (!Array.isArray(branches)) continue;
    const parentType = out.type;
    delete out.type;
    out[combinator] = branches.map((branch) => {
      const normalized = normalizeMoonshot(branch, root, depth + 1);
      if (normalized.type === undefined && !hasCombinator(normalized)) {
        normalized.type = typeof parentType === 'string' ? parentType : inferType(normalized);
      }
      return normalized;
    });
  }
  if (isSchema(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([name, property]) => [
        name,
        normalizeMoonshot(property, root, depth + 1),
      ]),
    );
  }
  if (out.items !== undefined && !Array.isArray(out.items))
    out.items = normalizeMoonshot(out.items, root, depth + 1);
  if (isSchema(out.additionalProperties)) {
    out.additionalProperties = normalizeMoonshot(out.additionalProperties, root, depth + 1);
  }
  if (out.type === undefined && !hasCombinator(out)) out.type = inferType(out);
  return out;
}

function hasCombinator(schema: Schema): boolean {
  return COMBINATORS.some((combinator) => Array.isArray(schema[combinator]));
}

export function toMoonshotSchema(schema: Schema): Schema {
  return normalizeMoonshot(schema, schema, 0);
}

export function cleanToolSchema(parameters: unknown, dialect: 'standard' | 'moonshot'): Schema {
  const schema = objectSchemaOrEmpty(parameters);
  return dialect === 'moonshot' ? toMoonshotSchema(schema) : schema;
}
