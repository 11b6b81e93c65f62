/**
 * Feeds random and mutated batches to every decoder. The only acceptable failures are Samsa's
 * typed errors: no TypeError/RangeError from a stray read, no hang, no unbounded allocation.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompressionType, compressionReady } from '../../src/compression/index.js';
import { SamsaError } from '../../src/errors/index.js';
import {
  BatchField,
  CURRENT_MAGIC,
  computeBatchCrc,
  decodeRecords,
  iterateRecordBatches,
  iterateRecords,
  RecordBatchBuilder,
  readControlRecord,
  validateRecordBatch,
} from '../../src/records/index.js';
import { recordInputs } from './arbitraries.js';

const LIMIT = 1024 * 1024;

/** Runs `decode`; anything thrown must be a SamsaError. */
function onlyTypedErrors(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    if (!(error instanceof SamsaError)) throw error;
  }
}

function decodeEverything(buf: Buffer): void {
  onlyTypedErrors(() => {
    for (const view of iterateRecordBatches(buf)) {
      onlyTypedErrors(() => decodeRecords(view, { verifyCrc: false, maxDecompressedBytes: LIMIT }));
      onlyTypedErrors(() => [...iterateRecords(view, { verifyCrc: false, maxDecompressedBytes: LIMIT })]);
      if (view.isControl) onlyTypedErrors(() => readControlRecord(view, { verifyCrc: false }));
    }
  });
  onlyTypedErrors(() => validateRecordBatch(buf, { maxDecompressedBytes: LIMIT }));
  onlyTypedErrors(() => decodeRecords(buf, { verifyCrc: false, maxDecompressedBytes: LIMIT }));
}

const mutation = fc.record({
  position: fc.nat(),
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(batch: Buffer, mutations: Array<{ position: number; kind: string; byte: number }>): Buffer {
  let out = Buffer.from(batch);
  for (const { position, kind, byte } of mutations) {
    const at = out.length === 0 ? 0 : position % out.length;
    if (kind === 'flip') out[at] ^= 1 << (byte & 7);
    else if (kind === 'set') out[at] = byte;
    else if (kind === 'insert')
      out = Buffer.concat([out.subarray(0, at), Buffer.from([byte]), out.subarray(at)]);
    else if (kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    else out = out.subarray(0, at);
  }
  // Keep the length field and CRC consistent half the time, so mutations reach the records.
  if (mutations.length % 2 === 0 && out.length >= 61) {
    out.writeInt32BE(out.length - 12, BatchField.length);
    out.writeUInt32BE(computeBatchCrc(out), BatchField.crc);
  }
  return out;
}

describe('decoders under fuzzing', () => {
  beforeAll(() => compressionReady());

  it('random bytes, including random bytes behind a plausible header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 0, max: 7 }), (array, codec) => {
        decodeEverything(Buffer.from(array));
        const framed = Buffer.alloc(61 + array.length);
        framed.writeInt32BE(49 + array.length, BatchField.length);
        framed[BatchField.magic] = CURRENT_MAGIC;
        framed.writeInt16BE(codec, BatchField.attributes);
        framed.writeInt32BE(array.length % 50, BatchField.recordsCount);
        Buffer.from(array).copy(framed, 61);
        decodeEverything(framed);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    CompressionType.None,
    CompressionType.GZIP,
    CompressionType.Snappy,
    CompressionType.LZ4,
    CompressionType.ZSTD,
  ])('mutated batches with codec %i', (compression) => {
    fc.assert(
      fc.property(recordInputs, fc.array(mutation, { minLength: 1, maxLength: 4 }), (records, mutations) => {
        const builder = new RecordBatchBuilder({ compression });
        for (const record of records) builder.append(record);
        decodeEverything(mutate(builder.build(), mutations));
      }),
      { numRuns: 400 },
    );
  });

  it('mutated control batches', () => {
    const builder = new RecordBatchBuilder({ isControl: true, transactional: true });
    builder.append({ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 5]), timestamp: 1 });
    const batch = builder.build();
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        decodeEverything(mutate(batch, mutations));
      }),
      { numRuns: 500 },
    );
  });

  it('still decodes the unmutated batches (the harness is not vacuous)', () => {
    const builder = new RecordBatchBuilder({ compression: CompressionType.ZSTD });
    builder.append({ value: 'x', timestamp: 1 });
    expect(decodeRecords(builder.build())).toHaveLength(1);
  });
});
