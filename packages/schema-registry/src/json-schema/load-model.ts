import { SchemaParseError } from '../errors.js';
import { isModernDialect, type JsonSchemaDialect } from './dialects.js';
import { stableStringify } from './json-values.js';
import {
  type ArrayNode,
  type CombinedNode,
  type Criterion,
  forEachNode,
  type NumberNode,
  type ObjectNode,
  type ReferenceNode,
  type SchemaNode,
  type StringNode,
} from './model.js';

/** A schema another one refers to through a registry reference: `name` is how its `$ref`s spell it. */
export interface ReferencedDocument {
  name: string;
  schema: unknown;
}

/** Where a schema without `$id` lives, so relative references resolve against something (Confluent's choice). */
const DEFAULT_BASE = 'mem://input/';

const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const COMBINATORS: readonly Criterion[] = ['allOf', 'anyOf', 'oneOf'];
const CONDITIONAL_KEYWORDS = ['if', 'then', 'else'];

function objectKeywords(dialect: JsonSchemaDialect): string[] {
  const keywords = [
    'properties',
    'required',
    'minProperties',
    'maxProperties',
    'dependencies',
    'patternProperties',
    'additionalProperties',
  ];
  if (dialect !== 'draft-04') keywords.push('propertyNames');
  if (isModernDialect(dialect))
    keywords.push('dependentRequired', 'dependentSchemas', 'unevaluatedProperties');
  return keywords;
}

function arrayKeywords(dialect: JsonSchemaDialect): string[] {
  const keywords = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'];
  if (dialect !== 'draft-04') keywords.push('contains');
  if (isModernDialect(dialect))
    keywords.push('prefixItems', 'unevaluatedItems', 'minContains', 'maxContains');
  return keywords;
}

interface Scope {
  /** Base URI that relative `$ref`s and `$id`s resolve against. */
  base: string;
  /** The document `#...` pointers point into. */
  document: unknown;
  /** JSON pointer of the value being loaded, for error messages. */
  pointer: string;
}

/**
 * Loads a JSON Schema document (and the documents its references name) into the model compatibility checks
 * compare, the way Confluent's registry loads it (Everit's SchemaLoader for drafts 4 to 7, the same shapes for
 * 2019-09 and 2020-12). Every `$ref` is resolved before this returns, so an unresolvable one is a parse error; their
 * targets are loaded through a work list, never by recursion, so long reference chains cannot exhaust the stack.
 * Throws SchemaParseError with a JSON pointer to the problem.
 */
export function loadSchemaModel(
  root: unknown,
  dialect: JsonSchemaDialect,
  referenced: readonly ReferencedDocument[] = [],
): SchemaNode {
  const loader = new ModelLoader(dialect, root, referenced);
  const model = loader.loadRoot();
  // Resolves every reference now, so that later walks never meet an unresolvable one.
  forEachNode(model, () => {});
  return model;
}

class ModelLoader {
  private readonly idKeyword: string;
  private readonly objectKeywords: string[];
  private readonly arrayKeywords: string[];
  private readonly documents = new Map<string, unknown>();
  private readonly identified = new Map<string, { value: unknown; base: string; document: unknown }>();
  /** Reference targets by absolute URI: every `$ref` to one place shares one node, as Everit's do. */
  private readonly targets = new Map<string, () => SchemaNode>();
  private readonly rootBase: string;

  constructor(
    private readonly dialect: JsonSchemaDialect,
    private readonly root: unknown,
    referenced: readonly ReferencedDocument[],
  ) {
    this.idKeyword = dialect === 'draft-04' ? 'id' : '$id';
    this.objectKeywords = objectKeywords(dialect);
    this.arrayKeywords = arrayKeywords(dialect);
    const rootId = idOf(root, this.idKeyword);
    this.rootBase = rootId !== undefined ? resolveUri(DEFAULT_BASE, rootId, '') : DEFAULT_BASE;
    this.documents.set(withoutFragment(this.rootBase), root);
    this.collectIds(root, this.rootBase);
    for (const reference of referenced) {
      const uri = withoutFragment(resolveUri(this.rootBase, reference.name, ''));
      this.documents.set(uri, reference.schema);
      this.documents.set(reference.name, reference.schema);
      const ownId = idOf(reference.schema, this.idKeyword);
      const base = ownId !== undefined ? resolveUri(uri, ownId, '') : uri;
      if (ownId !== undefined) this.documents.set(withoutFragment(base), reference.schema);
      this.collectIds(reference.schema, base);
    }
  }

  loadRoot(): SchemaNode {
    return this.load(this.root, { base: this.rootBase, document: this.root, pointer: '' });
  }

  /** Records every subschema with an `$id`, so a `$ref` to that URI finds it (Everit's SubschemaRegistry). */
  private collectIds(document: unknown, base: string): void {
    const stack: Array<{ value: unknown; base: string }> = [{ value: document, base }];
    while (stack.length > 0) {
      const { value, base: scope } = stack.pop()!;
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        for (const item of value) stack.push({ value: item, base: scope });
        continue;
      }
      let inner = scope;
      const id = idOf(value, this.idKeyword);
      if (id !== undefined) {
        inner = resolveUri(scope, id, '');
        this.identified.set(trimEmptyFragment(inner), { value, base: inner, document });
      }
      for (const child of Object.values(value)) stack.push({ value: child, base: inner });
    }
  }

  private load(value: unknown, scope: Scope): SchemaNode {
    if (value === true) return { kind: 'true', unprocessed: {}, source: true };
    if (value === false) return { kind: 'false', unprocessed: {}, source: false };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SchemaParseError('A schema must be a JSON object or a boolean', scope.pointer || '/');
    }
    const json = value as Record<string, unknown>;
    const id = idOf(json, this.idKeyword);
    const inner: Scope =
      id !== undefined ? { ...scope, base: resolveUri(scope.base, id, scope.pointer) } : scope;
    const consumed = new Set<string>();
    const parts: SchemaNode[] = [];
    const has = (key: string) => Object.hasOwn(json, key) && !consumed.has(key);

    if (typeof json.$ref === 'string') {
      consumed.add('$ref');
      parts.push(this.reference(json.$ref, inner));
    } else if (json.$ref !== undefined) {
      throw new SchemaParseError('"$ref" must be a string', `${scope.pointer}/$ref`);
    }
    // Before 2019-09 a `$ref` replaces its siblings; from 2019-09 on it applies alongside them.
    if (parts.length === 0 || isModernDialect(this.dialect)) {
      if (has('enum')) parts.push(this.enumNode(json, inner, consumed));
      for (const criterion of COMBINATORS) {
        if (has(criterion)) parts.push(this.combined(criterion, json[criterion], inner, consumed));
      }
      if (has('not')) {
        consumed.add('not');
        const mustNotMatch = this.load(json.not, child(inner, 'not'));
        parts.push({ kind: 'not', mustNotMatch, unprocessed: {}, source: json });
      }
      if (has('const') && this.dialect !== 'draft-04') {
        consumed.add('const');
        parts.push({ kind: 'const', value: json.const, unprocessed: {}, source: json });
      }
      if (has('type')) parts.push(this.typed(json, inner, consumed));
      if (this.hasAny(json, consumed, this.arrayKeywords)) {
        parts.push({ ...this.arrayNode(json, inner, consumed), requiresArray: false });
      }
      if (this.hasAny(json, consumed, this.objectKeywords)) {
        parts.push({ ...this.objectNode(json, inner, consumed), requiresObject: false });
      }
      if (this.hasAny(json, consumed, NUMBER_KEYWORDS)) {
        parts.push({ ...this.numberNode(json, inner, consumed), requiresNumber: false });
      }
      if (this.hasAny(json, consumed, STRING_KEYWORDS)) {
        parts.push({ ...this.stringNode(json, inner, consumed), requiresString: false });
      }
      if (this.dialect !== 'draft-04' && this.hasAny(json, consumed, CONDITIONAL_KEYWORDS)) {
        parts.push(this.conditional(json, inner, consumed));
      }
    }

    let node: SchemaNode;
    if (parts.length === 0) node = { kind: 'empty', unprocessed: {}, source: json };
    else if (parts.length === 1) node = parts[0]!;
    else {
      node = {
        kind: 'combined',
        criterion: 'allOf',
        subschemas: parts,
        synthetic: true,
        unprocessed: {},
        source: json,
      } satisfies CombinedNode;
    }
    this.common(node, json, inner, consumed);
    for (const [key, raw] of Object.entries(json)) if (!consumed.has(key)) node.unprocessed[key] = raw;
    return node;
  }

  private hasAny(json: Record<string, unknown>, consumed: Set<string>, keywords: readonly string[]): boolean {
    return keywords.some(
      (key) => Object.hasOwn(json, key) && !consumed.has(key) && !this.isVacuous(json, key),
    );
  }

  /**
   * From 2019-09 on, Confluent's loader builds nothing for an empty `properties` or `patternProperties` (it
   * translates applicators, and an empty one applies nothing): `{"properties": {}}` is `{}` there.
   */
  private isVacuous(json: Record<string, unknown>, key: string): boolean {
    if (!isModernDialect(this.dialect) || (key !== 'properties' && key !== 'patternProperties')) return false;
    const value = json[key];
    return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
  }

  private common(node: SchemaNode, json: Record<string, unknown>, scope: Scope, consumed: Set<string>): void {
    const text = (key: string): string | undefined => {
      if (!Object.hasOwn(json, key)) return undefined;
      consumed.add(key);
      if (typeof json[key] !== 'string')
        throw new SchemaParseError(`"${key}" must be a string`, `${scope.pointer}/${key}`);
      return json[key] as string;
    };
    const id = text(this.idKeyword);
    // From 2019-09 on Confluent's loader treats `$id` as a base URI only, never as a property to compare.
    if (id !== undefined && !isModernDialect(this.dialect)) node.id = id;
    const title = text('title');
    if (title !== undefined) node.title = title;
    const description = text('description');
    if (description !== undefined) node.description = description;
    if (this.dialect === 'draft-07') {
      if (Object.hasOwn(json, 'readOnly')) consumed.add('readOnly');
      if (Object.hasOwn(json, 'writeOnly')) consumed.add('writeOnly');
    }
    if (Object.hasOwn(json, 'default')) {
      consumed.add('default');
      node.default = { value: json.default };
    }
  }

  private typed(json: Record<string, unknown>, scope: Scope, consumed: Set<string>): SchemaNode {
    const type = json.type;
    consumed.add('type');
    if (typeof type === 'string') return this.forType(type, json, scope, consumed);
    if (Array.isArray(type)) {
      if (type.length === 0 || type.some((t) => typeof t !== 'string')) {
        throw new SchemaParseError('"type" must be a type name or an array of them', `${scope.pointer}/type`);
      }
      const subschemas = (type as string[]).map((name) => this.forType(name, json, scope, consumed));
      return {
        kind: 'combined',
        criterion: 'anyOf',
        subschemas,
        synthetic: true,
        unprocessed: {},
        source: json,
      };
    }
    throw new SchemaParseError('"type" must be a type name or an array of them', `${scope.pointer}/type`);
  }

  private forType(
    type: string,
    json: Record<string, unknown>,
    scope: Scope,
    consumed: Set<string>,
  ): SchemaNode {
    switch (type) {
      case 'string':
        return { ...this.stringNode(json, scope, consumed) };
      case 'integer':
        return { ...this.numberNode(json, scope, consumed), requiresInteger: true };
      case 'number':
        return { ...this.numberNode(json, scope, consumed) };
      case 'boolean':
        return { kind: 'boolean', unprocessed: {}, source: json };
      case 'null':
        return { kind: 'null', unprocessed: {}, source: json };
      case 'array':
        return { ...this.arrayNode(json, scope, consumed) };
      case 'object':
        return { ...this.objectNode(json, scope, consumed) };
      default:
        throw new SchemaParseError(`Unknown type "${type}"`, `${scope.pointer}/type`);
    }
  }

  private stringNode(json: Record<string, unknown>, scope: Scope, consumed: Set<string>): StringNode {
    for (const key of STRING_KEYWORDS) if (Object.hasOwn(json, key)) consumed.add(key);
    const node: StringNode = {
      kind: 'string',
      requiresString: true,
      unprocessed: {},
      source: json,
    };
    const minLength = integerAt(json, 'minLength', scope);
    if (minLength !== undefined) node.minLength = minLength;
    const maxLength = integerAt(json, 'maxLength', scope);
    if (maxLength !== undefined) node.maxLength = maxLength;
    if (json.pattern !== undefined) node.pattern = patternAt(json.pattern, `${scope.pointer}/pattern`).source;
    if (typeof json.format === 'string') node.format = json.format;
    return node;
  }

  private numberNode(json: Record<string, unknown>, scope: Scope, consumed: Set<string>): NumberNode {
    for (const key of NUMBER_KEYWORDS) if (Object.hasOwn(json, key)) consumed.add(key);
    const node: NumberNode = {
      kind: 'number',
      requiresNumber: true,
      requiresInteger: false,
      unprocessed: {},
      source: json,
    };
    const minimum = numberAt(json, 'minimum', scope);
    if (minimum !== undefined) node.minimum = minimum;
    const maximum = numberAt(json, 'maximum', scope);
    if (maximum !== undefined) node.maximum = maximum;
    for (const key of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
      if (!Object.hasOwn(json, key)) continue;
      if (this.dialect === 'draft-04') {
        if (typeof json[key] !== 'boolean')
          throw new SchemaParseError(`"${key}" must be a boolean in draft-04`, `${scope.pointer}/${key}`);
      } else {
        node[key] = numberAt(json, key, scope);
      }
    }
    const multipleOf = numberAt(json, 'multipleOf', scope);
    if (multipleOf !== undefined) {
      if (!(multipleOf > 0))
        throw new SchemaParseError('"multipleOf" must be greater than 0', `${scope.pointer}/multipleOf`);
      node.multipleOf = String(multipleOf);
    }
    return node;
  }

  private objectNode(json: Record<string, unknown>, scope: Scope, consumed: Set<string>): ObjectNode {
    for (const key of this.objectKeywords) if (Object.hasOwn(json, key)) consumed.add(key);
    const node: ObjectNode = {
      kind: 'object',
      requiresObject: true,
      properties: new Map(),
      required: [],
      additionalProperties: true,
      patternProperties: [],
      propertyDependencies: new Map(),
      schemaDependencies: new Map(),
      unprocessed: {},
      source: json,
    };
    const minProperties = integerAt(json, 'minProperties', scope);
    if (minProperties !== undefined) node.minProperties = minProperties;
    const maxProperties = integerAt(json, 'maxProperties', scope);
    if (maxProperties !== undefined) node.maxProperties = maxProperties;
    if (json.properties !== undefined) {
      const properties = objectAt(json, 'properties', scope);
      for (const [name, schema] of Object.entries(properties)) {
        // Everit skips a property named like the id keyword unless it holds a schema object.
        if (name === this.idKeyword && (typeof schema !== 'object' || schema === null)) continue;
        node.properties.set(name, this.load(schema, child(scope, 'properties', name)));
      }
    }
    const additional = json.additionalProperties;
    if (additional === false) node.additionalProperties = false;
    else if (typeof additional === 'object' && additional !== null && !Array.isArray(additional)) {
      node.additionalPropertiesSchema = this.load(additional, child(scope, 'additionalProperties'));
    } else if (additional !== undefined && additional !== true) {
      throw new SchemaParseError(
        '"additionalProperties" must be a boolean or a schema',
        `${scope.pointer}/additionalProperties`,
      );
    }
    if (json.required !== undefined) {
      if (!Array.isArray(json.required) || json.required.some((name) => typeof name !== 'string')) {
        throw new SchemaParseError(
          '"required" must be an array of property names',
          `${scope.pointer}/required`,
        );
      }
      node.required = [...new Set(json.required as string[])];
    }
    if (json.patternProperties !== undefined) {
      for (const [pattern, schema] of Object.entries(objectAt(json, 'patternProperties', scope))) {
        const where = `${scope.pointer}/patternProperties/${escapePointer(pattern)}`;
        node.patternProperties.push({
          pattern,
          regexp: patternAt(pattern, where),
          schema: this.load(schema, { ...scope, pointer: where }),
        });
      }
    }
    if (json.dependencies !== undefined) {
      for (const [property, dependency] of Object.entries(objectAt(json, 'dependencies', scope))) {
        const where = child(scope, 'dependencies', property);
        if (Array.isArray(dependency)) node.propertyDependencies.set(property, stringSet(dependency, where));
        else node.schemaDependencies.set(property, this.load(dependency, where));
      }
    }
    if (json.dependentRequired !== undefined) {
      for (const [property, names] of Object.entries(objectAt(json, 'dependentRequired', scope))) {
        node.propertyDependencies.set(
          property,
          stringSet(names, child(scope, 'dependentRequired', property)),
        );
      }
    }
    if (json.dependentSchemas !== undefined) {
      for (const [property, schema] of Object.entries(objectAt(json, 'dependentSchemas', scope))) {
        node.schemaDependencies.set(property, this.load(schema, child(scope, 'dependentSchemas', property)));
      }
    }
    if (json.propertyNames !== undefined && this.dialect !== 'draft-04') {
      node.propertyNames = this.load(json.propertyNames, child(scope, 'propertyNames'));
    }
    if (json.unevaluatedProperties !== undefined && isModernDialect(this.dialect)) {
      node.unevaluatedProperties = this.load(
        json.unevaluatedProperties,
        child(scope, 'unevaluatedProperties'),
      );
    }
    return node;
  }

  private arrayNode(json: Record<string, unknown>, scope: Scope, consumed: Set<string>): ArrayNode {
    for (const key of this.arrayKeywords) if (Object.hasOwn(json, key)) consumed.add(key);
    const node: ArrayNode = {
      kind: 'array',
      requiresArray: true,
      additionalItems: true,
      uniqueItems: false,
      unprocessed: {},
      source: json,
    };
    const minItems = integerAt(json, 'minItems', scope);
    if (minItems !== undefined) node.minItems = minItems;
    const maxItems = integerAt(json, 'maxItems', scope);
    if (maxItems !== undefined) node.maxItems = maxItems;
    if (json.uniqueItems !== undefined) {
      if (typeof json.uniqueItems !== 'boolean')
        throw new SchemaParseError('"uniqueItems" must be a boolean', `${scope.pointer}/uniqueItems`);
      node.uniqueItems = json.uniqueItems;
    }
    const modern = isModernDialect(this.dialect);
    const prefixItems = modern && this.dialect === '2020-12' ? json.prefixItems : undefined;
    if (prefixItems !== undefined) {
      if (!Array.isArray(prefixItems))
        throw new SchemaParseError(
          '"prefixItems" must be an array of schemas',
          `${scope.pointer}/prefixItems`,
        );
      node.itemSchemas = prefixItems.map((item, i) =>
        this.load(item, child(scope, 'prefixItems', String(i))),
      );
    }
    const items = json.items;
    if (Array.isArray(items)) {
      node.itemSchemas = items.map((item, i) => this.load(item, child(scope, 'items', String(i))));
    } else if (items !== undefined) {
      if (modern && items === false) node.additionalItems = false;
      else if (modern && items === true) {
        // Nothing: every item is allowed anyway.
      } else if (prefixItems !== undefined) {
        // 2020-12: `items` after `prefixItems` is what additionalItems was.
        node.additionalItemsSchema = this.load(items, child(scope, 'items'));
      } else node.allItems = this.load(items, child(scope, 'items'));
    }
    const additional = json.additionalItems;
    if (additional === false) node.additionalItems = false;
    else if (typeof additional === 'object' && additional !== null && !Array.isArray(additional)) {
      node.additionalItemsSchema = this.load(additional, child(scope, 'additionalItems'));
    } else if (additional !== undefined && additional !== true) {
      throw new SchemaParseError(
        '"additionalItems" must be a boolean or a schema',
        `${scope.pointer}/additionalItems`,
      );
    }
    if (json.contains !== undefined && this.dialect !== 'draft-04') {
      node.contains = this.load(json.contains, child(scope, 'contains'));
      // 2019-09 and later: `contains` means at least one match unless minContains says otherwise.
      if (modern) node.minContains = 1;
    }
    for (const key of ['minContains', 'maxContains'] as const) {
      const count = json[key];
      if (typeof count === 'number') node[key] = count;
    }
    if (json.unevaluatedItems !== undefined && modern) {
      node.unevaluatedItems = this.load(json.unevaluatedItems, child(scope, 'unevaluatedItems'));
    }
    return node;
  }

  private enumNode(json: Record<string, unknown>, scope: Scope, consumed: Set<string>): SchemaNode {
    consumed.add('enum');
    if (!Array.isArray(json.enum))
      throw new SchemaParseError('"enum" must be an array', `${scope.pointer}/enum`);
    const values = new Map<string, unknown>();
    for (const value of json.enum) values.set(stableStringify(value), value);
    return { kind: 'enum', values, unprocessed: {}, source: json.enum };
  }

  private combined(criterion: Criterion, raw: unknown, scope: Scope, consumed: Set<string>): SchemaNode {
    consumed.add(criterion);
    if (!Array.isArray(raw) || raw.length === 0) {
      throw new SchemaParseError(
        `"${criterion}" must be a non-empty array of schemas`,
        `${scope.pointer}/${criterion}`,
      );
    }
    return {
      kind: 'combined',
      criterion,
      subschemas: raw.map((item, i) => this.load(item, child(scope, criterion, String(i)))),
      synthetic: false,
      unprocessed: {},
      source: raw,
    };
  }

  private conditional(json: Record<string, unknown>, scope: Scope, consumed: Set<string>): SchemaNode {
    const node: SchemaNode = { kind: 'conditional', unprocessed: {}, source: json };
    for (const key of ['if', 'then', 'else'] as const) {
      if (!Object.hasOwn(json, key)) continue;
      consumed.add(key);
      node[key] = this.load(json[key], child(scope, key));
    }
    return node;
  }

  private reference(ref: string, scope: Scope): ReferenceNode {
    const absolute = ref.startsWith('#')
      ? `${withoutFragment(scope.base)}${ref}`
      : resolveUri(scope.base, ref, scope.pointer);
    let target = this.targets.get(absolute);
    if (!target) {
      let loaded: SchemaNode | undefined;
      const locate = () => this.locate(ref, absolute, scope);
      target = () => {
        if (!loaded) {
          const found = locate();
          loaded = this.load(found.value, found.scope);
        }
        return loaded;
      };
      this.targets.set(absolute, target);
    }
    return { kind: 'reference', ref, target, unprocessed: {}, source: absolute };
  }

  /** Finds what a `$ref` points at: a subschema with that `$id`, or a JSON pointer into a known document. */
  private locate(ref: string, absolute: string, scope: Scope): { value: unknown; scope: Scope } {
    const byId = this.identified.get(trimEmptyFragment(absolute));
    if (byId) return { value: byId.value, scope: { base: byId.base, document: byId.document, pointer: ref } };
    const hash = absolute.indexOf('#');
    const documentUri = hash < 0 ? absolute : absolute.slice(0, hash);
    const fragment = hash < 0 ? '' : absolute.slice(hash + 1);
    const document = ref.startsWith('#')
      ? scope.document
      : (this.documents.get(documentUri) ?? this.identified.get(documentUri)?.value);
    if (document === undefined) {
      throw new SchemaParseError(
        `Cannot resolve "$ref": "${ref}": no schema reference named ${documentUri.replace(DEFAULT_BASE, '')} ` +
          '(register the referenced schema and pass it in "references"; remote schemas are never fetched)',
        scope.pointer || '/',
      );
    }
    const value = evaluatePointer(document, fragment);
    if (value === undefined) {
      throw new SchemaParseError(
        `Cannot resolve "$ref": "${ref}": nothing at #${fragment}`,
        scope.pointer || '/',
      );
    }
    const documentBase = ref.startsWith('#') ? scope.base : documentUri;
    return { value, scope: { base: documentBase, document, pointer: `${ref}` } };
  }
}

function child(scope: Scope, ...tokens: string[]): Scope {
  return { ...scope, pointer: `${scope.pointer}/${tokens.map(escapePointer).join('/')}` };
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function idOf(value: unknown, keyword: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id = (value as Record<string, unknown>)[keyword];
  return typeof id === 'string' ? id : undefined;
}

function resolveUri(base: string, reference: string, pointer: string): string {
  try {
    return new URL(reference, base).href;
  } catch {
    throw new SchemaParseError(`"${reference}" is not a valid URI reference`, pointer || '/');
  }
}

function withoutFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash < 0 ? uri : uri.slice(0, hash);
}

function trimEmptyFragment(uri: string): string {
  return uri.endsWith('#') ? uri.slice(0, -1) : uri;
}

/**
 * Evaluates a JSON pointer fragment. `#/$defs/X` also finds `definitions/X` at the top level (and the reverse),
 * as Confluent bridges the two buckets so either spelling resolves.
 */
function evaluatePointer(document: unknown, fragment: string): unknown {
  const decoded = decodeURIComponent(fragment);
  if (decoded === '' || decoded === '/')
    return decoded === '' ? document : (document as Record<string, unknown>)?.[''];
  if (!decoded.startsWith('/')) return undefined;
  const tokens = decoded
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  let current: unknown = document;
  for (const [index, token] of tokens.entries()) {
    if (typeof current !== 'object' || current === null) return undefined;
    let next = (current as Record<string, unknown>)[token];
    if (next === undefined && index === 0 && (token === '$defs' || token === 'definitions')) {
      next = (current as Record<string, unknown>)[token === '$defs' ? 'definitions' : '$defs'];
    }
    if (!Object.hasOwn(current as object, token) && next === undefined) return undefined;
    current = next;
  }
  return current;
}

function integerAt(json: Record<string, unknown>, key: string, scope: Scope): number | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new SchemaParseError(`"${key}" must be a non-negative integer`, `${scope.pointer}/${key}`);
  }
  return value;
}

function numberAt(json: Record<string, unknown>, key: string, scope: Scope): number | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number')
    throw new SchemaParseError(`"${key}" must be a number`, `${scope.pointer}/${key}`);
  return value;
}

function objectAt(json: Record<string, unknown>, key: string, scope: Scope): Record<string, unknown> {
  const value = json[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SchemaParseError(`"${key}" must be an object`, `${scope.pointer}/${key}`);
  }
  return value as Record<string, unknown>;
}

function stringSet(value: unknown, scope: Scope): Set<string> {
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
    throw new SchemaParseError('A property dependency must be an array of property names', scope.pointer);
  }
  return new Set(value as string[]);
}

/** A pattern as a JavaScript regular expression (with Unicode semantics where the pattern allows them). */
export function patternAt(pattern: unknown, pointer: string): RegExp {
  if (typeof pattern !== 'string') throw new SchemaParseError('A pattern must be a string', pointer);
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch (error) {
      throw new SchemaParseError(`Invalid regular expression: ${(error as Error).message}`, pointer);
    }
  }
}
