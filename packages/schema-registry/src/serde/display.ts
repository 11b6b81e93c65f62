/**
 * Record keys and values as people and scripts read them, whatever they hold: Avro in the Confluent wire format
 * (decoded through the registry by its magic byte and schema id, with the subject and version the id is registered
 * under), JSON documents, text, or other bytes (as hex). The `samsa` command line prints records with it and the
 * console shows them with it.
 */
import type { SchemaRegistryClient, SubjectVersion } from '../client/client.js';
import { RegistryResponseError, SchemaParseError, SchemaRegistryError, SerdeError } from '../errors.js';
import { avroToJson } from './avro-json.js';
import { AvroDeserializer } from './serde.js';
import { HEADER_SIZE, MAGIC_BYTE } from './wire.js';

export type DisplayFormat = 'null' | 'avro' | 'json' | 'string' | 'bytes';

export interface DisplayedData {
  format: DisplayFormat;
  /** One line of text: Avro as JSON, JSON and text as they are, bytes as hex, '' for null. */
  text: string;
  /** For JSON output: Avro values and JSON documents as data, text as a string, bytes as hex, null for null. */
  value: unknown;
  /** The writer schema's id, for Avro. */
  schemaId?: number;
  /**
   * The subject and version the writer schema is registered under (the first, where several share it), for Avro;
   * absent where the registry cannot say (it has no `/schemas/ids/{id}/versions`, or the id is only in deleted ones).
   */
  subject?: string;
  version?: number;
  /** Why data in the wire format is shown as bytes: no registry, an unknown schema id, a body that does not decode. */
  note?: string;
}

export interface DisplayDecoderOptions {
  /** Decode Avro with this registry; without it, wire-format data is shown as bytes with a note. */
  registry?: SchemaRegistryClient;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class DisplayDecoder {
  private readonly registry: SchemaRegistryClient | undefined;
  private readonly avro: AvroDeserializer | undefined;
  /** Schema id → where it is registered; ids are immutable, so answers are kept (failed lookups are not). */
  private readonly registeredAs = new Map<number, Promise<SubjectVersion | null>>();

  constructor(options: DisplayDecoderOptions = {}) {
    this.registry = options.registry;
    this.avro = options.registry ? new AvroDeserializer({ client: options.registry }) : undefined;
  }

  /** How `data` reads; never throws for what the data holds (only for a registry that cannot be reached). */
  async decode(topic: string, data: Buffer | null): Promise<DisplayedData> {
    if (data === null || data.length < HEADER_SIZE || data[0] !== MAGIC_BYTE)
      return DisplayDecoder.plain(data);
    const schemaId = data.readUInt32BE(1);
    if (!this.avro) {
      return bytes(data, `looks like Avro (schema id ${schemaId}); give a schema registry to decode it`);
    }
    try {
      const [decoded, where] = await Promise.all([
        this.avro.deserialize(topic, data),
        this.registeredUnder(schemaId),
      ]);
      const value = avroToJson(decoded);
      return {
        format: 'avro',
        text: JSON.stringify(value),
        value,
        schemaId,
        ...(where ? { subject: where.subject, version: where.version } : {}),
      };
    } catch (error) {
      // An unreachable registry is the caller's problem; data the registry cannot explain is shown as it is.
      if (isUnreachable(error)) throw error;
      return bytes(data, `schema id ${schemaId}: ${(error as Error).message}`);
    }
  }

  /**
   * Data read without the registry (headers, or anything not in the wire format): a JSON document, text, or bytes
   * as hex.
   */
  static plain(data: Buffer | null): DisplayedData {
    if (data === null) return { format: 'null', text: '', value: null };
    const text = readableText(data);
    if (text === undefined) return bytes(data);
    const first = text.trimStart()[0];
    if (first === '{' || first === '[') {
      try {
        return { format: 'json', text, value: JSON.parse(text) };
      } catch {
        // Text that merely starts like JSON.
      }
    }
    return { format: 'string', text, value: text };
  }

  /** The first subject and version `schemaId` is registered under; null where the registry does not say. */
  private registeredUnder(schemaId: number): Promise<SubjectVersion | null> {
    let found = this.registeredAs.get(schemaId);
    if (!found) {
      found = this.registry!.getSubjectVersionsById(schemaId).then(
        (list) => list[0] ?? null,
        (error) => {
          // A registry without the lookup (or with the id only under deleted versions) still decodes the data.
          if (error instanceof RegistryResponseError) return null;
          throw error;
        },
      );
      this.registeredAs.set(schemaId, found);
      found.catch(() => this.registeredAs.delete(schemaId));
    }
    return found;
  }
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
  const hex = data.toString('hex');
  return { format: 'bytes', text: hex, value: hex, ...(note ? { note } : {}) };
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
