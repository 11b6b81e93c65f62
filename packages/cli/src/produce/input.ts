/**
 * What `samsa produce` reads: one record per line, optionally `key<separator>value` (Kafka's console producer with
 * parse.key=true), and the value encoded as text, a checked JSON document, or Avro through the registry. A line that
 * cannot become a record is an InputLineError naming its number; nothing of it is sent.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UsageError } from '@samsa/cli-kit';
import type { AvroSerializer } from '@samsa/schema-registry';

export const VALUE_FORMATS = ['string', 'json', 'avro'] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

export class InputLineError extends Error {
  override name = 'InputLineError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface InputLine {
  /** 1-based. */
  number: number;
  text: string;
}

/** The lines of a file or of stdin, with the share of the input read so far when its size is known. */
export async function* readLines(
  file: string | undefined,
  stdin: NodeJS.ReadableStream | undefined,
  onProgress?: (fraction: number | undefined) => void,
): AsyncGenerator<InputLine> {
  let input: NodeJS.ReadableStream;
  let size: number | undefined;
  if (file !== undefined && file !== '-') {
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--file ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    if (info.isDirectory()) throw new UsageError(`--file ${file} is a directory`);
    size = info.size;
    input = createReadStream(file);
  } else {
    if (!stdin) throw new UsageError('nothing to read: give --file or pipe records into stdin');
    input = stdin;
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  // The stream reads ahead; the lines handed out say how far the input really is.
  let consumed = 0;
  for await (const text of lines) {
    number++;
    consumed += Buffer.byteLength(text) + 1;
    onProgress?.(size ? Math.min(consumed / size, 1) : undefined);
    yield { number, text };
  }
}

/** Splits `key<separator>value` at the first separator; without a separator the line has no key. */
export function splitKey(
  line: InputLine,
  separator: string | undefined,
): { key: string | null; value: string } {
  if (separator === undefined) return { key: null, value: line.text };
  const at = line.text.indexOf(separator);
  if (at < 0) {
    throw new InputLineError(line.number, `no key separator ${JSON.stringify(separator)} in the line`);
  }
  return { key: line.text.slice(0, at), value: line.text.slice(at + separator.length) };
}

/** Encodes a value text in the chosen format; bad text is an InputLineError. */
export async function encodeValue(
  line: InputLine,
  text: string,
  format: ValueFormat,
  topic: string,
  avro: AvroSerializer | undefined,
): Promise<string | Buffer> {
  if (format === 'string') return text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputLineError(line.number, `malformed JSON: ${(error as Error).message}`);
  }
  if (format === 'json') return text;
  try {
    return await avro!.serialize(topic, avro!.fromJson(json));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'INVALID_VALUE') throw new InputLineError(line.number, (error as Error).message);
    throw error;
  }
}

/** `--headers k=v,k2=v2` (repeatable) as record headers; a key given twice gets both values. */
export function parseHeaders(values: readonly string[] | undefined): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const list of values ?? []) {
    for (const pair of list.split(',')) {
      const at = pair.indexOf('=');
      if (at <= 0)
        throw new UsageError(`--headers takes key=value[,key=value...]; "${pair}" is not key=value`);
      const key = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const existing = headers[key];
      headers[key] =
        existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
  }
  return headers;
}

/** A separator given on the command line, with `\t` and `\n` as kcat and shells write them. */
export function unescapeSeparator(text: string): string {
  return text.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}
