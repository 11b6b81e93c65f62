import { CompressionType } from '@samsa/protocol';
import { buildBatch, numberedRecords, transactionMarker } from '@samsa/test-support/record-batches';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanBatches } from '../../../src/consumer/fetch/batch-scan.js';
import { ChunkReader, type FetchedChunk } from '../../../src/consumer/fetch/chunk-reader.js';

function chunk(
  records: Buffer,
  fetchOffset = 0n,
  aborted: FetchedChunk['abortedTransactions'] = null,
): FetchedChunk {
  const scan = scanBatches(records);
  return {
    records: records.subarray(0, scan.bytes),
    fetchOffset,
    nextOffset: scan.nextOffset,
    abortedTransactions: aborted,
    highWatermark: scan.nextOffset,
    bytes: scan.bytes,
  };
}

function readAll(reader: ChunkReader): { offset: number; value: string | null }[] {
  const out: { offset: number; value: string | null }[] = [];
  for (let r = reader.next(); r !== null; r = reader.next())
    out.push({ offset: Number(r.offset), value: r.value?.toString() ?? null });
  return out;
}

describe('scanBatches', () => {
  it('finds the complete batches and where the next fetch starts', () => {
    const records = Buffer.concat([
      buildBatch(numberedRecords('a', 3), { baseOffset: 0 }),
      buildBatch(numberedRecords('b', 2), { baseOffset: 3 }),
    ]);
    expect(scanBatches(records)).toEqual({ bytes: records.length, nextOffset: 5n, batches: 2 });
  });

  it('stops before a batch cut off at maxBytes', () => {
    const first = buildBatch(numberedRecords('a', 3), { baseOffset: 10 });
    const second = buildBatch(numberedRecords('b', 5), { baseOffset: 13 });
    const cut = Buffer.concat([first, second.subarray(0, second.length - 7)]);
    expect(scanBatches(cut)).toEqual({ bytes: first.length, nextOffset: 13n, batches: 1 });
    expect(scanBatches(first.subarray(0, 30))).toEqual({ bytes: 0, nextOffset: -1n, batches: 0 });
  });

  it('never reports more bytes than it was given, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const scan = scanBatches(Buffer.from(bytes));
        expect(scan.bytes).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});

describe('ChunkReader', () => {
  it('reads records in order, keys and values as views of the fetched bytes', () => {
    const records = Buffer.concat([
      buildBatch([{ key: 'k', value: 'v0', headers: { h: 'x' } }, { value: 'v1' }], { baseOffset: 0 }),
      buildBatch([{ value: 'v2' }], { baseOffset: 2 }),
    ]);
    const reader = new ChunkReader(chunk(records), { readCommitted: false });
    const first = reader.next()!;
    expect(first.key?.toString()).toBe('k');
    expect(first.value?.buffer).toBe(records.buffer);
    expect(first.headers).toEqual([{ key: 'h', value: Buffer.from('x') }]);
    expect(readAll(reader)).toEqual([
      { offset: 1, value: 'v1' },
      { offset: 2, value: 'v2' },
    ]);
    expect(reader.next()).toBeNull();
    expect(reader.finished).toBe(true);
  });

  it('skips records before the fetch offset inside the first batch', () => {
    const reader = new ChunkReader(chunk(buildBatch(numberedRecords('v', 5), { baseOffset: 100 }), 103n), {
      readCommitted: false,
    });
    expect(readAll(reader).map((r) => r.offset)).toEqual([103, 104]);
  });

  it('decodes compressed batches', () => {
    const records = Buffer.concat([
      buildBatch(numberedRecords('g', 50), { baseOffset: 0, compression: CompressionType.GZIP }),
      buildBatch(numberedRecords('h', 2), { baseOffset: 50 }),
    ]);
    const got = readAll(new ChunkReader(chunk(records), { readCommitted: false }));
    expect(got).toHaveLength(52);
    expect(got[49]).toEqual({ offset: 49, value: 'g49' });
  });

  it('never surfaces control records, whatever the isolation level', () => {
    const records = Buffer.concat([
      buildBatch([{ value: 't0' }, { value: 't1' }], {
        baseOffset: 0,
        transactional: true,
        producerId: 7n,
        producerEpoch: 0,
      }),
      transactionMarker('COMMIT', 7n, { baseOffset: 2 }),
      buildBatch([{ value: 'after' }], { baseOffset: 3 }),
    ]);
    for (const readCommitted of [false, true]) {
      const got = readAll(new ChunkReader(chunk(records), { readCommitted }));
      expect(got.map((r) => r.value)).toEqual(['t0', 't1', 'after']);
    }
  });

  it('read_committed drops aborted transactions named by the fetch response; read_uncommitted keeps them', () => {
    const txn = (base: number, pid: bigint, vs: string[]) =>
      buildBatch(
        vs.map((value) => ({ value })),
        { baseOffset: base, transactional: true, producerId: pid, producerEpoch: 0 },
      );
    const records = Buffer.concat([
      txn(0, 1n, ['a0', 'a1']), // producer 1: aborted
      txn(2, 2n, ['b0']), // producer 2: committed
      buildBatch([{ value: 'plain' }], { baseOffset: 3 }),
      transactionMarker('ABORT', 1n, { baseOffset: 4 }),
      transactionMarker('COMMIT', 2n, { baseOffset: 5 }),
      txn(6, 1n, ['a-next']), // producer 1's next transaction: committed later
      transactionMarker('COMMIT', 1n, { baseOffset: 7 }),
    ]);
    const aborted = [{ producerId: 1n, firstOffset: 0n }];
    const committed = readAll(new ChunkReader(chunk(records, 0n, aborted), { readCommitted: true }));
    expect(committed.map((r) => r.value)).toEqual(['b0', 'plain', 'a-next']);
    const uncommitted = readAll(new ChunkReader(chunk(records, 0n, aborted), { readCommitted: false }));
    expect(uncommitted.map((r) => r.value)).toEqual(['a0', 'a1', 'b0', 'plain', 'a-next']);
  });

  it('keeps its place when reading is interrupted', () => {
    const reader = new ChunkReader(
      chunk(
        Buffer.concat([
          buildBatch(numberedRecords('x', 3), { baseOffset: 0 }),
          buildBatch(numberedRecords('y', 3), { baseOffset: 3 }),
        ]),
      ),
      {
        readCommitted: false,
      },
    );
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) seen.push(Number(reader.next()!.offset));
    for (let r = reader.next(); r; r = reader.next()) seen.push(Number(r.offset));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('throws a ProtocolDecodeError for a corrupted batch', () => {
    const records = buildBatch(numberedRecords('c', 3), { baseOffset: 0 });
    records[records.length - 2] ^= 0xff;
    const reader = new ChunkReader(chunk(records), { readCommitted: false });
    expect(() => reader.next()).toThrow(/CRC/);
  });
});
