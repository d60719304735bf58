// Moonshot Flavored JSON Schema (MFJS): the subset Kimi accepts for tools[].function.parameters.
// Detail texts and paths are the ones the live validator reports (kimi-cli#1595, #2030,
// kimi-code#2661, CLIProxyAPI#5316, command-code#594): paths are dot-joined, the top is 'root'.

type SchemaNode = Record<string, unknown>;

const REF_PREFIX = '#/$defs/';

function isSchemaNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(segments: string[], detail: string): string {
  return `At path '${segments.length > 0 ? segments.join('.') : 'root'}': ${detail}`;
}

function checkReference(node: SchemaNode, segments: string[], root: SchemaNode): string | null {
  const reference = node.$ref;
  if ('type' in node) {
    return at(
      segments,
      'when using $ref, type should be defined in the referenced schema instead of the parent schema',
    );
  }
  if (typeof reference !== 'string' || !reference.startsWith(REF_PREFIX)) {
    return at(segments, `references must start with ${REF_PREFIX}`);
  }
  const definitions = root.$defs;
  if (!isSchemaNode(definitions) || !(reference.slice(REF_PREFIX.length) in definitions)) {
    return at(segments, `$defs not found for reference: ${reference}`);
  }
  const siblings = Object.keys(node).filter((keyword) => keyword !== '$ref');
  if (siblings.length > 0) {
    return at(segments, `conflicting keywords found after $ref expansion: ${siblings.join(', ')}`);
  }
  return null;
}

function checkAnyOf(node: SchemaNode, segments: string[], root: SchemaNode): string | null {
  if ('type' in node) {
    return at(
      segments,
      'when using anyOf, type should be defined in anyOf items instead of the parent schema',
    );
  }
  const branches = Array.isArray(node.anyOf) ? node.anyOf : [];
  for (const [position, branch] of branches.entries()) {
    const branchSegments = [...segments, 'anyOf', String(position)];
    if (!isSchemaNode(branch)) return at(branchSegments, 'schema must be an object');
    const problem = checkNode(branch, branchSegments, root);
    if (problem) return problem;
  }
  return null;
}

function checkProperties(node: SchemaNode, segments: string[], root: SchemaNode): string | null {
  if (!isSchemaNode(node.properties)) return null;
  const propertiesSegments = [...segments, 'properties'];
  for (const [name, property] of Object.entries(node.properties)) {
    if (!isSchemaNode(property))
      return at(propertiesSegments, `property schema for '${name}' must be an object`);
    const problem = checkNode(property, [...propertiesSegments, name], root);
    if (problem) return problem;
  }
  return null;
}

function checkItems(node: SchemaNode, segments: string[], root: SchemaNode): string | null {
  if (Array.isArray(node.items)) return at(segments, 'items must be an object');
  return isSchemaNode(node.items) ? checkNode(node.items, [...segments, 'items'], root) : null;
}

function checkNode(node: SchemaNode, segments: string[], root: SchemaNode): string | null {
  if ('$ref' in node) return checkReference(node, segments, root);
  const ownProblem = 'anyOf' in node ? checkAnyOf(node, segments, root) : null;
  if (ownProblem) return ownProblem;
  if (!('anyOf' in node) && !('type' in node)) return at(segments, 'type is not defined');
  return checkProperties(node, segments, root) ?? checkItems(node, segments, root);
}

function checkDefinitions(root: SchemaNode): string | null {
  if (!isSchemaNode(root.$defs)) return null;
  for (const [name, definition] of Object.entries(root.$defs)) {
    const segments = ['$defs', name];
    if (!isSchemaNode(definition)) return at(segments, 'schema must be an object');
    const problem = checkNode(definition, segments, root);
    if (problem) return problem;
  }
  return null;
}

/** The `details` part of Moonshot's 400, e.g. "At path 'properties.x': type is not defined", or null. */
export function findMoonshotSchemaViolation(parameters: unknown): string | null {
  if (parameters === undefined || parameters === null) return null;
  if (!isSchemaNode(parameters)) return at([], 'schema must be an object');
  return checkNode(parameters, [], parameters) ?? checkDefinitions(parameters);
}

export function moonshotSchemaMessage(details: string): string {
  return `Invalid request: tools.function.parameters is not a valid moonshot flavored json schema, details: <${details}>`;
}
