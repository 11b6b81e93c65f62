import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LogManager, type LogManagerOptions } from '../../src/storage/log-manager.js';
import { crcIsValid, filledBatch, offsetsIn, readAll, recordingLogger, tempDir } from './helpers.js';

describe.each(['memory', 'disk'] as const)('LogManager (%s)', (mode) => {
  test('opens partition logs on demand, totals them, deletes topics', () => {
    const dataDir = mode === 'disk' ? tempDir() : undefined;
    const manager = LogManager.open({
      dataDir,
      logger: recordingLogger(),
      defaultConfig: { segmentBytes: 2000 },
    });
    for (const [topic, partition] of [
      ['orders', 0],
      ['orders', 1],
      ['audit-log', 0],
    ] as const) {
      const log = manager.getOrCreate(topic, partition);
      for (let i = 0; i < 10; i++) log.append(filledBatch(2, 100), { leaderEpoch: 0 });
    }
    expect(manager.getOrCreate('orders', 0)).toBe(manager.get('orders', 0));
    expect(manager.get('orders', 0)?.config.segmentBytes).toBe(2000);
    const totals = manager.totals();
    expect(totals.partitions).toBe(3);
    expect(totals.segments).toBeGreaterThan(3);
    expect(totals.sizeInBytes).toBe(manager.logs().reduce((n, log) => n + log.sizeInBytes, 0));
    if (dataDir) {
      expect(manager.partitionsOnDisk().sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
        { topic: 'audit-log', partition: 0 },
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
      ]);
    }
    manager.deleteTopic('orders');
    expect(manager.get('orders', 0)).toBeUndefined();
    expect(manager.totals().partitions).toBe(1);
    if (dataDir) expect(existsSync(path.join(dataDir, 'orders-0'))).toBe(false);
    manager.updateTopicConfig('audit-log', { retentionMs: 1 });
    expect(manager.applyRetention(Date.now() + 10 ** 13).deletedSegments).toBeGreaterThan(0);
    manager.close();
  });

  if (mode === 'disk') {
    test('reopens existing partitions with their data after a restart', () => {
      const dataDir = tempDir();
      const first = LogManager.open({ dataDir, logger: recordingLogger() });
      first.getOrCreate('t', 2).append(filledBatch(5, 10), { leaderEpoch: 0 });
      first.close();
      const second = LogManager.open({ dataDir, logger: recordingLogger() });
      expect(second.partitionsOnDisk()).toEqual([{ topic: 't', partition: 2 }]);
      expect(second.getOrCreate('t', 2).highWatermark).toBe(5);
      second.deleteTopic('t');
      expect(second.partitionsOnDisk()).toEqual([]);
      second.close();
    });
  }
});

describe('LogManager with many partitions on disk', () => {
  const PARTITIONS = 30;
  /** Small segments, so partitions roll; every third partition gets an active segment to checkpoint. */
  const options = (dataDir: string, extra: Partial<LogManagerOptions> = {}): LogManagerOptions => ({
    dataDir,
    logger: recordingLogger(),
    defaultConfig: { segmentBytes: 3000, indexIntervalBytes: 256 },
    checkpointMinBytes: 1500,
    ...extra,
  });
  /** Partition p gets 1 + (p * 7) % 23 batches of 1-3 records (its active segment some 0-3000 bytes). */
  const fill = (manager: LogManager, round: number): Map<number, number> => {
    const appended = new Map<number, number>();
    for (let p = 0; p < PARTITIONS; p++) {
      const log = manager.getOrCreate('t', p);
      const batches = 1 + ((p * 7 + round) % 23);
      for (let i = 0; i < batches; i++) log.append(filledBatch(1 + (i % 3), 60), { leaderEpoch: round });
      appended.set(p, log.highWatermark);
    }
    return appended;
  };
  /** Every partition holds offsets 0..hwm-1 contiguously in intact batches, as many as were acknowledged. */
  const expectIntact = (manager: LogManager, expected: Map<number, number>) => {
    for (let p = 0; p < PARTITIONS; p++) {
      const log = manager.getOrCreate('t', p);
      expect(log.highWatermark, `partition ${p}`).toBe(expected.get(p));
      const batches = readAll(log);
      expect(batches.every(crcIsValid)).toBe(true);
      const offsets = offsetsIn(batches);
      expect(offsets.length).toBe(log.highWatermark);
      expect(offsets.every((offset, i) => offset === i)).toBe(true);
    }
  };

  test('closeAsync then a deferred-sync open loses nothing; checkpoints only the large active segments', async () => {
    const dataDir = tempDir();
    const first = LogManager.open(options(dataDir));
    const expected = fill(first, 0);
    const large = first.logs().filter((log) => (log.segmentInfo().at(-1)?.sizeInBytes ?? 0) >= 1500);
    expect(large.length).toBeGreaterThan(0);
    expect(large.length).toBeLessThan(PARTITIONS);
    await first.closeAsync();
    const marked = readdirSync(dataDir).filter((dir) =>
      existsSync(path.join(dataDir, dir, '.clean-shutdown')),
    );
    expect(marked.sort()).toEqual(large.map((log) => log.name).sort());

    const second = LogManager.open(options(dataDir, { deferRecoverySyncs: true }));
    expectIntact(second, expected);
    // Opening removed every marker; syncing those removals is what the deferred syncs are for.
    expect(readdirSync(dataDir).some((dir) => existsSync(path.join(dataDir, dir, '.clean-shutdown')))).toBe(
      false,
    );
    await second.syncRecoveredDirectories();
    const more = fill(second, 1);
    await second.closeAsync();

    const third = LogManager.open(options(dataDir));
    expectIntact(third, more);
    third.close();
  });

  test('after a kill with torn tails in some partitions, a deferred-sync open keeps every acknowledged batch', async () => {
    const dataDir = tempDir();
    const first = LogManager.open(options(dataDir));
    fill(first, 0);
    await first.closeAsync();
    const second = LogManager.open(options(dataDir, { deferRecoverySyncs: true }));
    await second.syncRecoveredDirectories();
    const acknowledged = fill(second, 1);
    // A kill: no close. Every fifth partition's active segment ends in a torn write.
    for (let p = 0; p < PARTITIONS; p += 5) {
      const log = second.getOrCreate('t', p);
      const active = log.segmentInfo().at(-1)!;
      const file = path.join(dataDir, `t-${p}`, `${String(active.baseOffset).padStart(20, '0')}.log`);
      appendFileSync(file, filledBatch(3, 60).subarray(0, 70));
    }
    const logger = recordingLogger();
    const third = LogManager.open(options(dataDir, { deferRecoverySyncs: true, logger }));
    expectIntact(third, acknowledged);
    await third.syncRecoveredDirectories();
    expect(logger.lines.filter((line) => line.includes('truncating segment'))).toHaveLength(PARTITIONS / 5);
    // Appends after the repair continue the offsets.
    for (let p = 0; p < PARTITIONS; p++) {
      const log = third.getOrCreate('t', p);
      expect(log.append(filledBatch(1, 10), { leaderEpoch: 2 }).baseOffset).toBe(acknowledged.get(p));
    }
    await third.closeAsync();
  });
});
