import { z } from 'zod';

/**
 * What every layer the records pass through can hold, checked before anything is written: a
 * record the schema accepts must be storable in DynamoDB (DESIGN §7: items 400 KB, 32 levels of
 * nesting, numbers within 1e-130..1e126) and must not break the validator itself (a recursive
 * schema run on thousands of levels overflows the stack), so each limit here is a 400, not a 500.
 */

/** Modules inside modules: a course outline nests at most this deep (Sunbird courses use 3–5). */
export const MAX_OUTLINE_DEPTH = 12;
/** Nodes (modules, contents, assessments) in one course outline. */
export const MAX_OUTLINE_NODES = 2_000;
/**
 * Nesting of one record's JSON, checked before the schema runs. A course at the deepest outline
 * is 1 (record) + 2 per outline level (children list, node) + 3 (questions, question, options);
 * DynamoDB stores the record's attributes as they are, so this also keeps it under 32 levels.
 */
export const MAX_RECORD_NESTING = 1 + 2 * MAX_OUTLINE_DEPTH + 3;
/** DynamoDB's limit on an item, less room for the keys the repository adds to a record. */
export const MAX_ITEM_BYTES = 400 * 1024;
export const KEY_ALLOWANCE_BYTES = 2 * 1024;
export const MAX_RECORD_BYTES = MAX_ITEM_BYTES - KEY_ALLOWANCE_BYTES;
/** Scores, maximum scores and durations: far above any real one, and exact in a JavaScript number. */
export const MAX_MEASURE = 1_000_000_000;
/** DynamoDB's smallest non-zero number magnitude. */
export const MIN_NONZERO_MAGNITUDE = 1e-130;

/**
 * A number DynamoDB stores exactly as JavaScript sent it: finite, at most {@link MAX_MEASURE}
 * (well inside 2^53, past which JavaScript itself loses digits and the SDK refuses to marshal),
 * and zero or at least 1e-130 in magnitude (DynamoDB's floor).
 */
export const Measure = z
  .number()
  .nonnegative()
  .max(MAX_MEASURE, `must be at most ${MAX_MEASURE}`)
  .refine((value) => value === 0 || value >= MIN_NONZERO_MAGNITUDE, 'must be 0 or at least 1e-130 (DynamoDB)');

/**
 * How deep `value` nests (a scalar is 0, `[]` or `{}` is 1), counted without recursion, stopping
 * as soon as `limit` is passed: safe on any JSON, however deep.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, here]);
  }
  return deepest;
}

/**
 * Bytes DynamoDB counts for a record stored as an item (attribute names + values, lists and maps
 * 3 bytes + 1 per element, numbers counted at their 21-byte maximum): an upper bound, so a
 * record that passes fits. Stops counting once past `limit`.
 */
export function storedSize(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && bytes <= limit) {
    const node = stack.pop();
    if (typeof node === 'string') bytes += Buffer.byteLength(node, 'utf8');
    else if (typeof node === 'number') bytes += 21;
    else if (typeof node === 'boolean' || node === null) bytes += 1;
    else if (Array.isArray(node)) {
      bytes += 3 + node.length;
      for (const item of node) stack.push(item);
    } else if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node).filter(([, v]) => v !== undefined);
      bytes += 3 + entries.length;
      for (const [name, item] of entries) {
        bytes += Buffer.byteLength(name, 'utf8');
        stack.push(item);
      }
    }
  }
  return bytes;
}

/** Node count and depth of a course outline, counted without recursion. */
export function outlineShape(children: readonly unknown[]): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const stack: [unknown, number][] = children.map((child) => [child, 1]);
  while (stack.length > 0) {
    const [node, level] = stack.pop() as [unknown, number];
    nodes += 1;
    if (level > depth) depth = level;
    const below = (node as { children?: unknown })?.children;
    if (Array.isArray(below)) for (const child of below) stack.push([child, level + 1]);
  }
  return { nodes, depth };
}
