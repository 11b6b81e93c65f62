import { describe, expect, it } from 'vitest';
import { CompressionType } from '../../src/compression/index.js';
import { ProtocolDecodeError } from '../../src/errors/index.js';
import {
  BatchField,
  decodeRecords,
  iterateRecordBatches,
  patchBaseOffset,
  RecordBatchBuilder,
  recordBatchView,
} from '../../src/records/index.js';

function batch(baseOffset: bigint, values: string[], compression = CompressionType.None): Buffer {
  const builder = new RecordBatchBuilder({ compression, baseOffset });
  for (const value of values) builder.append({ value, timestamp: 1 });
  return builder.build();
}

const batches = [
  batch(0n, ['a', 'b']),
  batch(2n, ['c'], CompressionType.ZSTD),
  batch(3n, ['d', 'e', 'f'], CompressionType.GZIP),
];
const fetched = Buffer.concat(batches);

describe('iterateRecordBatches', () => {
  it('yields every batch of a concatenation as a view of the input', () => {
    const iterator = iterateRecordBatches(fetched);
    const views = [...iterator];
    expect(views.map((v) => v.baseOffset)).toEqual([0n, 2n, 3n]);
    expect(views.map((v) => v.bytes.length)).toEqual(batches.map((b) => b.length));
    for (const view of views) expect(view.bytes.buffer).toBe(fetched.buffer);
    expect(iterator.bytesConsumed).toBe(fetched.length);
    expect(iterator.truncated).toBe(false);
    expect(views.flatMap((v) => decodeRecords(v)).map((r) => [r.offset, r.value?.toString()])).toEqual([
      [0n, 'a'],
      [1n, 'b'],
      [2n, 'c'],
      [3n, 'd'],
      [4n, 'e'],
      [5n, 'f'],
    ]);
  });

  it('stops cleanly at a partial final batch, wherever the cut falls', () => {
    for (let cut = 0; cut <= fetched.length; cut++) {
      const iterator = iterateRecordBatches(fetched.subarray(0, cut));
      const views = [...iterator];
      let complete = 0;
      let consumed = 0;
      for (const b of batches) {
        if (consumed + b.length > cut) break;
        consumed += b.length;
        complete++;
      }
      expect(views).toHaveLength(complete);
      expect(iterator.bytesConsumed).toBe(consumed);
      expect(iterator.truncated).toBe(cut !== consumed);
    }
  });

  it('reads a range of a larger buffer', () => {
    const padded = Buffer.concat([Buffer.alloc(7), fetched, Buffer.alloc(5)]);
    const iterator = iterateRecordBatches(padded, 7, 7 + fetched.length);
    expect([...iterator]).toHaveLength(3);
    expect(iterator.bytesConsumed).toBe(fetched.length);
  });

  it('rejects a length too small for a header and batches of another magic', () => {
    const short = Buffer.from(batches[0]);
    short.writeInt32BE(10, BatchField.length);
    expect(() => [...iterateRecordBatches(short)]).toThrow(
      expect.objectContaining({ reason: 'INVALID_LENGTH' }),
    );
    const v1 = Buffer.from(batches[0]);
    v1[BatchField.magic] = 1;
    expect(() => [...iterateRecordBatches(v1)]).toThrow(ProtocolDecodeError);
    expect(() => [...iterateRecordBatches(v1)]).toThrow(/magic 1/);
  });

  it('keeps base offsets patched in the input', () => {
    const copy = Buffer.from(fetched);
    patchBaseOffset(copy, batches[0].length, 100n);
    expect([...iterateRecordBatches(copy)].map((v) => v.baseOffset)).toEqual([0n, 100n, 3n]);
  });
});

describe('recordBatchView', () => {
  it('frames one batch and reports truncation as a typed error', () => {
    expect(recordBatchView(fetched).bytes.length).toBe(batches[0].length);
    expect(() => recordBatchView(batches[0].subarray(0, 30))).toThrow(
      expect.objectContaining({ reason: 'TRUNCATED' }),
    );
    expect(() => recordBatchView(batches[0].subarray(0, 70))).toThrow(
      expect.objectContaining({ reason: 'TRUNCATED' }),
    );
  });
});
