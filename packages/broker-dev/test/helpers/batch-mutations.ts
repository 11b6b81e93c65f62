/**
 * fast-check arbitraries for produce-validation fuzzing: well-formed client batches of every codec
 * (built by @samsa/protocol's RecordBatchBuilder) and the ways a buggy or hostile client may damage them:
 * flipped bytes in the header, the records, their length varints and the compressed data, rewritten header
 * fields and attributes, counts off by a few, truncation, trailing bytes, and compression flags that do
 * not match the data. The CRC32C is recomputed afterwards, so every damage reaches the checks behind it.
 */
import {
  BatchField,
  COMPRESSION_CODEC_MASK,
  CompressionType,
  CRC_START,
  codecFor,
  crc32c,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
} from '@samsa/protocol';
import fc from 'fast-check';

/** Timestamps the fuzzed batches carry: near a fixed clock, so timestamp checks see realistic values. */
export const FUZZ_NOW = 1_700_000_000_000;

const CODECS = [
  CompressionType.None,
  CompressionType.GZIP,
  CompressionType.Snappy,
  CompressionType.LZ4,
  CompressionType.ZSTD,
] as const;

const bytes = (maxLength: number) => fc.option(fc.uint8Array({ maxLength }), { nil: null, freq: 5 });

const recordArbitrary = fc.record({
  key: bytes(24),
  value: bytes(200),
  timestampOffset: fc.integer({ min: -5_000, max: 5_000 }),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: bytes(16) }), { maxLength: 3 }),
});

export interface FuzzBatch {
  codec: number;
  bytes: Buffer;
}

/** A batch a correct producer would send: 1-12 records, any codec, sometimes idempotent. */
export const validBatchArbitrary: fc.Arbitrary<FuzzBatch> = fc
  .record({
    codec: fc.constantFrom(...CODECS),
    records: fc.array(recordArbitrary, { minLength: 1, maxLength: 12 }),
    idempotent: fc.boolean(),
  })
  .map(({ codec, records, idempotent }) => {
    const builder = new RecordBatchBuilder({
      compression: codec,
      maxBatchBytes: 1024 * 1024,
      ...(idempotent && { producerId: 1000n, producerEpoch: 0, baseSequence: 0 }),
    });
    for (const r of records) {
      builder.tryAppend({
        key: r.key === null ? null : Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
        timestamp: FUZZ_NOW + r.timestampOffset,
        headers: r.headers.map((h) => ({
          key: h.key,
          value: h.value === null ? null : Buffer.from(h.value),
        })),
      });
    }
    return { codec, bytes: builder.build() };
  });

/** Positions are fractions of the current size, so every mutation lands somewhere whatever came before. */
const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const HEADER_FIELDS = [
  'length',
  'magic',
  'lastOffsetDelta',
  'baseTimestamp',
  'maxTimestamp',
  'producerId',
  'producerEpoch',
  'baseSequence',
  'recordsCount',
] as const;

export type Mutation =
  | { kind: 'flipHeader'; at: number; mask: number }
  | { kind: 'flipRecords'; at: number; mask: number }
  | { kind: 'flipInner'; at: number; mask: number }
  | { kind: 'overwriteInner'; at: number; bytes: Uint8Array }
  | { kind: 'field'; field: (typeof HEADER_FIELDS)[number]; value: number }
  | { kind: 'attributes'; value: number }
  | { kind: 'codec'; codec: number }
  | { kind: 'count'; delta: number; alsoLastOffsetDelta: boolean }
  | { kind: 'truncate'; keep: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'recompress'; codec: number };

const mask = fc.integer({ min: 1, max: 255 });

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flipHeader' as const), at: fraction, mask }),
  fc.record({ kind: fc.constant('flipRecords' as const), at: fraction, mask }),
  fc.record({ kind: fc.constant('flipInner' as const), at: fraction, mask }),
  fc.record({
    kind: fc.constant('overwriteInner' as const),
    at: fraction,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
  }),
  fc.record({
    kind: fc.constant('field' as const),
    field: fc.constantFrom(...HEADER_FIELDS),
    value: fc.oneof(fc.integer({ min: -3, max: 20 }), fc.integer()),
  }),
  fc.record({ kind: fc.constant('attributes' as const), value: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant('codec' as const), codec: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('count' as const),
    delta: fc.integer({ min: -3, max: 3 }),
    alsoLastOffsetDelta: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fraction }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('recompress' as const), codec: fc.constantFrom(...CODECS) }),
);

/** Byte position of each mutable header field and its width. */
const FIELD_WIDTH: Record<(typeof HEADER_FIELDS)[number], number> = {
  length: 4,
  magic: 1,
  lastOffsetDelta: 4,
  baseTimestamp: 8,
  maxTimestamp: 8,
  producerId: 8,
  producerEpoch: 2,
  baseSequence: 4,
  recordsCount: 4,
};

function writeField(batch: Buffer, field: (typeof HEADER_FIELDS)[number], value: number): void {
  const at = BatchField[field];
  switch (FIELD_WIDTH[field]) {
    case 1:
      batch[at] = value & 0xff;
      return;
    case 2:
      batch.writeInt16BE(((value << 16) >> 16) | 0, at);
      return;
    case 4:
      batch.writeInt32BE(value | 0, at);
      return;
    default:
      batch.writeBigInt64BE(BigInt(value), at);
  }
}

/** The records section as the codec bits say, or undefined when that does not decompress. */
function innerRecords(batch: Buffer): Buffer | undefined {
  const codec = batch.readInt16BE(BatchField.attributes) & COMPRESSION_CODEC_MASK;
  const section = batch.subarray(RECORD_BATCH_OVERHEAD);
  if (codec === CompressionType.None) return Buffer.from(section);
  try {
    return codecFor(codec).decompress(section, 16 * 1024 * 1024);
  } catch {
    return undefined;
  }
}

/** Replaces the records section with `records` compressed by `codec`, setting the codec bits to match. */
function withRecords(batch: Buffer, records: Buffer, codec: number): Buffer {
  const section = codec === CompressionType.None ? records : codecFor(codec).compressSync(records);
  const out = Buffer.concat([batch.subarray(0, RECORD_BATCH_OVERHEAD), section]);
  out.writeInt16BE(
    (out.readInt16BE(BatchField.attributes) & ~COMPRESSION_CODEC_MASK) | codec,
    BatchField.attributes,
  );
  out.writeInt32BE(out.length - LOG_OVERHEAD, BatchField.length);
  return out;
}

function flip(buf: Buffer, start: number, end: number, at: number, mask: number): void {
  if (end <= start) return;
  buf[start + Math.floor(at * (end - start))] ^= mask;
}

/** Applies `mutations` to a copy of `batch`, then recomputes the CRC32C (when the bytes reach it). */
export function applyMutations(batch: Buffer, mutations: readonly Mutation[]): Buffer {
  let out: Buffer = Buffer.from(batch);
  for (const m of mutations) {
    const full = out.length >= RECORD_BATCH_OVERHEAD;
    switch (m.kind) {
      case 'flipHeader':
        flip(out, 0, Math.min(out.length, RECORD_BATCH_OVERHEAD), m.at, m.mask);
        break;
      case 'flipRecords':
        flip(out, RECORD_BATCH_OVERHEAD, out.length, m.at, m.mask);
        break;
      case 'flipInner':
      case 'overwriteInner': {
        if (!full) break;
        const records = innerRecords(out);
        if (!records || records.length === 0) break;
        const at = Math.floor(m.at * records.length);
        if (m.kind === 'flipInner') records[at] ^= m.mask;
        else records.set(m.bytes.subarray(0, records.length - at), at);
        const codec = out.readInt16BE(BatchField.attributes) & COMPRESSION_CODEC_MASK;
        out = withRecords(out, records, codec);
        break;
      }
      case 'field':
        if (full) writeField(out, m.field, m.value);
        break;
      case 'attributes':
        if (full) out.writeUInt16BE(m.value, BatchField.attributes);
        break;
      case 'codec':
        if (full) {
          const attributes = out.readUInt16BE(BatchField.attributes);
          out.writeUInt16BE((attributes & ~COMPRESSION_CODEC_MASK) | m.codec, BatchField.attributes);
        }
        break;
      case 'count':
        if (full) {
          const count = out.readInt32BE(BatchField.recordsCount) + m.delta;
          out.writeInt32BE(count, BatchField.recordsCount);
          if (m.alsoLastOffsetDelta) out.writeInt32BE(count - 1, BatchField.lastOffsetDelta);
        }
        break;
      case 'truncate':
        out = out.subarray(0, Math.floor(m.keep * out.length));
        break;
      case 'append':
        out = Buffer.concat([out, m.bytes]);
        if (out.length >= LOG_OVERHEAD) out.writeInt32BE(out.length - LOG_OVERHEAD, BatchField.length);
        break;
      case 'recompress': {
        if (!full) break;
        const records = innerRecords(out);
        if (records) out = withRecords(out, records, m.codec);
        break;
      }
    }
  }
  if (out.length >= CRC_START) out.writeUInt32BE(crc32c(out, CRC_START, out.length), BatchField.crc);
  return out;
}

/** A valid batch and one to three mutations of it. */
export const mutatedBatchArbitrary = fc.record({
  batch: validBatchArbitrary,
  mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }),
});
