import { describe, expect, test } from 'vitest';
import { OffsetOutOfRangeError } from '../../src/storage/errors.js';
import { BACKENDS, filledBatch, offsetsIn, openLog, readAll } from './helpers.js';

const HOUR = 3_600_000;

describe.each(BACKENDS)('retention (%s)', (backend) => {
  test('retention.ms deletes whole segments whose newest record is too old, oldest first', () => {
    const log = openLog(backend, { config: { segmentBytes: 1500, retentionMs: 10 * HOUR } });
    // Ten segments' worth of batches, one hour apart.
    for (let hour = 0; hour < 30; hour++) log.append(filledBatch(2, 200, hour * HOUR), { leaderEpoch: 0 });
    const before = log.segmentInfo();
    const result = log.applyRetention(25 * HOUR);
    const expired = before.filter((s, i) => i < before.length - 1 && s.maxTimestamp < 15 * HOUR);
    expect(result.deletedSegments).toBe(expired.length);
    expect(result.deletedBytes).toBe(expired.reduce((n, s) => n + s.sizeInBytes, 0));
    expect(log.logStartOffset).toBe(before[expired.length].baseOffset);
    expect(result.logStartOffset).toBe(log.logStartOffset);
    expect(() => log.read(0, 100)).toThrow(OffsetOutOfRangeError);
    expect(offsetsIn(readAll(log))[0]).toBe(log.logStartOffset);
    log.close();
  });

  test('when everything expired the active segment is rolled and deleted too; offsets continue', () => {
    const log = openLog(backend, { config: { retentionMs: HOUR } });
    for (let i = 0; i < 5; i++) log.append(filledBatch(2, 50, 0), { leaderEpoch: 0 });
    const result = log.applyRetention(2 * HOUR);
    expect(result.deletedSegments).toBe(1);
    expect(log.sizeInBytes).toBe(0);
    expect(log.logStartOffset).toBe(10);
    expect(log.highWatermark).toBe(10);
    expect(log.read(10, 100)).toEqual([]);
    expect(log.append(filledBatch(1, 10, 0), { leaderEpoch: 0 }).baseOffset).toBe(10);
    expect(log.applyRetention(2 * HOUR).deletedSegments).toBe(1);
    log.close();
  });

  test('retention.bytes keeps the partition under the limit by deleting oldest segments', () => {
    const log = openLog(backend, { config: { segmentBytes: 2000, retentionBytes: 5000, retentionMs: -1 } });
    for (let i = 0; i < 40; i++) log.append(filledBatch(1, 300), { leaderEpoch: 0 });
    const total = log.sizeInBytes;
    const { deletedBytes } = log.applyRetention(Date.now());
    expect(log.sizeInBytes).toBe(total - deletedBytes);
    expect(log.sizeInBytes).toBeLessThanOrEqual(5000 + log.segmentInfo()[0].sizeInBytes);
    expect(log.sizeInBytes - log.segmentInfo()[0].sizeInBytes).toBeLessThan(5000);
    expect(offsetsIn(readAll(log)).at(-1)).toBe(39);
    log.close();
  });

  test('nothing is deleted for cleanup.policy=compact or unlimited retention', () => {
    const compacted = openLog(backend, {
      config: { segmentBytes: 1000, retentionMs: 1, cleanupPolicy: { delete: false, compact: true } },
    });
    const unlimited = openLog(backend, {
      config: { segmentBytes: 1000, retentionMs: -1, retentionBytes: -1 },
    });
    for (const log of [compacted, unlimited]) {
      for (let i = 0; i < 20; i++) log.append(filledBatch(1, 200, 0), { leaderEpoch: 0 });
      expect(log.applyRetention(Date.now()).deletedSegments).toBe(0);
      expect(log.logStartOffset).toBe(0);
      log.close();
    }
  });

  if (backend === 'disk') {
    test('deleted segments are gone from disk and stay gone after restart', () => {
      const log = openLog(backend, { config: { segmentBytes: 1500, retentionMs: HOUR } });
      for (let hour = 0; hour < 20; hour++) log.append(filledBatch(2, 200, hour * HOUR), { leaderEpoch: 0 });
      log.applyRetention(15 * HOUR);
      const start = log.logStartOffset;
      const reopened = log.reopen();
      expect(reopened.logStartOffset).toBe(start);
      expect(offsetsIn(readAll(reopened))[0]).toBe(start);
      reopened.close();
    });
  }
});
