import type { CompatibilityLevel } from '../compatibility/levels.js';

/**
 * The records of the registry's log, shaped exactly like Confluent's `_schemas` topic (JSON keys and values, a null
 * value is a tombstone), so a Kafka-backed store can share a topic with Confluent Schema Registry or Karapace.
 */

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT', 'FORWARD'] as const;
export type Mode = (typeof MODES)[number];

export function parseMode(value: unknown): Mode | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return (MODES as readonly string[]).includes(upper) ? (upper as Mode) : undefined;
}

export interface SchemaReference {
  /** Avro: the full name of the referenced named type; JSON Schema: the URI `$ref`s use; Protobuf: the import path. */
  name: string;
  subject: string;
  version: number;
}

export type SchemaKey = { keytype: 'SCHEMA'; subject: string; version: number; magic: 1 };
export type ConfigKey = { keytype: 'CONFIG'; subject: string | null; magic: 0 };
export type ModeKey = { keytype: 'MODE'; subject: string | null; magic: 0 };
export type DeleteSubjectKey = { keytype: 'DELETE_SUBJECT'; subject: string; magic: 0 };
export type ClearSubjectKey = { keytype: 'CLEAR_SUBJECT'; subject: string; magic: 0 };
export type NoopKey = { keytype: 'NOOP'; magic: 0 };
export type RegistryKey = SchemaKey | ConfigKey | ModeKey | DeleteSubjectKey | ClearSubjectKey | NoopKey;

export interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  /** Base64 MD5 of the schema string (Jackson writes Java's byte[] as base64). */
  md5?: string;
  /** `JSON` or `PROTOBUF`; omitted for AVRO, as Confluent 5.5-7.x writes it. */
  schemaType?: string;
  references?: SchemaReference[];
  schema: string;
  deleted: boolean;
}

export interface ConfigValue {
  compatibilityLevel?: CompatibilityLevel;
  normalize?: boolean;
}

export interface ModeValue {
  mode: Mode;
}

export interface DeleteSubjectValue {
  subject: string;
  /** Every version up to and including this one is (soft) deleted. */
  version: number;
}

export type RegistryRecord =
  | { key: SchemaKey; value: SchemaValue | null }
  | { key: ConfigKey; value: ConfigValue | null }
  | { key: ModeKey; value: ModeValue | null }
  | { key: DeleteSubjectKey; value: DeleteSubjectValue | null }
  | { key: ClearSubjectKey; value: DeleteSubjectValue | null }
  | { key: NoopKey; value: null };

export const schemaKey = (subject: string, version: number): SchemaKey => ({
  keytype: 'SCHEMA',
  subject,
  version,
  magic: 1,
});
export const configKey = (subject: string | null): ConfigKey => ({ keytype: 'CONFIG', subject, magic: 0 });
export const modeKey = (subject: string | null): ModeKey => ({ keytype: 'MODE', subject, magic: 0 });
export const deleteSubjectKey = (subject: string): DeleteSubjectKey => ({
  keytype: 'DELETE_SUBJECT',
  subject,
  magic: 0,
});
export const noopKey = (): NoopKey => ({ keytype: 'NOOP', magic: 0 });

/** Serializes a key with Confluent's property order (keytype, subject, version, magic). */
export function encodeKey(key: RegistryKey): string {
  switch (key.keytype) {
    case 'SCHEMA':
      return JSON.stringify({
        keytype: key.keytype,
        subject: key.subject,
        version: key.version,
        magic: key.magic,
      });
    case 'NOOP':
      return JSON.stringify({ keytype: key.keytype, magic: key.magic });
    default:
      return JSON.stringify({ keytype: key.keytype, subject: key.subject, magic: key.magic });
  }
}

export function encodeValue(record: RegistryRecord): string | null {
  return record.value === null ? null : JSON.stringify(record.value);
}

/**
 * Reads a record as a Kafka store would get it from the topic. Returns undefined for records this registry does not
 * use (unknown key types such as CONTEXT or ASSOC, other magic numbers, or garbage), which are skipped as Confluent
 * skips them.
 */
export function decodeRecord(
  key: string | Buffer,
  value: string | Buffer | null,
): RegistryRecord | undefined {
  let parsedKey: Record<string, unknown>;
  let parsedValue: unknown = null;
  try {
    parsedKey = JSON.parse(key.toString());
    if (value !== null && value.length > 0) parsedValue = JSON.parse(value.toString());
  } catch {
    return undefined;
  }
  if (typeof parsedKey !== 'object' || parsedKey === null) return undefined;
  const subject = typeof parsedKey.subject === 'string' ? parsedKey.subject : null;
  switch (parsedKey.keytype) {
    case 'SCHEMA': {
      if (subject === null || typeof parsedKey.version !== 'number') return undefined;
      const schemaValue = parsedValue as SchemaValue | null;
      if (
        schemaValue !== null &&
        (typeof schemaValue.id !== 'number' || typeof schemaValue.schema !== 'string')
      ) {
        return undefined;
      }
      return {
        key: schemaKey(subject, parsedKey.version),
        value: schemaValue && { ...schemaValue, deleted: schemaValue.deleted === true },
      };
    }
    case 'CONFIG':
      return { key: configKey(subject), value: parsedValue as ConfigValue | null };
    case 'MODE':
      return { key: modeKey(subject), value: parsedValue as ModeValue | null };
    case 'DELETE_SUBJECT':
      if (subject === null) return undefined;
      return { key: deleteSubjectKey(subject), value: parsedValue as DeleteSubjectValue | null };
    case 'CLEAR_SUBJECT':
      if (subject === null) return undefined;
      return {
        key: { keytype: 'CLEAR_SUBJECT', subject, magic: 0 },
        value: parsedValue as DeleteSubjectValue | null,
      };
    case 'NOOP':
      return { key: noopKey(), value: null };
    default:
      return undefined;
  }
}
