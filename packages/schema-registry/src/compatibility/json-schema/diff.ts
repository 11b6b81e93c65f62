import { SchemaParseError } from '../../errors.js';
import { jsonEquals } from '../../json-schema/json-values.js';
import {
  type ArrayNode,
  type CombinedNode,
  type ConstNode,
  type EnumNode,
  fingerprintOf,
  type NotNode,
  type NumberNode,
  type ObjectNode,
  type SchemaNode,
  type StringNode,
} from '../../json-schema/model.js';
import { maximumMatching } from '../bipartite-matching.js';
import { compareArrays, compareObjects } from './content-model-diff.js';
import {
  Context,
  compareLimit,
  isAny,
  type PairMap,
  pairDelete,
  pairGet,
  pairSet,
  type Shared,
} from './diff-context.js';
import {
  COMPATIBLE_CHANGES,
  type JsonSchemaCompatibilityPolicy,
  type JsonSchemaDifference,
  type JsonSchemaDifferenceType,
} from './differences.js';

/**
 * Confluent's JSON Schema compatibility diff (`io.confluent.kafka.schemaregistry.json.diff.SchemaDiff` and its
 * per-type classes), ported rule for rule: every change from `original` (the writer's schema) to `update` (the
 * reader's), each named and located by a JSON path. Whether a change is compatible depends on the policy's set
 * of compatible changes. Recursive schemas terminate (a pair already being compared counts as compatible, refined
 * to a fixed point as Confluent does); nesting deeper than MAX_DIFF_DEPTH is refused rather than overflowing.
 */

/** How deep comparisons may nest (through properties, items, combinators and $refs) before the check gives up. */
export const MAX_DIFF_DEPTH = 800;

export function diffJsonSchemas(
  original: SchemaNode,
  update: SchemaNode,
  policy: JsonSchemaCompatibilityPolicy = 'STRICT',
): JsonSchemaDifference[] {
  let seed: PairMap<JsonSchemaDifference[]> = new Map();
  for (;;) {
    const shared: Shared = {
      compatible: COMPATIBLE_CHANGES[policy],
      memo: new Map(),
      inProgress: new Map(),
      incompatibleSeed: seed,
      optimismUsed: false,
      depth: 0,
    };
    const context = new Context(shared);
    compare(context, original, update);
    const incompatible = incompatiblePairs(shared);
    if (!shared.optimismUsed || samePairs(incompatible, seed)) return context.differences;
    seed = incompatible;
  }
}

/** The differences that make `original` to `update` incompatible under a policy. */
export function incompatibleDifferences(
  differences: readonly JsonSchemaDifference[],
  policy: JsonSchemaCompatibilityPolicy = 'STRICT',
): JsonSchemaDifference[] {
  return differences.filter((difference) => !COMPATIBLE_CHANGES[policy].has(difference.type));
}

function incompatiblePairs(shared: Shared): PairMap<JsonSchemaDifference[]> {
  const out: PairMap<JsonSchemaDifference[]> = new Map();
  for (const [a, inner] of shared.memo) {
    for (const [b, differences] of inner) {
      if (differences.some((d) => !shared.compatible.has(d.type))) pairSet(out, a, b, differences);
    }
  }
  return out;
}

function samePairs(a: PairMap<unknown>, b: PairMap<unknown>): boolean {
  let count = 0;
  for (const [x, inner] of a) {
    for (const y of inner.keys()) {
      if (pairGet(b, x, y) === undefined) return false;
      count++;
    }
  }
  let other = 0;
  for (const inner of b.values()) other += inner.size;
  return count === other;
}

function compare(context: Context, original: SchemaNode | undefined, update: SchemaNode | undefined): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) {
    context.add('SCHEMA_ADDED');
    return;
  }
  if (update === undefined) {
    context.add('SCHEMA_REMOVED');
    return;
  }
  const shared = context.shared;
  if (++shared.depth > MAX_DIFF_DEPTH) {
    throw new SchemaParseError(
      `The schemas nest more than ${MAX_DIFF_DEPTH} levels deep (through properties, items, combinators and $refs) to be compared`,
      `#/${context.path.join('/')}`,
    );
  }
  try {
    const a = dereference(original);
    const b = dereference(update);
    context.addRebased(compareMemoized(shared, a, b));
  } finally {
    shared.depth--;
  }
}

/** A reference stands for what it names (followed through chains of references). */
function dereference(node: SchemaNode): SchemaNode {
  let current = node;
  for (let hops = 0; current.kind === 'reference' && hops < 64; hops++) current = current.target();
  return current;
}

function compareMemoized(shared: Shared, original: SchemaNode, update: SchemaNode): JsonSchemaDifference[] {
  const cached = pairGet(shared.memo, original, update);
  if (cached) return cached;
  if (pairGet(shared.inProgress, original, update)) {
    // A recursive cycle: known-incompatible pairs (from the previous pass) keep their differences; the others
    // are assumed compatible, and the result is refined until it no longer changes.
    const seeded = pairGet(shared.incompatibleSeed, original, update);
    if (seeded) return seeded;
    shared.optimismUsed = true;
    return [];
  }
  pairSet(shared.inProgress, original, update, true);
  try {
    const context = new Context(shared);
    compareTypes(context, original, update);
    const result = [...context.differences];
    pairSet(shared.memo, original, update, result);
    return result;
  } finally {
    pairDelete(shared.inProgress, original, update);
  }
}

/** Keeps a trial comparison's differences (and notes `type`) only when the pair is compatible. */
function adoptIfCompatible(
  context: Context,
  original: SchemaNode,
  update: SchemaNode,
  type?: JsonSchemaDifferenceType,
): boolean {
  const sub = context.subcontext();
  compare(sub, original, update);
  if (!sub.isCompatible()) return false;
  context.addAll(sub.differences);
  if (type) context.add(type);
  return true;
}

function compareTypes(context: Context, original: SchemaNode, update: SchemaNode): void {
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.subschemas.length === 1) {
      if (adoptIfCompatible(context, original, update.subschemas[0]!)) return;
    } else if (update.criterion === 'anyOf' || update.criterion === 'oneOf') {
      if (
        update.subschemas.some((subschema) =>
          adoptIfCompatible(context, original, subschema, 'SUM_TYPE_EXTENDED'),
        )
      )
        return;
    }
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    if (original.subschemas.length === 1) {
      if (adoptIfCompatible(context, original.subschemas[0]!, update)) return;
    } else if (original.criterion === 'allOf') {
      if (
        original.subschemas.some((subschema) =>
          adoptIfCompatible(context, subschema, update, 'PRODUCT_TYPE_NARROWED'),
        )
      )
        return;
    }
  }

  if (original.kind !== update.kind) {
    // `true` and `{}` accept anything, `false` nothing: reading with the former, or data written with the
    // latter, is always fine.
    if (original.kind === 'false' || isAny(update)) return;
    if (original.unprocessed['connect.type'] === 'bytes' && update.unprocessed['connect.type'] === 'bytes') {
      // Kafka Connect's decimal fix changed a bytes field's JSON type; Confluent treats both as equivalent.
      return;
    }
    context.add('TYPE_CHANGED');
    return;
  }

  if (original.id !== update.id) context.add('ID_CHANGED');
  if (original.title !== update.title) context.add('TITLE_CHANGED');
  if (original.description !== update.description) context.add('DESCRIPTION_CHANGED');
  if (
    (original.default === undefined) !== (update.default === undefined) ||
    (original.default !== undefined && !jsonEquals(original.default.value, update.default!.value))
  ) {
    context.add('DEFAULT_CHANGED');
  }

  switch (original.kind) {
    case 'string': {
      compareStrings(context, original, update as StringNode);
      return;
    }
    case 'number': {
      compareNumbers(context, original, update as NumberNode);
      return;
    }
    case 'const':
      if (!jsonEquals(original.value, (update as ConstNode).value))
        context.add('ENUM_ARRAY_CHANGED', 'const');
      return;
    case 'enum': {
      compareEnums(context, original, update as EnumNode);
      return;
    }
    case 'combined': {
      compareCombined(context, original, update as CombinedNode);
      return;
    }
    case 'not': {
      compareNots(context, original, update as NotNode);
      return;
    }
    case 'object': {
      compareObjects(context, original, update as ObjectNode, compare);
      return;
    }
    case 'array': {
      compareArrays(context, original, update as ArrayNode, compare);
      return;
    }
    default:
      return;
  }
}

function compareStrings(context: Context, original: StringNode, update: StringNode): void {
  compareLimit(
    context,
    'maxLength',
    original.maxLength,
    update.maxLength,
    { added: 'MAX_LENGTH_ADDED', removed: 'MAX_LENGTH_REMOVED' },
    'MAX_LENGTH_INCREASED',
    'MAX_LENGTH_DECREASED',
  );
  compareLimit(
    context,
    'minLength',
    original.minLength,
    update.minLength,
    { added: 'MIN_LENGTH_ADDED', removed: 'MIN_LENGTH_REMOVED' },
    'MIN_LENGTH_INCREASED',
    'MIN_LENGTH_DECREASED',
  );
  if (original.pattern === undefined && update.pattern !== undefined) context.add('PATTERN_ADDED', 'pattern');
  else if (original.pattern !== undefined && update.pattern === undefined)
    context.add('PATTERN_REMOVED', 'pattern');
  else if (original.pattern !== update.pattern) context.add('PATTERN_CHANGED', 'pattern');
}

function compareNumbers(context: Context, original: NumberNode, update: NumberNode): void {
  compareLimit(
    context,
    'maximum',
    original.maximum,
    update.maximum,
    { added: 'MAXIMUM_ADDED', removed: 'MAXIMUM_REMOVED' },
    'MAXIMUM_INCREASED',
    'MAXIMUM_DECREASED',
  );
  compareLimit(
    context,
    'minimum',
    original.minimum,
    update.minimum,
    { added: 'MINIMUM_ADDED', removed: 'MINIMUM_REMOVED' },
    'MINIMUM_INCREASED',
    'MINIMUM_DECREASED',
  );
  compareLimit(
    context,
    'exclusiveMaximum',
    original.exclusiveMaximum,
    update.exclusiveMaximum,
    { added: 'EXCLUSIVE_MAXIMUM_ADDED', removed: 'EXCLUSIVE_MAXIMUM_REMOVED' },
    'EXCLUSIVE_MAXIMUM_INCREASED',
    'EXCLUSIVE_MAXIMUM_DECREASED',
  );
  compareLimit(
    context,
    'exclusiveMinimum',
    original.exclusiveMinimum,
    update.exclusiveMinimum,
    { added: 'EXCLUSIVE_MINIMUM_ADDED', removed: 'EXCLUSIVE_MINIMUM_REMOVED' },
    'EXCLUSIVE_MINIMUM_INCREASED',
    'EXCLUSIVE_MINIMUM_DECREASED',
  );
  compareMultipleOf(context, original.multipleOf, update.multipleOf);
  if (original.requiresInteger !== update.requiresInteger) {
    context.add(original.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED');
  }
}

/** An exact decimal: `digits` times ten to the minus `scale`. */
function decimal(text: string): { digits: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return { digits: 0n, scale: 0 };
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = BigInt(`${sign}${whole}${fraction}`);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}

function compareMultipleOf(context: Context, original: string | undefined, update: string | undefined): void {
  const a = original === undefined ? undefined : decimal(original);
  const b = update === undefined ? undefined : decimal(update);
  const scale = Math.max(a?.scale ?? 0, b?.scale ?? 0);
  const scaled = (d: { digits: bigint; scale: number }) => d.digits * 10n ** BigInt(scale - d.scale);
  const x = a && scaled(a);
  const y = b && scaled(b);
  if (x === y) return;
  if (x === undefined) context.add('MULTIPLE_OF_ADDED', 'multipleOf');
  else if (y === undefined) context.add('MULTIPLE_OF_REMOVED', 'multipleOf');
  else if (x !== 0n && y % x === 0n) context.add('MULTIPLE_OF_EXPANDED', 'multipleOf');
  else if (y !== 0n && x % y === 0n) context.add('MULTIPLE_OF_REDUCED', 'multipleOf');
  else context.add('MULTIPLE_OF_CHANGED', 'multipleOf');
}

function compareEnums(context: Context, original: EnumNode, update: EnumNode): void {
  const a = [...original.values.keys()];
  const b = [...update.values.keys()];
  const updateHasAll = a.every((key) => update.values.has(key));
  const originalHasAll = b.every((key) => original.values.has(key));
  if (updateHasAll && originalHasAll) return;
  if (updateHasAll) context.add('ENUM_ARRAY_EXTENDED', 'enum');
  else if (originalHasAll) context.add('ENUM_ARRAY_NARROWED', 'enum');
  else context.add('ENUM_ARRAY_CHANGED', 'enum');
}

function compareNots(context: Context, original: NotNode, update: NotNode): void {
  context.within('not', () => {
    const sub = context.subcontext();
    // What a `not` excludes may shrink, so the wrapped schemas compare the other way round.
    compare(sub, update.mustNotMatch, original.mustNotMatch);
    context.add(sub.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
  });
}

function distinctSubschemas(node: CombinedNode): SchemaNode[] {
  const byPrint = new Map<string, SchemaNode>();
  for (const subschema of node.subschemas) {
    const print = fingerprintOf(subschema);
    if (!byPrint.has(print)) byPrint.set(print, subschema);
  }
  return [...byPrint.values()];
}

const isSingleton = (node: CombinedNode) => node.subschemas.length === 1;

function compareCombined(context: Context, original: CombinedNode, update: CombinedNode): void {
  if (original.criterion !== update.criterion) {
    const extended =
      update.criterion === 'anyOf' ||
      (isSingleton(original) && isSingleton(update)) ||
      (isSingleton(original) && update.criterion === 'oneOf') ||
      (isSingleton(update) && original.criterion === 'allOf');
    if (!extended) {
      context.add('COMBINED_TYPE_CHANGED');
      return;
    }
    context.add('COMBINED_TYPE_EXTENDED');
  }
  const originals = distinctSubschemas(original);
  const updates = distinctSubschemas(update);
  if (originals.length < updates.length) {
    context.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
  } else if (originals.length > updates.length) {
    context.add(original.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED');
  }
  const edges: Array<[number, number]> = [];
  const edgeDifferences = new Map<string, JsonSchemaDifference[]>();
  for (let i = 0; i < originals.length; i++) {
    context.path.push(`${original.criterion}/${i}`);
    try {
      for (let j = 0; j < updates.length; j++) {
        const sub = context.subcontext();
        compare(sub, originals[i], updates[j]);
        if (sub.isCompatible()) {
          edges.push([i, j]);
          edgeDifferences.set(`${i}:${j}`, sub.differences);
        }
      }
    } finally {
      context.path.pop();
    }
  }
  const matching = maximumMatching(originals.length, updates.length, edges);
  for (const [i, j] of matching) context.addAll(edgeDifferences.get(`${i}:${j}`)!);
  if (matching.length < Math.min(originals.length, updates.length))
    context.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
}

/** Open: anything goes for properties the schema does not name (no additionalProperties schema or false). */
