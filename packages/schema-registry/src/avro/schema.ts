/**
 * The parsed form of an Avro schema. Named types appear once and are shared by reference wherever they are used,
 * so recursive schemas are cyclic object graphs (the compatibility checker relies on that identity).
 */
export type PrimitiveType = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set<PrimitiveType>([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** Extra attributes (logicalType, precision, custom properties), in document order. */
export type Props = Record<string, unknown>;

export interface PrimitiveSchema {
  readonly type: PrimitiveType;
  readonly props: Props;
}

export interface NamedSchemaBase {
  /** Unqualified name. */
  readonly name: string;
  /** '' for the null namespace. */
  readonly namespace: string;
  readonly fullName: string;
  /** Aliases, fully qualified. */
  readonly aliases: string[];
  readonly doc?: string;
  readonly props: Props;
}

export interface RecordSchema extends NamedSchemaBase {
  readonly type: 'record';
  readonly isError: boolean;
  readonly fields: Field[];
}

export interface Field {
  readonly name: string;
  readonly type: AvroSchema;
  readonly pos: number;
  readonly doc?: string;
  readonly hasDefault: boolean;
  readonly default?: unknown;
  readonly order?: 'ascending' | 'descending' | 'ignore';
  readonly aliases: string[];
  readonly props: Props;
}

export interface EnumSchema extends NamedSchemaBase {
  readonly type: 'enum';
  readonly symbols: string[];
  readonly default?: string;
}

export interface FixedSchema extends NamedSchemaBase {
  readonly type: 'fixed';
  readonly size: number;
}

export interface ArraySchema {
  readonly type: 'array';
  readonly items: AvroSchema;
  readonly props: Props;
}

export interface MapSchema {
  readonly type: 'map';
  readonly values: AvroSchema;
  readonly props: Props;
}

export interface UnionSchema {
  readonly type: 'union';
  readonly types: AvroSchema[];
  readonly props: Props;
}

export type NamedSchema = RecordSchema | EnumSchema | FixedSchema;
export type AvroSchema = PrimitiveSchema | NamedSchema | ArraySchema | MapSchema | UnionSchema;
export type AvroTypeName = AvroSchema['type'];

export function isNamed(schema: AvroSchema): schema is NamedSchema {
  return schema.type === 'record' || schema.type === 'enum' || schema.type === 'fixed';
}

/** The type name as Java's `Schema.Type` prints it (`INT`, `RECORD`, ...), used in Avro's messages. */
export function javaTypeName(schema: AvroSchema): string {
  return schema.type.toUpperCase();
}

/** Whether a value's logical type is set (`{"type":"long","logicalType":"timestamp-millis"}`). */
export function logicalTypeOf(schema: AvroSchema): string | undefined {
  const logical = schema.props.logicalType;
  return typeof logical === 'string' ? logical : undefined;
}
