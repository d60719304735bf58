/**
 * How deep a parsed JSON value nests. JSON.parse accepts any depth, but every recursive walk after it (the schema
 * cleaner, JSON.stringify of the upstream body and of echoed fields) overflows the stack somewhere past a few
 * thousand levels; a request is refused at the edge long before that. Every request is checked, so the check is
 * quick: a recursive walk that stops one level past the limit (so never deeper than that on the stack); only a
 * value found too deep is walked again, iteratively, for the path its error names.
 */

/** Far deeper than any real request (Codex's own nest about 12 levels), far shallower than the stack allows. */
export const MAX_JSON_DEPTH = 128;

interface Frame {
  value: object;
  depth: number;
  parent: Frame | undefined;
  key: string | undefined;
}

function pathOf(frame: Frame): string[] {
  const path: string[] = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** Deeper limits than this are checked by the iterative walk alone, which needs no stack. */
const RECURSIVE_CHECK_MAX_LIMIT = 1024;

/**
 * The path (keys and indexes) to the first object or array nested more than `limit` levels deep, the outermost
 * being level 1; undefined when none is. `value` is parsed JSON: plain objects, arrays and scalars.
 */
export function pathBeyondDepth(value: unknown, limit = MAX_JSON_DEPTH): string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (limit <= RECURSIVE_CHECK_MAX_LIMIT && !nestsBeyond(value, 1, limit)) return undefined;
  return firstPathBeyond(value, limit);
}

/** Whether anything in `value` (itself at level `depth`) nests past `limit`; recurses at most `limit` + 1 deep. */
function nestsBeyond(value: object, depth: number, limit: number): boolean {
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (const child of value) {
      if (typeof child === 'object' && child !== null && nestsBeyond(child, depth + 1, limit)) return true;
    }
    return false;
  }
  // for...in rather than Object.values: no array per object. A parsed object inherits no enumerable keys.
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && nestsBeyond(child, depth + 1, limit)) return true;
  }
  return false;
}

function firstPathBeyond(value: object, limit: number): string[] | undefined {
  const stack: Frame[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    if (frame.depth > limit) return pathOf(frame);
    for (const [key, child] of Object.entries(frame.value)) {
      if (typeof child === 'object' && child !== null) {
        stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return undefined;
}
