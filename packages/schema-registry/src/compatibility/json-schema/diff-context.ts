import type { SchemaNode } from '../../json-schema/model.js';
import type { JsonSchemaDifference, JsonSchemaDifferenceType } from './differences.js';

/** The state and the path a JSON Schema comparison carries (Confluent's diff `Context`). */

export type PairMap<T> = Map<SchemaNode, Map<SchemaNode, T>>;

export function pairGet<T>(map: PairMap<T>, a: SchemaNode, b: SchemaNode): T | undefined {
  return map.get(a)?.get(b);
}

export function pairSet<T>(map: PairMap<T>, a: SchemaNode, b: SchemaNode, value: T): void {
  let inner = map.get(a);
  if (!inner) {
    inner = new Map();
    map.set(a, inner);
  }
  inner.set(b, value);
}

export function pairDelete<T>(map: PairMap<T>, a: SchemaNode, b: SchemaNode): void {
  map.get(a)?.delete(b);
}

/** State one comparison shares across its sub-comparisons. */
export interface Shared {
  compatible: ReadonlySet<JsonSchemaDifferenceType>;
  memo: PairMap<JsonSchemaDifference[]>;
  inProgress: PairMap<true>;
  incompatibleSeed: PairMap<JsonSchemaDifference[]>;
  optimismUsed: boolean;
  depth: number;
}

export class Context {
  readonly differences: JsonSchemaDifference[] = [];

  constructor(
    readonly shared: Shared,
    readonly path: string[] = [],
  ) {}

  subcontext(): Context {
    return new Context(this.shared, [...this.path]);
  }

  within<T>(token: string, run: () => T): T {
    this.path.push(token);
    try {
      return run();
    } finally {
      this.path.pop();
    }
  }

  add(type: JsonSchemaDifferenceType, token?: string): void {
    const tokens = token === undefined ? this.path : [...this.path, token];
    this.differences.push({ type, path: `#/${tokens.join('/')}` });
  }

  addAll(differences: readonly JsonSchemaDifference[]): void {
    this.differences.push(...differences);
  }

  /** Adds differences computed for a pair as if it were the root, rebased onto this path. */
  addRebased(differences: readonly JsonSchemaDifference[]): void {
    if (this.path.length === 0) {
      this.differences.push(...differences);
      return;
    }
    const prefix = `#/${this.path.join('/')}`;
    for (const difference of differences) {
      this.differences.push({
        type: difference.type,
        path: difference.path.length <= 2 ? prefix : `${prefix}/${difference.path.slice(2)}`,
      });
    }
  }

  isCompatible(): boolean {
    return this.differences.every((difference) => this.shared.compatible.has(difference.type));
  }
}

/**
 * Every change from `original` to `update`, in Confluent's terms. A schema that reads data written with another
 * is the `update` of that comparison: BACKWARD compares (original = old, update = new).
 */
/** Compares two schemas at the context's path, adding the differences it finds (the diff's recursion). */
export type Compare = (
  context: Context,
  original: SchemaNode | undefined,
  update: SchemaNode | undefined,
) => void;

/** `true` and `{}`: anything goes. */
export const isAny = (node: SchemaNode): boolean => node.kind === 'empty' || node.kind === 'true';

export function compareLimit(
  context: Context,
  keyword: string,
  original: number | undefined,
  update: number | undefined,
  types: { added: JsonSchemaDifferenceType; removed: JsonSchemaDifferenceType },
  grew: JsonSchemaDifferenceType,
  shrank: JsonSchemaDifferenceType,
): void {
  if (original === update) return;
  if (original === undefined) context.add(types.added, keyword);
  else if (update === undefined) context.add(types.removed, keyword);
  else if (original < update) context.add(grew, keyword);
  else if (original > update) context.add(shrank, keyword);
}

export function compareUnevaluated(
  compare: Compare,
  context: Context,
  keyword: string,
  original: SchemaNode | undefined,
  update: SchemaNode | undefined,
  types: Record<'added' | 'removed' | 'extended' | 'narrowed', JsonSchemaDifferenceType>,
): void {
  if (original === undefined && update === undefined) return;
  context.within(keyword, () => {
    if (original === undefined) context.add(update!.kind === 'false' ? types.removed : types.narrowed);
    else if (update === undefined) context.add(original.kind === 'false' ? types.added : types.extended);
    else if (original.kind === 'false' && update.kind !== 'false') context.add(types.added);
    else if (original.kind !== 'false' && update.kind === 'false') context.add(types.removed);
    else if (isAny(original) && !isAny(update)) context.add(types.narrowed);
    else if (!isAny(original) && isAny(update)) context.add(types.extended);
    else compare(context, original, update);
  });
}
