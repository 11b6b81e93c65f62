/**
 * The fsyncs of opening and closing a partition on disk: as few as durability allows (a broker with
 * thousands of partitions pays each one per partition at start and at shutdown), and in the order
 * crash safety needs (the clean-shutdown marker is created only after the files it vouches for are
 * durable). close() and closeAsync() make the same calls in the same order.
 */
import * as fs from 'node:fs';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { PartitionLog } from '../../src/storage/partition-log.js';
import { filledBatch, recordingLogger, tempDir } from './helpers.js';

type Event = { op: 'fsync-dir' | 'fsync-file' | 'fdatasync' | 'rename' | 'create'; name: string };
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
    fsync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      const isDir = real.fstatSync(fd).isDirectory();
      const name = path.basename(names.get(fd) ?? '?');
      real.fsync(fd, (error) => {
        record({ op: isDir ? 'fsync-dir' : 'fsync-file', name });
        callback(error);
      });
    },
    fdatasyncSync: (fd: number) => {
      record({ op: 'fdatasync', name: path.basename(names.get(fd) ?? '?') });
      real.fdatasyncSync(fd);
    },
    fdatasync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      const name = path.basename(names.get(fd) ?? '?');
      real.fdatasync(fd, (error) => {
        record({ op: 'fdatasync', name });
        callback(error);
      });
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

/** `checkpointMinBytes` 0: every clean close checkpoints (these tests' logs are small). */
function open(dataDir: string, checkpointMinBytes = 0) {
  return PartitionLog.open({
    topic: 'orders',
    partition: 3,
    dataDir,
    logger: recordingLogger(),
    config: { segmentBytes: 1 << 20, indexIntervalBytes: 256 },
    checkpointMinBytes,
  });
}

function filled(dataDir: string, checkpointMinBytes = 0): PartitionLog {
  const log = open(dataDir, checkpointMinBytes);
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

async function duringAsync(run: () => Promise<void>): Promise<Event[]> {
  events.length = 0;
  recording = true;
  try {
    await run();
  } finally {
    recording = false;
  }
  return [...events];
}

const directoryFsyncs = (list: Event[]) => list.filter((e) => e.op === 'fsync-dir').length;

describe('a deferred recovery sync (deferRecoverySync)', () => {
  const openDeferred = (dataDir: string) =>
    PartitionLog.open({
      topic: 'orders',
      partition: 3,
      dataDir,
      logger: recordingLogger(),
      config: { segmentBytes: 1 << 20, indexIntervalBytes: 256 },
      checkpointMinBytes: 0,
      deferRecoverySync: true,
    });

  test('opening after a clean shutdown removes the marker and leaves its sync to syncRecoveredDirectory', async () => {
    const dataDir = tempDir();
    filled(dataDir).close();
    let reopened: PartitionLog | undefined;
    const opened = during(() => {
      reopened = openDeferred(dataDir);
    });
    expect(directoryFsyncs(opened)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'orders-3', '.clean-shutdown'))).toBe(false);
    expect(directoryFsyncs(await duringAsync(() => reopened!.syncRecoveredDirectory()))).toBe(1);
    // Done once: neither a second call nor the first append syncs it again.
    expect(directoryFsyncs(await duringAsync(() => reopened!.syncRecoveredDirectory()))).toBe(0);
    expect(directoryFsyncs(during(() => reopened!.append(filledBatch(2, 50), { leaderEpoch: 0 })))).toBe(0);
    reopened!.close();
  });

  test('a log changed before the deferred sync ran syncs its directory first', () => {
    const dataDir = tempDir();
    filled(dataDir).close();
    const reopened = openDeferred(dataDir);
    const appended = during(() => reopened.append(filledBatch(2, 50), { leaderEpoch: 0 }));
    expect(appended[0]).toEqual({ op: 'fsync-dir', name: 'orders-3' });
    reopened.close();
  });
});

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

const closings = [
  ['close', (log: PartitionLog) => Promise.resolve(during(() => log.close()))],
  ['closeAsync', (log: PartitionLog) => duringAsync(() => log.closeAsync())],
] as const;

describe.each(closings)('fsyncs when closing a partition (%s)', (_name, close) => {
  test('a checkpoint: the files are synced, then the directory once, then the marker is made and not synced', async () => {
    const dataDir = tempDir();
    const log = filled(dataDir);
    const closed = await close(log);
    expect(directoryFsyncs(closed)).toBe(1);
    const marker = closed.findIndex((e) => e.op === 'create' && e.name === '.clean-shutdown');
    const lastRename = closed.findLastIndex((e) => e.op === 'rename');
    const dirSync = closed.findIndex((e) => e.op === 'fsync-dir');
    expect(closed.filter((e) => e.op === 'rename').map((e) => e.name)).toEqual(
      expect.arrayContaining(['00000000000000000000.index', '00000000000000000000.timeindex']),
    );
    expect(closed.some((e) => e.op === 'rename' && e.name.endsWith('.snapshot'))).toBe(true);
    // Each file is synced under its temporary name before the rename makes it visible.
    expect(closed.filter((e) => e.op === 'fsync-file').map((e) => e.name)).toEqual(
      expect.arrayContaining(['00000000000000000000.index.tmp', '00000000000000000000.timeindex.tmp']),
    );
    expect(closed.some((e) => e.op === 'fdatasync' && e.name === '00000000000000000000.log')).toBe(true);
    expect(lastRename).toBeLessThan(dirSync);
    expect(dirSync).toBeLessThan(marker);
    expect(closed.at(-1)).toEqual({ op: 'create', name: '.clean-shutdown' });
  });

  test('a small active segment: only its bytes are synced; no marker, so the next open scans it', async () => {
    const dataDir = tempDir();
    const log = filled(dataDir, 1 << 20);
    const hwm = log.highWatermark;
    const closed = await close(log);
    expect(closed).toEqual([{ op: 'fdatasync', name: '00000000000000000000.log' }]);
    expect(fs.existsSync(path.join(dataDir, 'orders-3', '.clean-shutdown'))).toBe(false);
    const reopened = open(dataDir);
    expect(reopened.highWatermark).toBe(hwm);
    reopened.close();
  });

  test('a small active segment after retention deleted segments: the deletions are synced too', async () => {
    const dataDir = tempDir();
    const log = PartitionLog.open({
      topic: 'orders',
      partition: 3,
      dataDir,
      logger: recordingLogger(),
      config: { segmentBytes: 400, indexIntervalBytes: 256 },
    });
    for (let i = 0; i < 20; i++) log.append(filledBatch(2, 50), { leaderEpoch: 0 });
    expect(log.deleteRecordsBefore(log.highWatermark - 1)).toBe(log.highWatermark - 1);
    const closed = await close(log);
    expect(directoryFsyncs(closed)).toBe(1);
    expect(fs.existsSync(path.join(dataDir, 'orders-3', '.clean-shutdown'))).toBe(false);
  });

  test('opened from a checkpoint and unchanged: nothing is synced again, the marker is made again', async () => {
    const dataDir = tempDir();
    filled(dataDir).close();
    const reopened = open(dataDir);
    expect(reopened.highWatermark).toBe(40);
    const closed = await close(reopened);
    expect(closed).toEqual([{ op: 'create', name: '.clean-shutdown' }]);
    // The next open still trusts a consistent checkpoint.
    const again = open(dataDir);
    expect(again.highWatermark).toBe(40);
    again.append(filledBatch(2, 50), { leaderEpoch: 0 });
    // Changed since it was opened: checkpointed again.
    expect(directoryFsyncs(await close(again))).toBe(1);
    const last = open(dataDir);
    expect(last.highWatermark).toBe(42);
    last.close();
  });
});
