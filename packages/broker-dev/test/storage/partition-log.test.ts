import { BatchField, CompressionType, ErrorCode, TIMESTAMP_TYPE_MASK } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { describe, expect, test } from 'vitest';
import { CorruptRecordError, OffsetOutOfRangeError, StorageClosedError } from '../../src/storage/errors.js';
import { segmentsInHeap } from '../../src/storage/log-backend.js';
import { ListOffsetsTimestamp, PartitionLog } from '../../src/storage/partition-log.js';
import {
  BACKENDS,
  baseOffsetOf,
  crcIsValid,
  filledBatch,
  lastOffsetOf,
  offsetsIn,
  openLog,
  readAll,
} from './helpers.js';

describe.each(BACKENDS)('PartitionLog (%s)', (backend) => {
  test('assigns contiguous offsets by patching BaseOffset and leader epoch, CRC untouched', () => {
    const log = openLog(backend);
    const first = log.append(filledBatch(3, 10), { leaderEpoch: 4 });
    const second = log.append(Buffer.concat([filledBatch(2, 10), filledBatch(5, 10)]), { leaderEpoch: 4 });
    expect(first).toEqual({ baseOffset: 0, lastOffset: 2, logAppendTimeMs: -1 });
    expect(second).toEqual({ baseOffset: 3, lastOffset: 9, logAppendTimeMs: -1 });
    expect(log.highWatermark).toBe(10);
    expect(log.lastStableOffset).toBe(10);
    const batches = log.read(0, 1 << 20);
    expect(batches.map(baseOffsetOf)).toEqual([0, 3, 5]);
    expect(batches.every((b) => b.readInt32BE(12) === 4 && crcIsValid(b))).toBe(true);
    log.close();
  });

  test('reads across many segment rolls return every batch once, in order', () => {
    const log = openLog(backend, { config: { segmentBytes: 4096, indexIntervalBytes: 512 } });
    for (let i = 0; i < 300; i++) log.append(filledBatch(1 + (i % 4), 20 + (i % 50)), { leaderEpoch: 0 });
    expect(log.segmentCount).toBeGreaterThan(10);
    const all = readAll(log, 3000);
    expect(offsetsIn(all)).toEqual(Array.from({ length: log.highWatermark }, (_, i) => i));
    expect(all.every(crcIsValid)).toBe(true);
    log.close();
  });

  test('a read starts at the batch containing any offset (sparse index + header walk)', () => {
    const log = openLog(backend, { config: { segmentBytes: 20_000, indexIntervalBytes: 300 } });
    const bounds: Array<[number, number]> = [];
    for (let i = 0; i < 400; i++) {
      const { baseOffset, lastOffset } = log.append(filledBatch(1 + (i % 7), 30), { leaderEpoch: 0 });
      bounds.push([baseOffset, lastOffset]);
    }
    for (let i = 0; i < 300; i++) {
      const offset = Math.floor(Math.random() * log.highWatermark);
      const [batch] = log.read(offset, 1);
      expect(baseOffsetOf(batch)).toBeLessThanOrEqual(offset);
      expect(lastOffsetOf(batch)).toBeGreaterThanOrEqual(offset);
      expect(bounds).toContainEqual([baseOffsetOf(batch), lastOffsetOf(batch)]);
    }
    log.close();
  });

  test('maxBytes takes whole batches only; minOneBatch returns an oversized first batch (KIP-74)', () => {
    const log = openLog(backend);
    const sizes = [1000, 200, 200, 5000].map((valueSize) => {
      const batch = filledBatch(1, valueSize);
      log.append(batch, { leaderEpoch: 0 });
      return batch.length;
    });
    expect(log.read(0, sizes[0] + sizes[1] + 10).map(baseOffsetOf)).toEqual([0, 1]);
    expect(log.read(0, sizes[0] - 1).map(baseOffsetOf)).toEqual([0]);
    expect(log.read(0, sizes[0] - 1, { minOneBatch: false })).toEqual([]);
    expect(log.read(1, sizes[1] + sizes[2] + 100).map(baseOffsetOf)).toEqual([1, 2]);
    expect(log.read(3, 10).map((b) => b.length)).toEqual([sizes[3]]);
    expect(log.read(0, 1 << 20, { maxOffset: 2 }).map(baseOffsetOf)).toEqual([0, 1]);
    log.close();
  });

  test('fetches outside [logStartOffset, highWatermark] are OFFSET_OUT_OF_RANGE; at the HWM they are empty', () => {
    const log = openLog(backend);
    log.append(filledBatch(5, 10), { leaderEpoch: 0 });
    expect(log.read(5, 1000)).toEqual([]);
    expect(() => log.read(6, 1000)).toThrow(OffsetOutOfRangeError);
    log.deleteRecordsBefore(2);
    const error = (() => {
      try {
        log.read(1, 1000);
      } catch (e) {
        return e as OffsetOutOfRangeError;
      }
    })();
    expect(error).toBeInstanceOf(OffsetOutOfRangeError);
    expect(error?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect([error?.logStartOffset, error?.highWatermark]).toEqual([2, 5]);
    expect(log.read(2, 1000).map(baseOffsetOf)).toEqual([0]);
    log.close();
  });

  test('rejects malformed input without changing the log', () => {
    const log = openLog(backend);
    log.append(filledBatch(2, 10), { leaderEpoch: 0 });
    const batch = filledBatch(2, 10);
    expect(() => log.append(batch.subarray(0, batch.length - 3), { leaderEpoch: 0 })).toThrow(
      CorruptRecordError,
    );
    expect(() => log.append(Buffer.alloc(0), { leaderEpoch: 0 })).toThrow(CorruptRecordError);
    expect(log.highWatermark).toBe(2);
    log.close();
    expect(() => log.read(0, 10)).toThrow(StorageClosedError);
  });

  test('LogAppendTime topics stamp MaxTimestamp and the timestamp type, with a fresh CRC', () => {
    const log = openLog(backend, { config: { messageTimestampType: 'LogAppendTime' } });
    const result = log.append(filledBatch(2, 10, 1000), { leaderEpoch: 0, logAppendTimeMs: 123_456 });
    expect(result.logAppendTimeMs).toBe(123_456);
    const [stored] = log.read(0, 1000);
    expect(Number(stored.readBigInt64BE(BatchField.maxTimestamp))).toBe(123_456);
    expect(stored.readInt16BE(BatchField.attributes) & TIMESTAMP_TYPE_MASK).toBe(0x08);
    expect(crcIsValid(stored)).toBe(true);
    expect(log.offsetForTimestamp(100_000)).toEqual({ offset: 0, timestamp: 123_456 });
    log.close();
  });

  test('offsetForTimestamp finds the first record at or after a timestamp, inside batches too', () => {
    const log = openLog(backend, { config: { segmentBytes: 2000, indexIntervalBytes: 100 } });
    for (let i = 0; i < 100; i++) {
      const records = [0, 1, 2].map((j) => ({
        key: 'k',
        value: 'x'.repeat(40),
        timestamp: 10_000 + i * 30 + j * 10,
      }));
      log.append(
        buildBatch(records, { compression: i % 2 === 1 ? CompressionType.GZIP : CompressionType.None }),
        { leaderEpoch: 0 },
      );
    }
    // Record n has timestamp 10_000 + n * 10.
    for (const n of [0, 1, 2, 3, 17, 150, 299]) {
      expect(log.offsetForTimestamp(10_000 + n * 10)).toEqual({ offset: n, timestamp: 10_000 + n * 10 });
      expect(log.offsetForTimestamp(10_000 + n * 10 - 5)).toEqual({ offset: n, timestamp: 10_000 + n * 10 });
    }
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 10_000 });
    expect(log.offsetForTimestamp(99_999)).toBeUndefined();
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.earliest)).toEqual({ offset: 0, timestamp: -1 });
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.latest)).toEqual({ offset: 300, timestamp: -1 });
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.maxTimestamp)).toEqual({
      offset: 299,
      timestamp: 12_990,
    });
    log.deleteRecordsBefore(100);
    expect(log.offsetForTimestamp(10_000)).toEqual({ offset: 100, timestamp: 11_000 });
    log.close();
  });

  test('leader epochs answer OffsetForLeaderEpoch', () => {
    const log = openLog(backend);
    expect(log.endOffsetForLeaderEpoch(0)).toEqual({ leaderEpoch: -1, endOffset: -1 });
    log.append(filledBatch(5, 10), { leaderEpoch: 1 });
    log.append(filledBatch(5, 10), { leaderEpoch: 3 });
    log.append(filledBatch(5, 10), { leaderEpoch: 3 });
    expect(log.endOffsetForLeaderEpoch(3)).toEqual({ leaderEpoch: 3, endOffset: 15 });
    expect(log.endOffsetForLeaderEpoch(2)).toEqual({ leaderEpoch: 1, endOffset: 5 });
    expect(log.endOffsetForLeaderEpoch(0)).toEqual({ leaderEpoch: 0, endOffset: 0 });
    expect(log.endOffsetForLeaderEpoch(4)).toEqual({ leaderEpoch: -1, endOffset: -1 });
    if (backend === 'disk') {
      const reopened = log.reopen();
      expect(reopened.endOffsetForLeaderEpoch(2)).toEqual({ leaderEpoch: 1, endOffset: 5 });
      reopened.close();
    } else log.close();
  });

  test('a leadership change records its epoch at the log end; an epoch without writes is replaced', () => {
    const log = openLog(backend);
    log.startLeaderEpoch(0);
    expect(log.latestLeaderEpoch).toBe(0);
    log.append(filledBatch(3, 10), { leaderEpoch: 0 });
    log.startLeaderEpoch(1);
    expect(log.endOffsetForLeaderEpoch(1)).toEqual({ leaderEpoch: 1, endOffset: 3 });
    expect(log.endOffsetForLeaderEpoch(0)).toEqual({ leaderEpoch: 0, endOffset: 3 });
    // Epoch 1 saw no writes: epoch 2 replaces it, as in Kafka.
    log.startLeaderEpoch(2);
    expect(log.latestLeaderEpoch).toBe(2);
    expect(log.endOffsetForLeaderEpoch(1)).toEqual({ leaderEpoch: 0, endOffset: 3 });
    log.append(filledBatch(2, 10), { leaderEpoch: 2 });
    log.startLeaderEpoch(2);
    expect(log.endOffsetForLeaderEpoch(2)).toEqual({ leaderEpoch: 2, endOffset: 5 });
    log.startLeaderEpoch(3);
    expect(log.endOffsetForLeaderEpoch(2)).toEqual({ leaderEpoch: 2, endOffset: 5 });
    expect(log.endOffsetForLeaderEpoch(4)).toEqual({ leaderEpoch: -1, endOffset: -1 });
    if (backend === 'disk') {
      // Also after a crash (no clean shutdown): the epoch that began at the log end is kept.
      const crashed = PartitionLog.open({
        topic: 't',
        partition: 0,
        dataDir: log.directory!.replace(/\/t-0$/, ''),
      });
      expect(crashed.latestLeaderEpoch).toBe(3);
      expect(crashed.endOffsetForLeaderEpoch(1)).toEqual({ leaderEpoch: 0, endOffset: 3 });
      expect(crashed.endOffsetForLeaderEpoch(3)).toEqual({ leaderEpoch: 3, endOffset: 5 });
      crashed.close();
    }
    log.close();
  });

  test('DeleteRecords advances the log start offset, deletes whole segments below it and persists', () => {
    const log = openLog(backend, { config: { segmentBytes: 1000 } });
    for (let i = 0; i < 50; i++) log.append(filledBatch(2, 50), { leaderEpoch: 0 });
    const segments = log.segmentCount;
    expect(log.deleteRecordsBefore(41)).toBe(41);
    expect(log.logStartOffset).toBe(41);
    expect(log.segmentCount).toBeLessThan(segments);
    expect(log.segmentInfo()[0].baseOffset).toBeLessThanOrEqual(41);
    expect(log.read(41, 10).map(baseOffsetOf)).toEqual([40]);
    expect(log.deleteRecordsBefore(10)).toBe(41);
    expect(() => log.deleteRecordsBefore(101)).toThrow(OffsetOutOfRangeError);
    if (backend === 'disk') {
      const reopened = log.reopen();
      expect(reopened.logStartOffset).toBe(41);
      reopened.deleteRecordsBefore(100);
      expect(reopened.segmentCount).toBe(1);
      expect(reopened.sizeInBytes).toBe(0);
      expect(reopened.append(filledBatch(1, 10), { leaderEpoch: 0 }).baseOffset).toBe(100);
      reopened.close();
    } else {
      log.deleteRecordsBefore(100);
      expect(log.sizeInBytes).toBe(0);
      expect(log.logStartOffset).toBe(100);
      log.close();
    }
  });

  test('truncateTo cuts at a batch boundary, across segments, and appends continue from there', () => {
    const log = openLog(backend, { config: { segmentBytes: 1500 } });
    for (let i = 0; i < 40; i++) log.append(filledBatch(3, 40), { leaderEpoch: i < 20 ? 1 : 2 });
    expect(log.truncateTo(200)).toBe(120);
    expect(log.truncateTo(61)).toBe(60);
    expect(log.endOffsetForLeaderEpoch(2)).toEqual({ leaderEpoch: -1, endOffset: -1 });
    expect(log.endOffsetForLeaderEpoch(1)).toEqual({ leaderEpoch: 1, endOffset: 60 });
    expect(log.append(filledBatch(2, 40), { leaderEpoch: 3 }).baseOffset).toBe(60);
    expect(offsetsIn(readAll(log))).toEqual(Array.from({ length: 62 }, (_, i) => i));
    const reopened = backend === 'disk' ? log.reopen() : log;
    expect(reopened.highWatermark).toBe(62);
    expect(offsetsIn(readAll(reopened))).toEqual(Array.from({ length: 62 }, (_, i) => i));
    reopened.close();
  });

  test('segment.ms rolls an old active segment on the next append', () => {
    let now = 1_000_000;
    const log = openLog(backend, { config: { segmentMs: 60_000 }, now: () => now });
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    now += 59_000;
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    expect(log.segmentCount).toBe(1);
    now += 2_000;
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    expect(log.segmentInfo().map((s) => s.baseOffset)).toEqual([0, 2]);
    log.close();
  });

  test('the caller may reuse its buffer after append', () => {
    const log = openLog(backend);
    const buffer = filledBatch(2, 10);
    log.append(buffer, { leaderEpoch: 0 });
    const copy = Buffer.from(log.read(0, 1000)[0]);
    buffer.fill(0);
    expect(log.read(0, 1000)[0].equals(copy)).toBe(true);
    log.close();
  });

  test('an adopted buffer is kept as it is in heap memory and written out elsewhere', () => {
    const log = openLog(backend, { config: { segmentBytes: 3000 } });
    // Each in an ArrayBuffer of its own (not Buffer's shared pool), so identity means no copy.
    const buffers = Array.from({ length: 6 }, (_, i) => {
      const batch = filledBatch(1 + i, 200);
      const own = Buffer.from(new ArrayBuffer(batch.length));
      batch.copy(own);
      return own;
    });
    for (const buffer of buffers) log.append(buffer, { leaderEpoch: 2, adopt: true });
    const read = readAll(log);
    expect(offsetsIn(read)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(read.every(crcIsValid)).toBe(true);
    // Heap segments read back the caller's own bytes (offsets patched in place): no copy.
    const inHeap = backend === 'heap' || (backend === 'memory' && segmentsInHeap());
    expect(read.map((b, i) => b.buffer === buffers[i].buffer)).toEqual(read.map(() => inHeap));
    expect(log.segmentCount).toBeGreaterThan(1);
    log.close();
  });
});
