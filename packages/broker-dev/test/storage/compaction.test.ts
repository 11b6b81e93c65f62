import { BatchField, CONTROL_FLAG_MASK, CompressionType } from '@samsa/protocol';
import { buildBatch, type TestRecord, transactionMarker } from '@samsa/test-support/record-batches';
import { describe, expect, test } from 'vitest';
import { gzipOnlyCodecs } from '../../src/storage/compression.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';
import { decodeRecords } from '../../src/storage/records.js';
import { BACKENDS, baseOffsetOf, crcIsValid, lastOffsetOf, openLog, readAll } from './helpers.js';

const DAY = 86_400_000;
const compactConfig = {
  segmentBytes: 1200,
  cleanupPolicy: { delete: false, compact: true },
  deleteRetentionMs: DAY,
};

/** Every record in the log as [offset, key, value] (value null for tombstones). */
function contents(log: PartitionLog): Array<[number, string, string | null]> {
  return readAll(log).flatMap((batch) =>
    decodeRecords(batch, gzipOnlyCodecs).map(
      (r) =>
        [r.offset, r.key?.toString() ?? '', r.value?.toString() ?? null] as [number, string, string | null],
    ),
  );
}

function produce(log: PartitionLog, records: TestRecord[], options: { gzip?: boolean } = {}) {
  const compression = options.gzip ? CompressionType.GZIP : CompressionType.None;
  return log.append(buildBatch(records, { timestamp: 1000, compression }), { leaderEpoch: 0 });
}

describe.each(BACKENDS)('compaction (%s)', (backend) => {
  test('keeps the latest record per key with its original offset, in order; active segment untouched', () => {
    const log = openLog(backend, { config: compactConfig });
    const expected = new Map<string, [number, string]>();
    for (let i = 0; i < 120; i++) {
      const key = `key-${(i * 7) % 11}`;
      const value = `value-${i}-${'x'.repeat(i % 30)}`;
      const { baseOffset } = produce(log, [{ key, value, timestamp: 1000 + i }], { gzip: i % 3 === 0 });
      expected.set(key, [baseOffset, value]);
    }
    const active = log.segmentInfo().at(-1)!;
    const activeBefore = log.read(active.baseOffset, 1 << 20).map((b) => Buffer.from(b));
    const hwm = log.highWatermark;

    const result = log.compact(10 * DAY)!;
    expect(result.recordsRemoved).toBeGreaterThan(0);
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect(log.highWatermark).toBe(hwm);
    const activeAfter = log.read(active.baseOffset, 1 << 20);
    expect(activeAfter.length).toBe(activeBefore.length);
    expect(activeAfter.every((b, i) => b.equals(activeBefore[i]))).toBe(true);

    const records = contents(log);
    const offsets = records.map(([offset]) => offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    const latest = new Map(records.map(([offset, key, value]) => [key, [offset, value]]));
    expect(latest).toEqual(expected);
    // Below the active segment every key appears at most once.
    const cleaned = records.filter(([offset]) => offset < active.baseOffset).map(([, key]) => key);
    expect(new Set(cleaned).size).toBe(cleaned.length);
    expect(readAll(log).every(crcIsValid)).toBe(true);
    expect(log.compact(10 * DAY)).toBeUndefined();
    log.close();
  });

  test('a read at a compacted-away offset starts at the next surviving record', () => {
    const log = openLog(backend, { config: compactConfig });
    for (let i = 0; i < 60; i++) produce(log, [{ key: i < 50 ? 'same' : `k${i}`, value: 'v'.repeat(50) }]);
    log.compact(DAY);
    const [first] = log.read(0, 1);
    expect(baseOffsetOf(first)).toBeGreaterThan(0);
    const [mid] = log.read(10, 1);
    expect(lastOffsetOf(mid)).toBeGreaterThanOrEqual(10);
    log.close();
  });

  test('tombstones survive the first cleaning for delete.retention.ms, then disappear', () => {
    const log = openLog(backend, { config: compactConfig });
    for (let i = 0; i < 10; i++) produce(log, [{ key: `k${i}`, value: 'v'.repeat(80) }]);
    produce(log, [{ key: 'k3', value: null }]);
    produce(log, [{ key: 'k4', value: null }]);
    for (let i = 0; i < 30; i++) produce(log, [{ key: `other${i}`, value: 'v'.repeat(80) }]);

    const t0 = 5 * DAY;
    log.compact(t0);
    let records = contents(log);
    expect(records.filter(([, key]) => key === 'k3')).toEqual([[10, 'k3', null]]);
    expect(records.filter(([, key]) => key === 'k4')).toEqual([[11, 'k4', null]]);
    expect(log.compact(t0 + DAY / 2)).toBeUndefined();

    log.compact(t0 + DAY + 1);
    records = contents(log);
    expect(records.some(([, key]) => key === 'k3' || key === 'k4')).toBe(false);
    expect(records.filter(([, key]) => key.startsWith('k')).map(([, key]) => key)).toEqual([
      'k0',
      'k1',
      'k2',
      'k5',
      'k6',
      'k7',
      'k8',
      'k9',
    ]);
    log.close();
  });

  test('min.compaction.lag.ms keeps recent segments uncleaned', () => {
    const log = openLog(backend, { config: { ...compactConfig, minCompactionLagMs: DAY } });
    for (let i = 0; i < 40; i++) produce(log, [{ key: 'same', value: 'v'.repeat(80), timestamp: 1000 }]);
    expect(log.compact(1000 + DAY - 1)).toBeUndefined();
    expect(log.compact(1000 + DAY)).toBeDefined();
    log.close();
  });

  test("an emptied batch is kept when it is its producer's last; control batches follow their data", () => {
    const log = openLog(backend, { config: compactConfig });
    log.append(
      buildBatch([{ key: 'a', value: 'old' }], {
        producerId: 42,
        producerEpoch: 0,
        baseSequence: 0,
        timestamp: 1000,
      }),
      {
        leaderEpoch: 0,
      },
    );
    log.append(
      buildBatch([{ key: 'b', value: 'old' }], {
        producerId: 42,
        producerEpoch: 0,
        baseSequence: 1,
        timestamp: 1000,
      }),
      {
        leaderEpoch: 0,
      },
    );
    log.append(transactionMarker('COMMIT', 42, { timestamp: 1000 }), { leaderEpoch: 0 });
    for (let i = 0; i < 30; i++) produce(log, [{ key: i % 2 ? 'a' : 'b', value: 'new'.repeat(30) }]);
    log.compact(DAY);
    const batches = readAll(log);
    const producerBatches = batches.filter((b) => Number(b.readBigInt64BE(BatchField.producerId)) === 42);
    // The first batch goes; the producer's last one stays, empty, keeping its offsets and sequence.
    const emptied = producerBatches.find((b) => b.readInt32BE(BatchField.recordsCount) === 0)!;
    expect(baseOffsetOf(emptied)).toBe(1);
    expect(emptied.readInt32BE(BatchField.baseSequence)).toBe(1);
    expect(producerBatches.some((b) => b.readInt16BE(BatchField.attributes) & CONTROL_FLAG_MASK)).toBe(true);
    // After the horizon the marker goes too: its transaction has no data left.
    log.compact(3 * DAY);
    expect(readAll(log).some((b) => b.readInt16BE(BatchField.attributes) & CONTROL_FLAG_MASK)).toBe(false);
    log.close();
  });

  test('cleaned segments are merged up to segment.bytes and the result survives a restart', () => {
    const log = openLog(backend, { config: compactConfig });
    for (let i = 0; i < 200; i++) produce(log, [{ key: `k${i % 5}`, value: 'v'.repeat(100) }]);
    const before = log.segmentCount;
    const latest = contents(log).slice(-5);
    log.compact(DAY);
    expect(log.segmentCount).toBeLessThan(before / 4);
    const again = backend === 'disk' ? log.reopen() : log;
    expect(contents(again).slice(-5)).toEqual(latest);
    expect(again.highWatermark).toBe(200);
    again.close();
  });
});

describe.each(BACKENDS)('compaction of transactional data (%s)', (backend) => {
  /** Transactional batches and markers of one producer, sequences in order. */
  function transactional(log: PartitionLog, producerId: number) {
    let sequence = 0;
    return {
      write(records: TestRecord[]) {
        const batch = buildBatch(records, {
          producerId,
          producerEpoch: 0,
          baseSequence: sequence,
          transactional: true,
          timestamp: 1000,
        });
        sequence += records.length;
        return log.append(batch, { leaderEpoch: 0 }).baseOffset;
      },
      end(type: 'COMMIT' | 'ABORT') {
        return log.append(transactionMarker(type, producerId, { timestamp: 1000 }), { leaderEpoch: 0 })
          .baseOffset;
      },
    };
  }
  const filler = (log: PartitionLog, count: number) => {
    for (let i = 0; i < count; i++) produce(log, [{ key: `fill${i}`, value: 'f'.repeat(80) }]);
  };
  const markers = (log: PartitionLog) =>
    readAll(log)
      .filter((b) => b.readInt16BE(BatchField.attributes) & CONTROL_FLAG_MASK)
      .map((b) => [baseOffsetOf(b), b.readInt32BE(BatchField.recordsCount)]);

  test('aborted records go whatever their keys, and never hide an older committed value of their key', () => {
    const log = openLog(backend, { config: compactConfig });
    produce(log, [{ key: 'k', value: 'committed-before' }]); // 0
    const aborting = transactional(log, 5);
    aborting.write([
      { key: 'k', value: 'aborted' },
      { key: 'only-aborted', value: 'aborted' },
    ]); // 1-2
    const abortAt = aborting.end('ABORT'); // 3
    const committing = transactional(log, 6);
    committing.write([{ key: 'm', value: 'committed' }]); // 4
    committing.end('COMMIT'); // 5
    filler(log, 30);
    log.compact(DAY);
    const records = contents(log);
    expect(records.filter(([, key]) => key === 'k')).toEqual([[0, 'k', 'committed-before']]);
    expect(records.some(([, key]) => key === 'only-aborted')).toBe(false);
    expect(records.filter(([, key]) => key === 'm')).toEqual([[4, 'm', 'committed']]);
    // The aborted batch is producer 5's last: kept, emptied, so its marker and index entry stay too.
    expect(markers(log)).toEqual([
      [abortAt, 1],
      [5, 1],
    ]);
    expect(
      log.collectAbortedTransactions(0, log.highWatermark).map((t) => [t.producerId, t.lastOffset]),
    ).toEqual([[5, abortAt]]);
    log.close();
  });

  test("a marker stays while its transaction has data, the producer's kept last batch included; then it goes after its horizon", () => {
    const log = openLog(backend, { config: compactConfig });
    const p = transactional(log, 7);
    p.write([{ key: 'a', value: 'old' }]); // 0
    p.end('COMMIT'); // 1
    filler(log, 20);
    log.compact(DAY);
    expect(markers(log)).toEqual([[1, 1]]);
    // A newer 'a' supersedes the transaction's only record, but the batch is producer 7's last: kept empty.
    produce(log, [{ key: 'a', value: 'new' }]);
    filler(log, 20);
    log.compact(DAY);
    expect(markers(log)).toEqual([[1, 1]]);
    // Once the producer's state expired its batch can go; the cleaning after that finds the marker's
    // transaction empty and stamps its horizon.
    expect(log.removeExpiredProducers(1, DAY)).toBe(1);
    for (let round = 0; round < 2; round++) {
      filler(log, 20);
      log.compact(DAY);
    }
    expect(markers(log)).toEqual([[1, 1]]);
    log.compact(3 * DAY);
    expect(markers(log)).toEqual([]);
    log.close();
  });

  test('segments at or past the last stable offset are not cleaned until the transaction ends', () => {
    const log = openLog(backend, { config: compactConfig });
    produce(log, [{ key: 'x', value: 'first' }]);
    filler(log, 12);
    const open = transactional(log, 9);
    open.write([{ key: 'x', value: 'in-flight' }]);
    for (let i = 0; i < 30; i++) produce(log, [{ key: 'x', value: `later-${i}-${'p'.repeat(60)}` }]);
    const lso = log.lastStableOffset;
    const beforeUnstable = readAll(log)
      .filter((b) => baseOffsetOf(b) >= lso)
      .map((b) => Buffer.from(b));
    log.compact(DAY);
    const afterUnstable = readAll(log).filter((b) => baseOffsetOf(b) >= lso);
    expect(afterUnstable.length).toBe(beforeUnstable.length);
    expect(afterUnstable.every((b, i) => b.equals(beforeUnstable[i]))).toBe(true);
    open.end('ABORT');
    filler(log, 12);
    log.compact(DAY);
    const xs = contents(log).filter(([, key]) => key === 'x');
    expect(xs.some(([, , value]) => value === 'in-flight')).toBe(false);
    expect(xs.filter(([offset]) => offset < log.segmentInfo().at(-1)!.baseOffset)).toHaveLength(1);
    log.close();
  });
});
