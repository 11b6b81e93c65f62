import { stableStringify } from './json-values.js';

/**
 * The typed model of a JSON Schema that compatibility checks compare: the same shapes Confluent's registry compares
 * (the Everit library's schema classes), so that the diff rules port one for one. A schema object becomes one node
 * per kind of constraint it carries: `{"type": "string", "maxLength": 3}` is a string node;
 * `{"type": "string", "enum": [...]}` is a synthetic `allOf` of an enum node and a string node; `{"type": ["string",
 * "null"]}` an `anyOf`; a `$ref` a reference node whose target is loaded on first use.
 */

export type SchemaNode =
  | EmptyNode
  | TrueNode
  | FalseNode
  | NullNode
  | BooleanNode
  | StringNode
  | NumberNode
  | ObjectNode
  | ArrayNode
  | EnumNode
  | ConstNode
  | CombinedNode
  | NotNode
  | ConditionalNode
  | ReferenceNode;

export type SchemaKind = SchemaNode['kind'];

interface NodeBase {
  id?: string;
  title?: string;
  description?: string;
  /** Present when the schema has a `default` (which may be null). */
  default?: { value: unknown };
  /** Keywords none of the node's parts consumed (`connect.type`, `maxContains`, `$schema`, ...). */
  unprocessed: Record<string, unknown>;
  /** The JSON it was loaded from (for a reference: the absolute URI it names), to tell equal subschemas apart. */
  source: unknown;
}

/** `{}`: any value. */
export interface EmptyNode extends NodeBase {
  kind: 'empty';
}
/** `true`: any value (a kind of its own, as in Everit, but compared like `{}`). */
export interface TrueNode extends NodeBase {
  kind: 'true';
}
/** `false`: no value. */
export interface FalseNode extends NodeBase {
  kind: 'false';
}
export interface NullNode extends NodeBase {
  kind: 'null';
}
export interface BooleanNode extends NodeBase {
  kind: 'boolean';
}

export interface StringNode extends NodeBase {
  kind: 'string';
  requiresString: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

export interface NumberNode extends NodeBase {
  kind: 'number';
  requiresNumber: boolean;
  requiresInteger: boolean;
  minimum?: number;
  maximum?: number;
  /** Draft-06 and later: the exclusive limit itself (draft-04's boolean form only marks `minimum`/`maximum`). */
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** As written, for exact decimal arithmetic. */
  multipleOf?: string;
}

export interface ObjectNode extends NodeBase {
  kind: 'object';
  requiresObject: boolean;
  properties: Map<string, SchemaNode>;
  required: string[];
  /** False for `additionalProperties: false`. */
  additionalProperties: boolean;
  additionalPropertiesSchema?: SchemaNode;
  patternProperties: Array<{ pattern: string; regexp: RegExp; schema: SchemaNode }>;
  propertyDependencies: Map<string, Set<string>>;
  schemaDependencies: Map<string, SchemaNode>;
  minProperties?: number;
  maxProperties?: number;
  propertyNames?: SchemaNode;
  /** 2019-09 and later. */
  unevaluatedProperties?: SchemaNode;
}

export interface ArrayNode extends NodeBase {
  kind: 'array';
  requiresArray: boolean;
  /** `items` as one schema for every item. */
  allItems?: SchemaNode;
  /** Tuple items (`items: [...]`, or 2020-12's `prefixItems`). */
  itemSchemas?: SchemaNode[];
  /** False for `additionalItems: false` (or 2020-12's `items: false` after `prefixItems`). */
  additionalItems: boolean;
  additionalItemsSchema?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains?: SchemaNode;
  minContains?: number;
  maxContains?: number;
  /** 2019-09 and later. */
  unevaluatedItems?: SchemaNode;
}

export interface EnumNode extends NodeBase {
  kind: 'enum';
  /** Distinct values, each keyed by its canonical JSON. */
  values: Map<string, unknown>;
}

export interface ConstNode extends NodeBase {
  kind: 'const';
  value: unknown;
}

export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

export interface CombinedNode extends NodeBase {
  kind: 'combined';
  criterion: Criterion;
  subschemas: SchemaNode[];
  /** Made by the loader (several constraint kinds on one object, a `type` array), not written as such. */
  synthetic: boolean;
}

export interface NotNode extends NodeBase {
  kind: 'not';
  mustNotMatch: SchemaNode;
}

export interface ConditionalNode extends NodeBase {
  kind: 'conditional';
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
}

export interface ReferenceNode extends NodeBase {
  kind: 'reference';
  ref: string;
  /** The schema the reference names; every reference to the same place yields the same node. */
  target(): SchemaNode;
}

/** The nodes a node contains directly (reference targets included), for walks over the whole graph. */
export function childrenOf(node: SchemaNode): SchemaNode[] {
  switch (node.kind) {
    case 'object':
      return [
        ...node.properties.values(),
        ...(node.additionalPropertiesSchema ? [node.additionalPropertiesSchema] : []),
        ...node.patternProperties.map((p) => p.schema),
        ...node.schemaDependencies.values(),
        ...(node.propertyNames ? [node.propertyNames] : []),
        ...(node.unevaluatedProperties ? [node.unevaluatedProperties] : []),
      ];
    case 'array':
      return [
        ...(node.allItems ? [node.allItems] : []),
        ...(node.itemSchemas ?? []),
        ...(node.additionalItemsSchema ? [node.additionalItemsSchema] : []),
        ...(node.contains ? [node.contains] : []),
        ...(node.unevaluatedItems ? [node.unevaluatedItems] : []),
      ];
    case 'combined':
      return node.subschemas;
    case 'not':
      return [node.mustNotMatch];
    case 'conditional':
      return [node.if, node.then, node.else].filter((n): n is SchemaNode => n !== undefined);
    case 'reference':
      return [node.target()];
    default:
      return [];
  }
}

/** Visits every node reachable from `root` once, with an explicit stack (no recursion, whatever the graph's depth). */
export function forEachNode(root: SchemaNode, visit: (node: SchemaNode) => void): void {
  const seen = new Set<SchemaNode>();
  const stack: SchemaNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    visit(node);
    stack.push(...childrenOf(node));
  }
}

const fingerprints = new WeakMap<SchemaNode, string>();

/**
 * Identifies structurally equal subschemas, which a combined schema collapses into one (Confluent compares the
 * subschemas' JSON). Computed on demand: most nodes never need one.
 */
export function fingerprintOf(node: SchemaNode): string {
  let print = fingerprints.get(node);
  if (print === undefined) {
    print = `${node.kind}:${stableStringify(node.source)}`;
    fingerprints.set(node, print);
  }
  return print;
}
