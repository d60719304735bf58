/**
 * Tool parameter schemas, cleaned for what an upstream accepts. Kimi (Moonshot) validates a stricter "Moonshot
 * flavoured" JSON schema: no `$ref` outside `#/$defs/`, nothing beside `$ref`, `type` inside `anyOf` branches rather
 * than on the parent, and a `type` on every property (docs/providers.md#kimi-moonshot). Inlining every `$ref`
 * (cutting recursion), moving types into `anyOf` branches and inferring missing types satisfies all of them.
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

interface Walk {
  root: Schema;
  depth: number;
  /** The $refs being expanded on the way here: a recursive definition is cut where it would repeat. */
  expanding: ReadonlySet<string>;
  /** The type a combinator's parent declared, which Moonshot wants on each branch instead. */
  inheritedType: string | undefined;
}

function normalizeMoonshot(schema: unknown, walk: Walk): Schema {
  if (!isSchema(schema) || walk.depth > MAX_DEPTH) return { type: walk.inheritedType ?? 'string' };
  const child = (value: unknown, inheritedType?: string) =>
    normalizeMoonshot(value, { ...walk, depth: walk.depth + 1, inheritedType });
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    const target = resolveRef(ref, walk.root);
    if (!target) return { type: walk.inheritedType ?? 'object' };
    // Inlining a recursive definition again would never end (and grows exponentially with several recursive
    // fields before the depth cap): the repeat is cut to a bare schema of the definition's type.
    if (walk.expanding.has(ref)) {
      return { type: typeof target.type === 'string' ? target.type : (walk.inheritedType ?? 'object') };
    }
    // Siblings of $ref (description, default) are rejected after expansion; the referenced schema wins.
    return normalizeMoonshot(target, {
      ...walk,
      depth: walk.depth + 1,
      expanding: new Set([...walk.expanding, ref]),
    });
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$defs' || key === 'definitions' || key === '$schema' || key === '$id') continue;
    // Kimi checks the branches of anyOf only, and wants a type on any other node; "exactly one" instead of "at
    // least one" changes nothing for a model filling in arguments.
    out[key === 'oneOf' && !Array.isArray(schema.anyOf) ? 'anyOf' : key] = value;
  }
  const parentType = typeof out.type === 'string' ? out.type : walk.inheritedType;
  for (const combinator of COMBINATORS) {
    const branches = out[combinator];
    if (!Array.isArray(branches)) continue;
    if (combinator === 'anyOf') delete out.type;
    out[combinator] = branches.map((branch) => child(branch, parentType));
  }
  if (isSchema(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([name, property]) => [name, child(property)]),
    );
  }
  if (out.items !== undefined && !Array.isArray(out.items)) out.items = child(out.items);
  if (isSchema(out.additionalProperties)) out.additionalProperties = child(out.additionalProperties);
  if (out.type === undefined && !Array.isArray(out.anyOf)) {
    out.type = walk.inheritedType ?? sharedType(out.allOf) ?? inferType(out);
  }
  return out;
}

/** The type every (normalized) branch declares, if they agree on one. */
function sharedType(branches: unknown): string | undefined {
  if (!Array.isArray(branches)) return undefined;
  const types = new Set(branches.map((branch) => (isSchema(branch) ? branch.type : undefined)));
  const [only] = types;
  return types.size === 1 && typeof only === 'string' ? only : undefined;
}

export function toMoonshotSchema(schema: Schema): Schema {
  return normalizeMoonshot(schema, {
    root: schema,
    depth: 0,
    expanding: new Set(),
    inheritedType: undefined,
  });
}

export function cleanToolSchema(parameters: unknown, dialect: 'standard' | 'moonshot'): Schema {
  const schema = objectSchemaOrEmpty(parameters);
  return dialect === 'moonshot' ? toMoonshotSchema(schema) : schema;
}
