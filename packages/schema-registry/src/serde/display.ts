/**
 * Record keys and values as people and scripts read them, whatever they hold: Avro in the Confluent wire format
 * (decoded through the registry by its magic byte and schema id), JSON documents, text, or other bytes (as hex).
 * The `samsa` command line prints records with it; a console can show them the same way.
 */
import type { SchemaRegistryClient } from '../client/client.js';
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
  /** Why data in the wire format is shown as bytes: no registry, an unknown schema id, a body that does not decode. */
  note?: string;
}

export interface DisplayDecoderOptions {
  /** Decode Avro with this registry; without it, wire-format data is shown as bytes with a note. */
  registry?: SchemaRegistryClient;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class DisplayDecoder {
  private readonly avro: AvroDeserializer | undefined;

  constructor(options: DisplayDecoderOptions = {}) {
    this.avro = options.registry ? new AvroDeserializer({ client: options.registry }) : undefined;
  }

  /** How `data` reads; never throws for what the data holds (only for a registry that cannot be reached). */
  async decode(topic: string, data: Buffer | null): Promise<DisplayedData> {
    if (data === null) return { format: 'null', text: '', value: null };
    if (data.length >= HEADER_SIZE && data[0] === MAGIC_BYTE) {
      const schemaId = data.readUInt32BE(1);
      if (!this.avro) {
        return bytes(data, `looks like Avro (schema id ${schemaId}); give a schema registry to decode it`);
      }
      try {
        const value = avroToJson(await this.avro.deserialize(topic, data));
        return { format: 'avro', text: JSON.stringify(value), value, schemaId };
      } catch (error) {
        // An unreachable registry is the caller's problem; data the registry cannot explain is shown as it is.
        if (isUnreachable(error)) throw error;
        return bytes(data, `schema id ${schemaId}: ${(error as Error).message}`);
      }
    }
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
