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

type PairMap<T> = Map<SchemaNode, Map<SchemaNode, T>>;

function pairGet<T>(map: PairMap<T>, a: SchemaNode, b: SchemaNode): T | undefined {
  return map.get(a)?.get(b);
}

function pairSet<T>(map: PairMap<T>, a: SchemaNode, b: SchemaNode, value: T): void {
  let inner = map.get(a);
  if (!inner) {
    inner = new Map();
    map.set(a, inner);
  }
  inner.set(b, value);
}

function pairDelete<T>(map: PairMap<T>, a: SchemaNode, b: SchemaNode): void {
  map.get(a)?.delete(b);
}

/** State one comparison shares across its sub-comparisons. */
interface Shared {
  compatible: ReadonlySet<JsonSchemaDifferenceType>;
  memo: PairMap<JsonSchemaDifference[]>;
  inProgress: PairMap<true>;
  incompatibleSeed: PairMap<JsonSchemaDifference[]>;
  optimismUsed: boolean;
  depth: number;
}

class Context {
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

const isAny = (node: SchemaNode) => node.kind === 'empty' || node.kind === 'true';

function compareTypes(context: Context, original: SchemaNode, update: SchemaNode): void {
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.subschemas.length === 1) {
      const sub = context.subcontext();
      compare(sub, original, update.subschemas[0]);
      if (sub.isCompatible()) {
        context.addAll(sub.differences);
        return;
      }
    } else if (update.criterion === 'anyOf' || update.criterion === 'oneOf') {
      for (const subschema of update.subschemas) {
        const sub = context.subcontext();
        compare(sub, original, subschema);
        if (sub.isCompatible()) {
          context.addAll(sub.differences);
          context.add('SUM_TYPE_EXTENDED');
          return;
        }
      }
    }
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    if (original.subschemas.length === 1) {
      const sub = context.subcontext();
      compare(sub, original.subschemas[0], update);
      if (sub.isCompatible()) {
        context.addAll(sub.differences);
        return;
      }
    } else if (original.criterion === 'allOf') {
      for (const subschema of original.subschemas) {
        const sub = context.subcontext();
        compare(sub, subschema, update);
        if (sub.isCompatible()) {
          context.addAll(sub.differences);
          context.add('PRODUCT_TYPE_NARROWED');
          return;
        }
      }
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
      compareObjects(context, original, update as ObjectNode);
      return;
    }
    case 'array': {
      compareArrays(context, original, update as ArrayNode);
      return;
    }
    default:
      return;
  }
}

function compareLimit(
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
function isOpenObject(node: ObjectNode): boolean {
  if (!node.additionalProperties || node.additionalPropertiesSchema) return false;
  if (node.patternProperties.length > 0) return false;
  return node.unevaluatedProperties === undefined || isAny(node.unevaluatedProperties);
}

/** The schema a partially open object gives a property it does not name (patternProperties first). */
function partiallyOpenPropertySchema(node: ObjectNode, property: string): SchemaNode | undefined {
  for (const { regexp, schema } of node.patternProperties) if (regexp.test(property)) return schema;
  if (node.additionalPropertiesSchema) return node.additionalPropertiesSchema;
  const unevaluated = node.unevaluatedProperties;
  if (node.additionalProperties && unevaluated && unevaluated.kind !== 'false' && !isAny(unevaluated)) {
    return unevaluated;
  }
  return undefined;
}

function compareObjects(context: Context, original: ObjectNode, update: ObjectNode): void {
  context.within('required', () => {
    for (const property of original.properties.keys()) {
      if (!update.properties.has(property)) continue;
      context.within(property, () => {
        const wasRequired = original.required.includes(property);
        const isRequired = update.required.includes(property);
        if (wasRequired && !isRequired) context.add('REQUIRED_ATTRIBUTE_REMOVED');
        else if (!wasRequired && isRequired) {
          context.add(
            update.properties.get(property)!.default !== undefined
              ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED'
              : 'REQUIRED_ATTRIBUTE_ADDED',
          );
        }
      });
    }
  });
  // Path pushes inline rather than through within(): these loops sit on the recursion's hot path, and every frame
  // saved per level is depth a recursive schema may use.
  context.path.push('properties');
  for (const property of new Set([...original.properties.keys(), ...update.properties.keys()])) {
    context.path.push(property);
    try {
      compareProperty(context, original, update, property);
    } finally {
      context.path.pop();
    }
  }
  context.path.pop();
  context.within('dependencies', () => {
    const names = new Set([...original.propertyDependencies.keys(), ...update.propertyDependencies.keys()]);
    for (const name of names) {
      context.within(name, () => {
        const before = original.propertyDependencies.get(name);
        const after = update.propertyDependencies.get(name);
        if (!after) {
          context.add('DEPENDENCY_ARRAY_REMOVED');
          return;
        }
        if (!before) {
          context.add('DEPENDENCY_ARRAY_ADDED');
          return;
        }
        const afterHasAll = [...before].every((p) => after.has(p));
        const beforeHasAll = [...after].every((p) => before.has(p));
        if (afterHasAll && beforeHasAll) return;
        if (afterHasAll) context.add('DEPENDENCY_ARRAY_EXTENDED');
        else if (beforeHasAll) context.add('DEPENDENCY_ARRAY_NARROWED');
        else context.add('DEPENDENCY_ARRAY_CHANGED');
      });
    }
    const schemaNames = new Set([...original.schemaDependencies.keys(), ...update.schemaDependencies.keys()]);
    for (const name of schemaNames) {
      context.within(name, () => {
        const before = original.schemaDependencies.get(name);
        const after = update.schemaDependencies.get(name);
        if (!after) {
          context.add('DEPENDENCY_SCHEMA_REMOVED');
          return;
        }
        if (!before) {
          context.add('DEPENDENCY_SCHEMA_ADDED');
          return;
        }
        compare(context, before, after);
      });
    }
  });
  context.within('additionalProperties', () => {
    if (original.additionalProperties !== update.additionalProperties) {
      context.add(
        update.additionalProperties ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED',
      );
    } else if (!original.additionalPropertiesSchema && update.additionalPropertiesSchema) {
      context.add('ADDITIONAL_PROPERTIES_NARROWED');
    } else if (original.additionalPropertiesSchema && !update.additionalPropertiesSchema) {
      context.add('ADDITIONAL_PROPERTIES_EXTENDED');
    } else {
      compare(context, original.additionalPropertiesSchema, update.additionalPropertiesSchema);
    }
  });
  compareUnevaluated(
    context,
    'unevaluatedProperties',
    original.unevaluatedProperties,
    update.unevaluatedProperties,
    {
      added: 'UNEVALUATED_PROPERTIES_ADDED',
      removed: 'UNEVALUATED_PROPERTIES_REMOVED',
      extended: 'UNEVALUATED_PROPERTIES_EXTENDED',
      narrowed: 'UNEVALUATED_PROPERTIES_NARROWED',
    },
  );
  compareLimit(
    context,
    'maxProperties',
    original.maxProperties,
    update.maxProperties,
    { added: 'MAX_PROPERTIES_ADDED', removed: 'MAX_PROPERTIES_REMOVED' },
    'MAX_PROPERTIES_INCREASED',
    'MAX_PROPERTIES_DECREASED',
  );
  compareLimit(
    context,
    'minProperties',
    original.minProperties,
    update.minProperties,
    { added: 'MIN_PROPERTIES_ADDED', removed: 'MIN_PROPERTIES_REMOVED' },
    'MIN_PROPERTIES_INCREASED',
    'MIN_PROPERTIES_DECREASED',
  );
}

function compareProperty(context: Context, original: ObjectNode, update: ObjectNode, property: string): void {
  const before = original.properties.get(property);
  const after = update.properties.get(property);
  if (before && after) {
    compare(context, before, after);
    return;
  }
  if (before) {
    // Removing a property is only safe where the reader (update) still accepts it.
    if (isOpenObject(update)) {
      context.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
      return;
    }
    const covering = partiallyOpenPropertySchema(update, property);
    if (covering) {
      const sub = context.subcontext();
      compare(sub, before, covering);
      context.addAll(sub.differences);
      context.add(
        sub.isCompatible()
          ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
          : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      );
      return;
    }
    context.add(
      before.kind === 'false'
        ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
        : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    );
    return;
  }
  // Adding a property is only safe where the writer (original) never wrote something else under that name.
  const added = after!;
  const required = update.required.includes(property);
  if (isOpenObject(original)) {
    if (isAny(added)) {
      context.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
      return;
    }
    if (required) {
      context.add(
        added.default !== undefined
          ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'
          : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
      );
      return;
    }
    context.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    return;
  }
  const covering = partiallyOpenPropertySchema(original, property);
  if (covering) {
    const sub = context.subcontext();
    compare(sub, covering, added);
    context.addAll(sub.differences);
    context.add(
      sub.isCompatible()
        ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    );
  }
  if (required) {
    context.add(
      added.default !== undefined
        ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'
        : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    );
  } else context.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
}

function compareUnevaluated(
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

function isOpenArray(node: ArrayNode): boolean {
  if (!node.additionalItems || node.additionalItemsSchema) return false;
  return node.unevaluatedItems === undefined || isAny(node.unevaluatedItems);
}

function partiallyOpenItemSchema(node: ArrayNode): SchemaNode | undefined {
  if (node.additionalItemsSchema) return node.additionalItemsSchema;
  const unevaluated = node.unevaluatedItems;
  if (node.additionalItems && unevaluated && unevaluated.kind !== 'false' && !isAny(unevaluated))
    return unevaluated;
  return undefined;
}

function compareArrays(context: Context, original: ArrayNode, update: ArrayNode): void {
  context.within('items', () => compare(context, original.allItems, update.allItems));
  compareTuples(context, original, update);
  context.within('additionalItems', () => {
    if (original.additionalItems !== update.additionalItems) {
      context.add(original.additionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    } else if (!original.additionalItemsSchema && update.additionalItemsSchema) {
      context.add('ADDITIONAL_ITEMS_NARROWED');
    } else if (original.additionalItemsSchema && !update.additionalItemsSchema) {
      context.add('ADDITIONAL_ITEMS_EXTENDED');
    } else {
      compare(context, original.additionalItemsSchema, update.additionalItemsSchema);
    }
  });
  compareUnevaluated(context, 'unevaluatedItems', original.unevaluatedItems, update.unevaluatedItems, {
    added: 'UNEVALUATED_ITEMS_ADDED',
    removed: 'UNEVALUATED_ITEMS_REMOVED',
    extended: 'UNEVALUATED_ITEMS_EXTENDED',
    narrowed: 'UNEVALUATED_ITEMS_NARROWED',
  });
  compareLimit(
    context,
    'maxItems',
    original.maxItems,
    update.maxItems,
    { added: 'MAX_ITEMS_ADDED', removed: 'MAX_ITEMS_REMOVED' },
    'MAX_ITEMS_INCREASED',
    'MAX_ITEMS_DECREASED',
  );
  compareLimit(
    context,
    'minItems',
    original.minItems,
    update.minItems,
    { added: 'MIN_ITEMS_ADDED', removed: 'MIN_ITEMS_REMOVED' },
    'MIN_ITEMS_INCREASED',
    'MIN_ITEMS_DECREASED',
  );
  if (original.uniqueItems !== update.uniqueItems) {
    context.add(original.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems');
  }
  compareLimit(
    context,
    'maxContains',
    original.maxContains,
    update.maxContains,
    { added: 'MAX_CONTAINS_ADDED', removed: 'MAX_CONTAINS_REMOVED' },
    'MAX_CONTAINS_INCREASED',
    'MAX_CONTAINS_DECREASED',
  );
  compareLimit(
    context,
    'minContains',
    original.minContains,
    update.minContains,
    { added: 'MIN_CONTAINS_ADDED', removed: 'MIN_CONTAINS_REMOVED' },
    'MIN_CONTAINS_INCREASED',
    'MIN_CONTAINS_DECREASED',
  );
}

function compareTuples(context: Context, original: ArrayNode, update: ArrayNode): void {
  const before = original.itemSchemas ?? [];
  const after = update.itemSchemas ?? [];
  const common = Math.min(before.length, after.length);
  for (let i = 0; i < common; i++) context.within(`items/${i}`, () => compare(context, before[i], after[i]));
  for (let i = common; i < before.length; i++) {
    context.within(`items/${i}`, () => {
      const removed = before[i]!;
      if (isOpenArray(update)) {
        context.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
        return;
      }
      const covering = partiallyOpenItemSchema(update);
      if (covering) {
        const sub = context.subcontext();
        compare(sub, removed, covering);
        context.addAll(sub.differences);
        context.add(
          sub.isCompatible()
            ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
            : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
        return;
      }
      context.add(
        removed.kind === 'false'
          ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
          : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
      );
    });
  }
  for (let i = common; i < after.length; i++) {
    context.within(`items/${i}`, () => {
      const added = after[i]!;
      if (isOpenArray(original)) {
        context.add(
          isAny(added)
            ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'
            : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
        );
        return;
      }
      const covering = partiallyOpenItemSchema(original);
      if (covering) {
        const sub = context.subcontext();
        compare(sub, covering, added);
        context.addAll(sub.differences);
        context.add(
          sub.isCompatible()
            ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
            : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
        return;
      }
      context.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
    });
  }
}
