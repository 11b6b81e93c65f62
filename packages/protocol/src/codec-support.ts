/** Types and helpers shared by the generated codecs in `src/generated/`. */
import { ProtocolDecodeError } from './errors/samsa-error.js';
import type { Reader } from './io/reader.js';
import type { Writer } from './io/writer.js';

/** A tagged field this version of Samsa does not know, kept so re-encoding loses nothing. */
export interface UnknownTaggedField {
  tag: number;
  data: Buffer;
}

/** What a `records` field accepts when encoding: one buffer of batches, or several sent back to back. */
export type RecordsInput = Uint8Array | readonly Uint8Array[] | null;

export type MessageEncoder<T> = (w: Writer, message: T) => void;
export type MessageDecoder<T> = (r: Reader) => T;

export interface MessageCodec<T> {
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version, or null. */
  readonly flexibleVersions: number | null;
  /** Indexed by version; undefined below `minVersion`. */
  readonly encode: readonly (MessageEncoder<T> | undefined)[];
  readonly decode: readonly (MessageDecoder<T> | undefined)[];
}

export interface ApiCodec<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
}

export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);

export function writeUnknownTaggedFields(w: Writer, fields: readonly UnknownTaggedField[]): void {
  for (const f of fields) {
    w.uvarint(f.tag);
    w.uvarint(f.data.length);
    w.raw(f.data);
  }
}

export function nullArray(message: string, field: string): ProtocolDecodeError {
  return new ProtocolDecodeError(
    `${message}: ${field} is null but is not nullable in this version`,
    undefined,
    {
      reason: 'NULL_ARRAY',
    },
  );
}

export function nullNotAllowed(message: string, field: string): TypeError {
  return new TypeError(`${message}: ${field} must be set (it is not nullable in this version)`);
}
