/**
 * How deep a parsed JSON value nests. JSON.parse accepts any depth, but every recursive walk after it (the schema
 * cleaner, JSON.stringify of the upstream body and of echoed fields) overflows the stack somewhere past a few
 * thousand levels; a request is refused at the edge long before that. The walk itself is iterative.
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

/**
 * The path (keys and indexes) to the first object or array nested more than `limit` levels deep, the outermost
 * being level 1; undefined when none is.
 */
export function pathBeyondDepth(value: unknown, limit = MAX_JSON_DEPTH): string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
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
