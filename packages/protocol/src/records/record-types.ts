/** Record shapes: what a producer hands the builder and what decoding returns. */

/** A record header value a producer may pass; strings are written as UTF-8. */
export type HeaderValueInput = Buffer | string | null;

/** Headers as an array of pairs, or KafkaJS-style as an object (array values repeat the key). */
export type RecordHeadersInput =
  | ReadonlyArray<{ readonly key: string; readonly value: HeaderValueInput }>
  | { readonly [key: string]: HeaderValueInput | ReadonlyArray<Buffer | string> | undefined };

export interface RecordInput {
  /** Null or absent for no key; strings are written as UTF-8. */
  key?: Buffer | string | null;
  /** Null for a tombstone; strings are written as UTF-8. */
  value: Buffer | string | null;
  headers?: RecordHeadersInput;
  /** Milliseconds since the epoch; defaults to now. */
  timestamp?: number;
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A decoded record. Keys, values and header values are views of the batch (or its decompressed records). */
export interface KafkaRecord {
  offset: bigint;
  /** Milliseconds since the epoch: the record's own, or the batch's for LogAppendTime batches. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Record-level attributes; Kafka defines none yet, so this is 0. */
  attributes: number;
}
