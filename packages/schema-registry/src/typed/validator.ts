import { z } from 'zod';
import type { AvroSchema } from '../avro/schema.js';

/**
 * How avsc (with `wrapUnions: 'auto'`) represents a union: unwrapped (`null | string`) when every branch falls in a
 * different JavaScript bucket, wrapped (`{ "com.acme.A": {...} }`) when two branches share one.
 */
export function unionIsWrapped(types: readonly AvroSchema[]): boolean {
  const buckets = new Set<string>();
  for (const branch of types) {
    const bucket = bucketOf(branch);
    if (buckets.has(bucket)) return true;
    buckets.add(bucket);
  }
  return false;
}

function bucketOf(schema: AvroSchema): string {
  switch (schema.type) {
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'enum':
    case 'string':
      return 'string';
    case 'bytes':
    case 'fixed':
      return 'buffer';
    case 'map':
    case 'record':
      return 'object';
    default:
      return schema.type;
  }
}

/** The key avsc uses for a branch of a wrapped union. */
export function branchName(schema: AvroSchema): string {
  return 'fullName' in schema ? schema.fullName : schema.type;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** A zod validator for plain JavaScript values in avsc's representation of an Avro schema. */
export function zodFor(schema: AvroSchema): z.ZodType {
  const named = new Map<string, z.ZodType>();
  const build = (node: AvroSchema): z.ZodType => {
    switch (node.type) {
      case 'null':
        return z.null();
      case 'boolean':
        return z.boolean();
      case 'int':
        return z.number().int().min(INT_MIN).max(INT_MAX);
      case 'long':
        return z.number().int();
      case 'float':
      case 'double':
        return z.number();
      case 'string':
        return z.string();
      case 'bytes':
        return z.instanceof(Buffer);
      case 'array':
        return z.array(build(node.items));
      case 'map':
        return z.record(z.string(), build(node.values));
      case 'union': {
        const branches = node.types.map((branch) =>
          unionIsWrapped(node.types) && branch.type !== 'null'
            ? z.object({ [branchName(branch)]: build(branch) }).strict()
            : build(branch),
        );
        if (branches.length === 0) return z.never();
        if (branches.length === 1) return branches[0]!;
        return z.union(branches as [z.ZodType, z.ZodType, ...z.ZodType[]]);
      }
      case 'enum':
      case 'fixed':
      case 'record': {
        const existing = named.get(node.fullName);
        if (existing) return existing;
        // Registered before building, through z.lazy, so recursive types terminate.
        let built: z.ZodType | undefined;
        named.set(
          node.fullName,
          z.lazy(() => built!),
        );
        if (node.type === 'enum') {
          built = node.symbols.length === 0 ? z.never() : z.enum(node.symbols as [string, ...string[]]);
        } else if (node.type === 'fixed') {
          const size = node.size;
          built = z.instanceof(Buffer).refine((value) => value.length === size, `expected ${size} bytes`);
        } else {
          const shape: Record<string, z.ZodType> = {};
          for (const field of node.fields) {
            const fieldType = build(field.type);
            // Fields with a default may be left out when writing; avsc fills the default in.
            shape[field.name] = field.hasDefault ? fieldType.optional() : fieldType;
          }
          built = z.object(shape);
        }
        return built;
      }
    }
  };
  return build(schema);
}
