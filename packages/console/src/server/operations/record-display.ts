/**
 * Keys, values and headers as the console shows them, through @samsa/schema-registry's `DisplayDecoder` (the one
 * the `samsa` CLI prints records with): Avro by its magic byte through the registry, with its subject and version,
 * JSON documents, text, or bytes as hex. The console adds what its schema pages need: the topics where each schema
 * id was seen.
 */
import {
  type DisplayedData as DecodedData,
  DisplayDecoder,
  type SchemaRegistryClient,
} from '@samsa/schema-registry';
import type { DisplayedData } from '../../api/types.js';

export class RecordDisplay {
  private readonly decoder: DisplayDecoder;
  /** Topics where records with each schema id were seen (the schema pages' "used by"). */
  private readonly seen = new Map<number, Set<string>>();

  constructor(registry: SchemaRegistryClient | null) {
    this.decoder = new DisplayDecoder(registry ? { registry } : {});
  }

  /** A key or value; only an unreachable registry is an error. */
  async decode(topic: string, data: Buffer | null): Promise<DisplayedData> {
    const decoded = await this.decoder.decode(topic, data);
    if (decoded.schemaId !== undefined) this.noteSeen(decoded.schemaId, topic);
    return shown(decoded);
  }

  /** A header value: read without the registry. */
  static header(data: Buffer | null): DisplayedData {
    return shown(DisplayDecoder.plain(data));
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
}

/** The API carries the text only: the page shows it, and `value` would send everything twice. */
function shown({ value: _value, ...rest }: DecodedData): DisplayedData {
  return rest;
}
