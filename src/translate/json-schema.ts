/**
 * Tool parameter schemas, cleaned for what an upstream accepts. Kimi (Moonshot) validates a stricter "Moonshot
 * flavoured" JSON schema (docs/providers.md#kimi-moonshot): a `$ref` must point into `#/$defs/` and stand alone, `type` goes in
 * the branches of an `anyOf` rather than on its parent, and every other node needs a `type`.
 *
 * Cleaning is one pass over the input, so its cost and its output grow with the input's size and no faster: a
 * `$ref` stays a `$ref`, and each definition it points to is cleaned once and kept under `$defs`. (Inlining the
 * definitions instead multiplies a schema whose definitions refer to each other several times over: twelve
 * definitions of four properties each pointing at the next expand to 4^12 copies.) A cleaned schema larger than
 * MAX_SCHEMA_NODES is refused with a 400 rather than sent.
 */
import { invalidRequest } from '../errors.ts';

type Schema = Record<string, unknown>;

/** The most schema nodes one cleaned tool schema may have: far above any real tool (Codex's largest has ~50). */
export const MAX_SCHEMA_NODES = 20_000;
/** Deeper nesting is refused before it is walked (the request edge already refuses JSON nested this deep). */
const MAX_SCHEMA_DEPTH = 128;
const COMBINATORS = ['anyOf', 'oneOf', 'allOf'] as const;
const DEFINITION_KEYS = ['$defs', 'definitions'] as const;
/** Keywords that have no place in a tool's parameters once its definitions are gathered at the top. */
const DROPPED_KEYWORDS = new Set(['$defs', 'definitions', '$schema', '$id', '__proto__']);

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tool without parameters still needs an object schema on Chat Completions. */
export function objectSchemaOrEmpty(parameters: unknown): Schema {
  if (isSchema(parameters) && Object.keys(parameters).length > 0) return parameters;
  return { type: 'object', properties: {} };
}

function inferType(schema: Schema): string {
  if (isSchema(schema.properties) || isSchema(schema.additionalProperties)) return 'object';
  if (schema.items !== undefined) return 'array';
  const sample = Array.isArray(schema.enum) ? schema.enum[0] : schema.const;
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'integer' : 'number';
  if (typeof sample === 'boolean') return 'boolean';
  return 'string';
}

/** A definition a `$ref` points at: where it lives in the input, and its schema. */
interface Definition {
  /** '$defs' or 'definitions', or '#' for the whole schema. */
  home: string;
  name: string;
  schema: Schema;
}

/** One JSON-pointer segment of a URI fragment, decoded ('%20', '~1'); undefined when malformed or nested. */
function pointerSegment(encoded: string): string | undefined {
  if (encoded.length === 0 || encoded.includes('/')) return undefined;
  try {
    return decodeURIComponent(encoded).replaceAll('~1', '/').replaceAll('~0', '~');
  } catch {
    return undefined;
  }
}

/** The definition a `$ref` names directly: `#`, `#/$defs/<name>` or `#/definitions/<name>`. */
function directTarget(ref: unknown, root: Schema): Definition | undefined {
  if (typeof ref !== 'string') return undefined;
  if (ref === '#') return { home: '#', name: 'root', schema: root };
  for (const home of DEFINITION_KEYS) {
    const prefix = `#/${home}/`;
    if (!ref.startsWith(prefix)) continue;
    const name = pointerSegment(ref.slice(prefix.length));
    const definitions = root[home];
    if (name === undefined || !isSchema(definitions) || !Object.hasOwn(definitions, name)) return undefined;
    const schema = definitions[name];
    return isSchema(schema) ? { home, name, schema } : undefined;
  }
  return undefined;
}

/** The definition a `$ref` ends at, through definitions that are only a `$ref` themselves; none for a loop. */
function resolveRef(ref: unknown, root: Schema): Definition | undefined {
  const seen = new Set<Schema>();
  let target = directTarget(ref, root);
  while (target && typeof target.schema.$ref === 'string' && target.home !== '#') {
    if (seen.has(target.schema)) return undefined;
    seen.add(target.schema);
    target = directTarget(target.schema.$ref, root);
  }
  return target;
}

/** A name Moonshot resolves as written: `#/$defs/<name>` with nothing to escape. */
function plainName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_') || '_';
}

interface Cleaning {
  root: Schema;
  /** Cleaned definitions by their name in the output (undefined while waiting to be cleaned). */
  readonly output: Map<string, Schema | undefined>;
  /** The output name of each (definition, type given by the context) already met. */
  readonly names: Map<string, string>;
  /** The type each output definition declares, for an `allOf` that wraps a `$ref`. */
  readonly declaredTypes: Map<string, string | undefined>;
  readonly pending: Array<{ name: string; schema: Schema; inheritedType: string | undefined }>;
  nodes: number;
  readonly toolName: string | undefined;
}

function tooLarge(cleaning: Cleaning, why: string): never {
  const tool = cleaning.toolName ? `tool '${cleaning.toolName}'` : 'a tool';
  throw invalidRequest(
    `The parameters schema of ${tool} is too large to send to this model: ${why}. Simplify the schema.`,
    'tools',
    'tool_schema_too_large',
  );
}

/**
 * The output name for a definition. A definition without a `type` of its own takes the type its context gives it
 * (the parent of an `anyOf`), so each such context gets its own copy: at most one per JSON type, never more.
 */
function definitionName(target: Definition, inheritedType: string | undefined, cleaning: Cleaning): string {
  const ownType = typeof target.schema.type === 'string' ? target.schema.type : undefined;
  const contextType = ownType === undefined ? inheritedType : undefined;
  const key = `${target.home}\u0000${target.name}\u0000${contextType ?? ''}`;
  const known = cleaning.names.get(key);
  if (known !== undefined) return known;
  const base = plainName(contextType ? `${target.name}_${contextType}` : target.name);
  let name = base;
  for (let suffix = 2; cleaning.output.has(name); suffix++) name = `${base}_${suffix}`;
  cleaning.names.set(key, name);
  cleaning.output.set(name, undefined);
  cleaning.declaredTypes.set(name, ownType ?? contextType);
  cleaning.pending.push({ name, schema: target.schema, inheritedType: contextType });
  return name;
}

/** The type every (cleaned) branch declares, if they agree on one; a `$ref` branch declares its definition's. */
function sharedType(branches: unknown, cleaning: Cleaning): string | undefined {
  if (!Array.isArray(branches)) return undefined;
  const types = new Set(
    branches.map((branch) => {
      if (!isSchema(branch)) return undefined;
      if (typeof branch.$ref === 'string')
        return cleaning.declaredTypes.get(branch.$ref.slice('#/$defs/'.length));
      return branch.type;
    }),
  );
  const [only] = types;
  return types.size === 1 && typeof only === 'string' ? only : undefined;
}

function cleanNode(
  schema: unknown,
  inheritedType: string | undefined,
  depth: number,
  cleaning: Cleaning,
): Schema {
  cleaning.nodes += 1;
  if (cleaning.nodes > MAX_SCHEMA_NODES) tooLarge(cleaning, `more than ${MAX_SCHEMA_NODES} schema nodes`);
  if (depth > MAX_SCHEMA_DEPTH) tooLarge(cleaning, `nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
  if (!isSchema(schema)) return { type: inheritedType ?? 'string' };
  if (Object.hasOwn(schema, '$ref')) {
    // Siblings of $ref (description, default) are rejected by Kimi: the referenced schema wins.
    const target = resolveRef(schema.$ref, cleaning.root);
    if (!target) return { type: inheritedType ?? 'object' };
    return { $ref: `#/$defs/${definitionName(target, inheritedType, cleaning)}` };
  }
  const child = (value: unknown, childType?: string) => cleanNode(value, childType, depth + 1, cleaning);
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    // Kimi checks the branches of anyOf only, and wants a type on any other node; "exactly one" instead of "at
    // least one" changes nothing for a model filling in arguments.
    out[key === 'oneOf' && !Array.isArray(schema.anyOf) ? 'anyOf' : key] = value;
  }
  const parentType = typeof out.type === 'string' ? out.type : inheritedType;
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
    out.type = inheritedType ?? sharedType(out.allOf, cleaning) ?? inferType(out);
  }
  return out;
}

/** The schema at the top: a `$ref` there is replaced by its definition (Kimi wants nothing beside a `$ref`). */
function topSchema(schema: Schema): Schema {
  if (!Object.hasOwn(schema, '$ref')) return schema;
  const target = resolveRef(schema.$ref, schema);
  if (target && target.home !== '#') return target.schema;
  const { $ref: _unresolved, ...rest } = schema;
  return rest;
}

export function toMoonshotSchema(schema: Schema, toolName?: string): Schema {
  const cleaning: Cleaning = {
    root: schema,
    output: new Map(),
    names: new Map(),
    declaredTypes: new Map(),
    pending: [],
    nodes: 0,
    toolName,
  };
  const cleaned = cleanNode(topSchema(schema), undefined, 0, cleaning);
  // Definitions are cleaned one after another, not inside each other: a long chain of them costs no stack.
  for (let index = 0; index < cleaning.pending.length; index++) {
    const next = cleaning.pending[index] as Cleaning['pending'][number];
    cleaning.output.set(next.name, cleanNode(next.schema, next.inheritedType, 0, cleaning));
  }
  if (cleaning.output.size > 0) cleaned.$defs = Object.fromEntries(cleaning.output);
  return cleaned;
}

export function cleanToolSchema(
  parameters: unknown,
  dialect: 'standard' | 'moonshot',
  toolName?: string,
): Schema {
  const schema = objectSchemaOrEmpty(parameters);
  return dialect === 'moonshot' ? toMoonshotSchema(schema, toolName) : schema;
}
