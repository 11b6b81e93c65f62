/**
 * The directory fsyncs of opening and closing a partition on disk: as few as durability allows (a
 * broker with thousands of partitions pays each one per partition at start and at shutdown), and
 * in the order crash safety needs (the clean-shutdown marker becomes durable after the files it
 * vouches for).
 */
import * as fs from 'node:fs';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { PartitionLog } from '../../src/storage/partition-log.js';
import { filledBatch, recordingLogger, tempDir } from './helpers.js';

type Event = { op: 'fsync-dir' | 'fsync-file' | 'rename' | 'create'; name: string };
const events: Event[] = [];
let recording = false;

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const names = new Map<number, string>();
  const record = (event: Event) => {
    if (recording) events.push(event);
  };
  return {
    ...real,
    openSync: (file: fs.PathLike, flags: fs.OpenMode = 'r', mode?: fs.Mode) => {
      const fd = real.openSync(file, flags, mode);
      names.set(fd, String(file));
      if (flags === 'w') record({ op: 'create', name: path.basename(String(file)) });
      return fd;
    },
    closeSync: (fd: number) => {
      names.delete(fd);
      real.closeSync(fd);
    },
    fsyncSync: (fd: number) => {
      const isDir = real.fstatSync(fd).isDirectory();
      record({ op: isDir ? 'fsync-dir' : 'fsync-file', name: path.basename(names.get(fd) ?? '?') });
      real.fsyncSync(fd);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      real.renameSync(from, to);
      record({ op: 'rename', name: path.basename(String(to)) });
    },
  };
});

afterEach(() => {
  recording = false;
  events.length = 0;
});

function open(dataDir: string) {
  return PartitionLog.open({
    topic: 'orders',
    partition: 3,
    dataDir,
    logger: recordingLogger(),
    config: { segmentBytes: 1 << 20, indexIntervalBytes: 256 },
  });
}

function filled(dataDir: string): PartitionLog {
  const log = open(dataDir);
  for (let i = 0; i < 20; i++) log.append(filledBatch(2, 50), { leaderEpoch: 0 });
  return log;
}

/** Records the file-system events of `run`. */
function during(run: () => void): Event[] {
  events.length = 0;
  recording = true;
  try {
    run();
  } finally {
    recording = false;
  }
  return [...events];
}

const directoryFsyncs = (list: Event[]) => list.filter((e) => e.op === 'fsync-dir').length;

describe('directory fsyncs when opening a partition', () => {
  test('after a clean shutdown: one, for removing the marker', () => {
    const dataDir = tempDir();
    filled(dataDir).close();
    let reopened: PartitionLog | undefined;
    const opened = during(() => {
      reopened = open(dataDir);
    });
    expect(directoryFsyncs(opened)).toBe(1);
    expect(fs.existsSync(path.join(dataDir, 'orders-3', '.clean-shutdown'))).toBe(false);
    reopened!.close();
  });

  test('after a crash that left nothing to repair: none', () => {
    const dataDir = tempDir();
    const log = filled(dataDir);
    log.flush();
    // A kill: no close, so no marker; the reopened log scans its active segment.
    let reopened: PartitionLog | undefined;
    const opened = during(() => {
      reopened = open(dataDir);
    });
    expect(directoryFsyncs(opened)).toBe(0);
    expect(reopened!.highWatermark).toBe(log.highWatermark);
    reopened!.close();
  });

  test('after a crash that left a temporary file: it is removed and the removal synced', () => {
    const dataDir = tempDir();
    filled(dataDir).close();
    unlinkSync(path.join(dataDir, 'orders-3', '.clean-shutdown'));
    fs.writeFileSync(path.join(dataDir, 'orders-3', 'leader-epoch-checkpoint.tmp'), 'half');
    let reopened: PartitionLog | undefined;
    const opened = during(() => {
      reopened = open(dataDir);
    });
    reopened!.close();
    expect(fs.existsSync(path.join(dataDir, 'orders-3', 'leader-epoch-checkpoint.tmp'))).toBe(false);
    expect(directoryFsyncs(opened)).toBe(1);
  });
});

describe('directory fsyncs when closing a partition', () => {
  test('two: after the snapshot and index files are in place, then after the marker', () => {
    const dataDir = tempDir();
    const log = filled(dataDir);
    const closed = during(() => log.close());
    expect(directoryFsyncs(closed)).toBe(2);
    const marker = closed.findIndex((e) => e.op === 'create' && e.name === '.clean-shutdown');
    const lastRename = closed.findLastIndex((e) => e.op === 'rename');
    const firstDirSync = closed.findIndex((e) => e.op === 'fsync-dir');
    expect(closed.filter((e) => e.op === 'rename').map((e) => e.name)).toEqual(
      expect.arrayContaining(['00000000000000000000.index', '00000000000000000000.timeindex']),
    );
    expect(closed.some((e) => e.op === 'rename' && e.name.endsWith('.snapshot'))).toBe(true);
    expect(lastRename).toBeLessThan(firstDirSync);
    expect(firstDirSync).toBeLessThan(marker);
    expect(closed.at(-1)).toEqual({ op: 'fsync-dir', name: 'orders-3' });
  });
});
