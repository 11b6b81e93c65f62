/**
 * The shape of Samsa's protocol description. It mirrors the vocabulary of Kafka's own
 * message definitions (clients/src/main/resources/common/message/*.json) so the two can be
 * compared mechanically, and it is the single input the codec generator reads.
 */

/** An inclusive version range; `null` as the upper bound means "and every later version". */
export type VersionRange = readonly [min: number, max: number | null];

/**
 * Kafka's field types: `bool`, `int8`, `int16`, `uint16`, `int32`, `uint32`, `int64`, `float64`,
 * `string`, `uuid`, `bytes`, `records`, a struct name, or `[]T` for an array of any of those.
 */
export type FieldType = string;

/** Literal default a field takes when absent from a version or omitted by the caller. */
export type FieldDefault = number | boolean | string | null;

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly versions: VersionRange;
  readonly nullableVersions?: VersionRange;
  readonly taggedVersions?: VersionRange;
  readonly tag?: number;
  readonly default?: FieldDefault;
  /** Fields of the struct (or struct array) this field holds. */
  readonly fields?: readonly FieldSpec[];
}

export interface MessageSpec {
  readonly validVersions: readonly [min: number, max: number];
  /** First flexible version (compact encodings and tagged fields), or null if none is. */
  readonly flexibleVersions: number | null;
  readonly fields: readonly FieldSpec[];
}

export interface ApiSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
}
