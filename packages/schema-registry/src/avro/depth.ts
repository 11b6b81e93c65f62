import { descend, runWalk, type Walk } from '../walk.js';
import type { AvroSchema, NamedSchema } from './schema.js';

/**
 * How deep a parsed schema's types nest: the most arrays, maps, unions and records on one path from the root,
 * following a named type into its definition wherever it is used (a value of the schema can nest that deep, and so
 * do walks that compare or compile it). A named type used inside itself ends the path there: a recursive schema
 * has no deepest value. Computed without recursion, so any parsed schema can be measured.
 */
export function typeNestingDepth(schema: AvroSchema): number {
  return runWalk(depthOf(schema, new Map(), new Set()));
}

function* depthOf(
  schema: AvroSchema,
  known: Map<NamedSchema, number>,
  enclosing: Set<NamedSchema>,
): Walk<number> {
  let children: readonly AvroSchema[];
  switch (schema.type) {
    case 'array':
      children = [schema.items];
      break;
    case 'map':
      children = [schema.values];
      break;
    case 'union':
      children = schema.types;
      break;
    case 'record': {
      const measured = known.get(schema);
      if (measured !== undefined) return measured;
      if (enclosing.has(schema)) return 0;
      children = schema.fields.map((field) => field.type);
      break;
    }
    default:
      return 0;
  }
  if (schema.type === 'record') enclosing.add(schema);
  let deepest = 0;
  for (const child of children) deepest = Math.max(deepest, yield* descend(depthOf(child, known, enclosing)));
  const depth = deepest + 1;
  if (schema.type === 'record') {
    enclosing.delete(schema);
    known.set(schema, depth);
  }
  return depth;
}
