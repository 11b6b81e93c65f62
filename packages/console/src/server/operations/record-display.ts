/**
 * Keys, values and headers as people read them: Avro in the Confluent wire format (decoded through the registry by
 * its magic byte and schema id, with the subject and version the id is registered under), JSON documents, text, or
 * other bytes as hex. It never throws for what the data holds; only an unreachable registry is an error.
 *
 * @samsa/schema-registry's `DisplayDecoder` (with `avroToJson`), which the `samsa` CLI prints records with, does
 * the same decoding; once both are on one branch this file keeps only the subject lookup and delegates to it.
 */
import {
  AvroDeserializer,
  MAGIC_BYTE,
  RegistryResponseError,
  SchemaParseError,
  type SchemaRegistryClient,
  SchemaRegistryError,
  SerdeError,
} from '@samsa/schema-registry';
import type { DisplayedData } from '../../api/types.js';

const HEADER_SIZE = 5;
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface SubjectVersion {
  subject: string;
  version: number;
}

export class RecordDisplay {
  private readonly avro: AvroDeserializer | null;
  /** Schema id → where it is registered; ids are immutable, so this is kept (failed lookups are not). */
  private readonly subjects = new Map<number, Promise<SubjectVersion | null>>();
  /** Topics where records with each schema id were seen (the schema pages' "used by"). */
  private readonly seen = new Map<number, Set<string>>();

  constructor(private readonly registry: SchemaRegistryClient | null) {
    this.avro = registry ? new AvroDeserializer({ client: registry }) : null;
  }

  async decode(topic: string, data: Buffer | null): Promise<DisplayedData> {
    if (data === null) return { format: 'null', text: '' };
    if (data.length >= HEADER_SIZE && data[0] === MAGIC_BYTE) {
      const schemaId = data.readUInt32BE(1);
      this.noteSeen(schemaId, topic);
      if (!this.avro) {
        return bytes(
          data,
          `looks like Avro (schema id ${schemaId}); start the console with --registry to decode it`,
        );
      }
      try {
        const value = plainJson(await this.avro.deserialize(topic, data));
        const where = await this.subjectOf(schemaId);
        return {
          format: 'avro',
          text: JSON.stringify(value),
          schemaId,
          ...(where ? { subject: where.subject, version: where.version } : {}),
        };
      } catch (error) {
        if (isUnreachable(error)) throw error;
        return bytes(data, `schema id ${schemaId}: ${(error as Error).message}`);
      }
    }
    return decodePlain(data);
  }

  /** Topics whose records were seen written with `schemaId`. */
  topicsSeenWith(schemaId: number): string[] {
    return [...(this.seen.get(schemaId) ?? [])];
  }

  private noteSeen(schemaId: number, topic: string): void {
    let topics = this.seen.get(schemaId);
    if (!topics) {
      topics = new Set();
      this.seen.set(schemaId, topics);
    }
    topics.add(topic);
  }

  /** The subject and version a schema id is registered under (the first, where several share it). */
  subjectOf(schemaId: number): Promise<SubjectVersion | null> {
    let found = this.subjects.get(schemaId);
    if (!found) {
      const registry = this.registry;
      found = registry
        ? registry
            .request<SubjectVersion[]>('GET', `/schemas/ids/${schemaId}/versions`)
            .then((list) => list[0] ?? null)
        : Promise.resolve(null);
      this.subjects.set(schemaId, found);
      found.catch(() => this.subjects.delete(schemaId));
    }
    return found;
  }
}

/** Data that is not in the wire format: JSON, text, or bytes as hex. */
export function decodePlain(data: Buffer): DisplayedData {
  const text = readableText(data);
  if (text === undefined) return bytes(data);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      JSON.parse(text);
      return { format: 'json', text };
    } catch {
      // Text that merely starts like JSON.
    }
  }
  return { format: 'string', text };
}

/** A decoded Avro value as JSON data: bytes and fixed as one character per byte (Avro's JSON encoding). */
function plainJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = plainJson(item);
    return out;
  }
  return value;
}

/** The registry could not be asked at all (as opposed to answering that it does not know the schema). */
function isUnreachable(error: unknown): boolean {
  return (
    error instanceof SchemaRegistryError &&
    !(error instanceof RegistryResponseError) &&
    !(error instanceof SerdeError) &&
    !(error instanceof SchemaParseError)
  );
}

function bytes(data: Buffer, note?: string): DisplayedData {
  return { format: 'bytes', text: data.toString('hex'), ...(note ? { note } : {}) };
}

/** The data as text when it is UTF-8 without control characters other than tab, newline and carriage return. */
function readableText(data: Buffer): string | undefined {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return undefined;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}
