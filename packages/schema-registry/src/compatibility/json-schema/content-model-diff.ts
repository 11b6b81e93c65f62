import type { ArrayNode, ObjectNode, SchemaNode } from '../../json-schema/model.js';
import { type Compare, type Context, compareLimit, compareUnevaluated, isAny } from './diff-context.js';
import type { JsonSchemaDifferenceType } from './differences.js';

/**
 * Objects and arrays under Confluent's content models (`ObjectSchemaDiff`, `ArraySchemaDiff`): whether a property
 * or item added or removed is safe depends on whether the schema that must accept it is open, closed or partially
 * open (additionalProperties/additionalItems, patternProperties, unevaluated*). `compare` is the diff's recursion.
 */

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

export function compareObjects(
  context: Context,
  original: ObjectNode,
  update: ObjectNode,
  compare: Compare,
): void {
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
      compareProperty(context, original, update, property, compare);
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
    compare,
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

function compareProperty(
  context: Context,
  original: ObjectNode,
  update: ObjectNode,
  property: string,
  compare: Compare,
): void {
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
      addCoverage(
        context,
        compare,
        before,
        covering,
        'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
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
    addCoverage(
      context,
      compare,
      covering,
      added,
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
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

export function compareArrays(
  context: Context,
  original: ArrayNode,
  update: ArrayNode,
  compare: Compare,
): void {
  context.within('items', () => compare(context, original.allItems, update.allItems));
  compareTuples(context, original, update, compare);
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
  compareUnevaluated(
    compare,
    context,
    'unevaluatedItems',
    original.unevaluatedItems,
    update.unevaluatedItems,
    {
      added: 'UNEVALUATED_ITEMS_ADDED',
      removed: 'UNEVALUATED_ITEMS_REMOVED',
      extended: 'UNEVALUATED_ITEMS_EXTENDED',
      narrowed: 'UNEVALUATED_ITEMS_NARROWED',
    },
  );
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

function compareTuples(context: Context, original: ArrayNode, update: ArrayNode, compare: Compare): void {
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
        addCoverage(
          context,
          compare,
          removed,
          covering,
          'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
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
        addCoverage(
          context,
          compare,
          covering,
          added,
          'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        );
        return;
      }
      context.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
    });
  }
}

/** Records how a schema that a partially open content model covers compares, and whether it is covered. */
function addCoverage(
  context: Context,
  compare: Compare,
  writer: SchemaNode,
  reader: SchemaNode,
  covered: JsonSchemaDifferenceType,
  notCovered: JsonSchemaDifferenceType,
): void {
  const sub = context.subcontext();
  compare(sub, writer, reader);
  context.addAll(sub.differences);
  context.add(sub.isCompatible() ? covered : notCovered);
}
