/**
 * PartitionLog's flush policy, Kafka's flush.messages and flush.ms: fsync once that many records, or that
 * much time, passed since the last fsync. fsyncs are observed through a tracking node:fs (power-loss-fs.ts)
 * and time through an injected clock, so nothing here depends on the machine's speed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PartitionLog } from '../../src/storage/partition-log.js';
import { silentStorageLogger } from '../../src/storage/storage-logger.js';
import type { SyncTracker } from '../helpers/power-loss-fs.js';
import { filledBatch } from './helpers.js';

const fsState = vi.hoisted(() => ({ tracker: undefined as SyncTracker | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const { SyncTracker, trackingFs } = await import('../helpers/power-loss-fs.js');
  fsState.tracker = new SyncTracker(real);
  return trackingFs(real, fsState.tracker);
});

let dataDir: string;
let clock: number;
let log: PartitionLog;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-flush-'));
  fsState.tracker!.track(dataDir);
  clock = 1_000_000;
});
afterEach(() => {
  log?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function open(config: { flushMessages?: number; flushMs?: number }, syncWrites = false): PartitionLog {
  log = PartitionLog.open({
    topic: 'flush',
    partition: 0,
    dataDir,
    config,
    syncWrites,
    logger: silentStorageLogger,
    now: () => clock,
  });
  return log;
}

/** Bytes of the partition's segment files a power loss would lose now. */
function unsynced(): number {
  const tracker = fsState.tracker!;
  return tracker.files(dataDir, '.log').reduce((sum, file) => sum + tracker.unsyncedBytes(file), 0);
}

describe('flush.messages', () => {
  it('fsyncs once that many records were appended since the last fsync', () => {
    open({ flushMessages: 5 });
    log.append(filledBatch(2, 10), { leaderEpoch: 0 });
    log.append(filledBatch(2, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBeGreaterThan(0);
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBe(0);
    log.append(filledBatch(4, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBeGreaterThan(0);
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBe(0);
  });

  it('flush.messages=1 syncs every append, as --sync-writes does', () => {
    open({ flushMessages: 1 });
    for (let i = 0; i < 5; i++) {
      log.append(filledBatch(1, 10), { leaderEpoch: 0 });
      expect(unsynced()).toBe(0);
    }
  });

  it('by default (Long.MAX_VALUE) leaves appends to the OS', () => {
    open({});
    for (let i = 0; i < 50; i++) log.append(filledBatch(3, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBeGreaterThan(0);
  });
});

describe('flush.ms', () => {
  it('fsyncs unsynced appends once that long passed since the last fsync', () => {
    open({ flushMs: 1000 });
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBeGreaterThan(0);
    clock += 999;
    expect(log.flushIfDue()).toBe(false);
    expect(unsynced()).toBeGreaterThan(0);
    clock += 1;
    expect(log.flushIfDue()).toBe(true);
    expect(unsynced()).toBe(0);
    // Nothing new: nothing to sync, however long it waits.
    clock += 10_000;
    const before = fsState.tracker!.fsyncs;
    expect(log.flushIfDue()).toBe(false);
    expect(fsState.tracker!.fsyncs).toBe(before);
  });

  it('an append after flush.ms syncs itself', () => {
    open({ flushMs: 1000 });
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    clock += 1000;
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBe(0);
  });

  it('applies a changed topic config to the next append', () => {
    open({});
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    log.updateConfig({ flushMessages: 2 });
    log.append(filledBatch(1, 10), { leaderEpoch: 0 });
    expect(unsynced()).toBe(0);
  });
});

describe('syncWrites', () => {
  it('every append is synced before it returns', () => {
    open({}, true);
    for (let i = 0; i < 5; i++) {
      const before = fsState.tracker!.fsyncs;
      log.append(filledBatch(2, 10), { leaderEpoch: 0 });
      expect(unsynced()).toBe(0);
      expect(fsState.tracker!.fsyncs).toBeGreaterThan(before);
    }
  });
});
