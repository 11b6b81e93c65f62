import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LogManager } from '../../src/storage/log-manager.js';
import { filledBatch, recordingLogger, tempDir } from './helpers.js';

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
