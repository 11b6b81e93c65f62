/**
 * How `samsa consume` prints a record: the value alone (the console consumer's default), key and value
 * (--print-key), JSON lines (--json), or a kcat format (-f). Keys and values go through the registry package's
 * DisplayDecoder: Avro by its magic byte (as JSON), JSON, text, or hex for other bytes.
 */
import type { KafkaMessage } from '@samsa/core-client';
import type { DisplayDecoder, DisplayedData } from '@samsa/schema-registry';
import { compileKcatFormat, type RecordFormatter } from './kcat-format.js';

export type PrintMode =
  | { kind: 'value' }
  | { kind: 'key-value'; separator: string }
  | { kind: 'json' }
  | { kind: 'kcat'; format: string };

export class RecordPrinter {
  private readonly kcat: RecordFormatter | undefined;
  private readonly notes = new Set<string>();

  constructor(
    private readonly mode: PrintMode,
    private readonly decoder: DisplayDecoder,
    private readonly warn: (text: string) => void,
  ) {
    this.kcat = mode.kind === 'kcat' ? compileKcatFormat(mode.format) : undefined;
  }

  /** The text to print for `message` (with its line ending). */
  async format(message: KafkaMessage): Promise<string> {
    const [key, value] = await Promise.all([
      this.decoder.decode(message.topic, message.key),
      this.decoder.decode(message.topic, message.value),
    ]);
    this.noteOnce(key);
    this.noteOnce(value);
    switch (this.mode.kind) {
      case 'value':
        return `${nullText(value)}\n`;
      case 'key-value':
        return `${nullText(key)}${this.mode.separator}${nullText(value)}\n`;
      case 'json':
        return `${JSON.stringify({
          topic: message.topic,
          partition: message.partition,
          offset: Number(message.offset),
          timestamp: Number(message.timestamp),
          key: key.value,
          value: value.value,
          headers: headersObject(message),
          ...(key.format === 'bytes' ? { keyEncoding: 'hex' } : {}),
          ...(value.format === 'bytes' ? { valueEncoding: 'hex' } : {}),
          ...(value.schemaId !== undefined ? { valueSchemaId: value.schemaId } : {}),
          ...(value.subject !== undefined
            ? { valueSubject: value.subject, valueVersion: value.version }
            : {}),
        })}\n`;
      case 'kcat':
        return this.kcat!({
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          timestamp: message.timestamp,
          key: message.key === null ? null : key.text,
          value: message.value === null ? null : value.text,
          keyLength: message.key?.length ?? null,
          valueLength: message.value?.length ?? null,
          headers: headerList(message),
        });
    }
  }

  /** Tells once per kind of problem why some data shows as hex (no registry, unknown schema). */
  private noteOnce(data: DisplayedData): void {
    if (!data.note) return;
    const kind = data.note.replace(/\d+/g, 'N');
    if (this.notes.has(kind)) return;
    this.notes.add(kind);
    this.warn(`note: some data is shown as hex: ${data.note}\n`);
  }
}

/** The console consumer prints `null` for a null key or value. */
function nullText(data: DisplayedData): string {
  return data.format === 'null' ? 'null' : data.text;
}

function headerList(message: KafkaMessage): [string, string | null][] {
  const out: [string, string | null][] = [];
  for (const [key, value] of Object.entries(message.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      out.push([key, item === null || item === undefined ? null : item.toString('utf8')]);
    }
  }
  return out;
}

function headersObject(message: KafkaMessage): Record<string, string | null | (string | null)[]> {
  const out: Record<string, string | null | (string | null)[]> = {};
  for (const [key, value] of Object.entries(message.headers)) {
    const text = (item: Buffer | null | undefined) =>
      item === null || item === undefined ? null : item.toString('utf8');
    out[key] = Array.isArray(value) ? value.map(text) : text(value);
  }
  return out;
}
