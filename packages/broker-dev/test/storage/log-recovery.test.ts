import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PartitionLog } from '../../src/storage/partition-log.js';
import {
  baseOffsetOf,
  crcIsValid,
  filledBatch,
  offsetsIn,
  readAll,
  recordingLogger,
  tempDir,
} from './helpers.js';

function open(dataDir: string, logger = recordingLogger(), segmentBytes = 2000) {
  return PartitionLog.open({
    topic: 'orders',
    partition: 3,
    dataDir,
    logger,
    config: { segmentBytes, indexIntervalBytes: 256 },
    // These tests are about the checkpoint a clean close writes, whatever the active segment's size.
    checkpointMinBytes: 0,
  });
}

function fill(log: PartitionLog, batches: number): void {
  for (let i = 0; i < batches; i++) log.append(filledBatch(1 + (i % 3), 40 + (i % 20)), { leaderEpoch: 0 });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const partitionDir = (dataDir: string) => path.join(dataDir, 'orders-3');
const files = (dataDir: string) => readdirSync(partitionDir(dataDir)).sort();
const lastLogFile = (dataDir: string) =>
  path.join(
    partitionDir(dataDir),
    files(dataDir)
      .filter((f) => f.endsWith('.log'))
      .pop()!,
  );

describe('disk layout and recovery', () => {
  test('uses Kafka file names: 20-digit base offsets with .log, .index and .timeindex', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 60);
    const bases = log.segmentInfo().map((s) => s.baseOffset);
    log.close();
    const names = files(dataDir);
    for (const base of bases) {
      const name = String(base).padStart(20, '0');
      expect(names).toEqual(expect.arrayContaining([`${name}.log`, `${name}.index`, `${name}.timeindex`]));
    }
    expect(names).toContain('.clean-shutdown');
  });

  test('restart after a clean close keeps every batch and trusts the indexes', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 100);
    const hwm = log.highWatermark;
    const before = readAll(log).map((b) => Buffer.from(b));
    log.close();
    const logger = recordingLogger();
    const reopened = open(dataDir, logger);
    expect(reopened.highWatermark).toBe(hwm);
    const after = readAll(reopened);
    expect(after.length).toBe(before.length);
    expect(after.every((b, i) => b.equals(before[i]))).toBe(true);
    expect(logger.lines).toEqual([]);
    expect(existsSync(path.join(partitionDir(dataDir), '.clean-shutdown'))).toBe(false);
    expect(reopened.append(filledBatch(1, 10), { leaderEpoch: 0 }).baseOffset).toBe(hwm);
    reopened.close();
  });

  test('restart without a clean close (no flush) scans the active segment and keeps everything', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 80);
    const hwm = log.highWatermark;
    // Simulate a kill: the descriptors stay open and nothing marks a clean shutdown.
    const reopened = open(dataDir);
    expect(reopened.highWatermark).toBe(hwm);
    expect(offsetsIn(readAll(reopened))).toEqual(range(hwm));
    reopened.close();
  });

  test('a torn batch at the end of the active segment is truncated and reported', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 30);
    const hwm = log.highWatermark;
    log.close();
    unlinkSync(path.join(partitionDir(dataDir), '.clean-shutdown'));
    const torn = filledBatch(3, 100);
    torn.writeBigInt64BE(BigInt(hwm), 0);
    appendFileSync(lastLogFile(dataDir), torn.subarray(0, 90));
    const logger = recordingLogger();
    const reopened = open(dataDir, logger);
    expect(reopened.highWatermark).toBe(hwm);
    expect(logger.lines.join('\n')).toMatch(
      /truncating segment .*\(90 bytes dropped\): truncated batch \(90 of/,
    );
    expect(offsetsIn(readAll(reopened))).toEqual(range(hwm));
    expect(reopened.append(filledBatch(1, 10), { leaderEpoch: 0 }).baseOffset).toBe(hwm);
    reopened.close();
  });

  test('garbage and CRC-corrupt batches at the tail are cut off at the last intact batch', () => {
    const dataDir = tempDir();
    const log = open(dataDir, recordingLogger(), 1 << 20);
    fill(log, 20);
    const [lastBatch] = log.read(log.highWatermark - 1, 10);
    const lastStart = baseOffsetOf(lastBatch);
    log.close();
    const file = lastLogFile(dataDir);
    const data = readFileSync(file);
    // Flip one byte inside the last batch's records: its CRC no longer matches.
    data[data.length - 5] ^= 0x40;
    writeFileSync(file, Buffer.concat([data, Buffer.from('garbage that is not a batch')]));
    const logger = recordingLogger();
    const reopened = open(dataDir, logger, 1 << 20);
    expect(reopened.highWatermark).toBe(lastStart);
    expect(logger.lines.join('\n')).toMatch(/CRC32C mismatch/);
    expect(readAll(reopened).every(crcIsValid)).toBe(true);
    reopened.close();
  });

  test('a clean-shutdown marker does not hide a corrupt tail written later (indexes are checked)', () => {
    const dataDir = tempDir();
    const log = open(dataDir, recordingLogger(), 1 << 20);
    fill(log, 10);
    const hwm = log.highWatermark;
    log.close();
    appendFileSync(lastLogFile(dataDir), Buffer.alloc(30, 7));
    const reopened = open(dataDir, recordingLogger(), 1 << 20);
    expect(reopened.highWatermark).toBe(hwm);
    reopened.close();
  });

  test('missing or inconsistent index files of sealed segments are rebuilt', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 120);
    const hwm = log.highWatermark;
    log.close();
    const indexes = files(dataDir).filter((f) => f.endsWith('.index'));
    unlinkSync(path.join(partitionDir(dataDir), indexes[0]));
    writeFileSync(path.join(partitionDir(dataDir), indexes[1]), Buffer.from([0, 0, 0, 9, 0, 0, 0xff, 0xff]));
    appendFileSync(path.join(partitionDir(dataDir), indexes[2]), Buffer.from([1, 2, 3]));
    const reopened = open(dataDir);
    expect(reopened.highWatermark).toBe(hwm);
    expect(offsetsIn(readAll(reopened, 700))).toEqual(range(hwm));
    for (let offset = 0; offset < hwm; offset += 7) {
      const [batch] = reopened.read(offset, 1);
      expect(offsetsIn([batch])).toContain(offset);
    }
    reopened.close();
    expect(files(dataDir).filter((f) => f.endsWith('.index'))).toEqual(indexes);
  });

  test('corruption inside a sealed segment truncates there and drops the later segments', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 120);
    const infos = log.segmentInfo();
    log.close();
    const second = String(infos[1].baseOffset).padStart(20, '0');
    const file = path.join(partitionDir(dataDir), `${second}.log`);
    const data = readFileSync(file);
    data[data.length - 3] ^= 1;
    writeFileSync(file, data);
    unlinkSync(path.join(partitionDir(dataDir), `${second}.index`));
    const logger = recordingLogger();
    const reopened = open(dataDir, logger);
    expect(reopened.segmentCount).toBe(2);
    expect(reopened.highWatermark).toBeLessThan(infos[1].nextOffset);
    expect(offsetsIn(readAll(reopened))).toEqual(range(reopened.highWatermark));
    expect(logger.lines.join('\n')).toMatch(/truncating segment/);
    reopened.close();
  });

  test('an interrupted compaction swap is completed; an unfinished cleaned file is discarded', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 60);
    const infos = log.segmentInfo();
    const hwm = log.highWatermark;
    log.close();
    const dir = partitionDir(dataDir);
    const name = (offset: number) => String(offset).padStart(20, '0');
    // A "cleaned" replacement of segments 0 and 1 that kept only segment 0's bytes, caught mid-swap.
    const swap = `${name(0)}.${name(infos[2].baseOffset)}.swap`;
    writeFileSync(path.join(dir, swap), readFileSync(path.join(dir, `${name(0)}.log`)));
    const cleaned = `${name(infos[3].baseOffset)}.${name(infos[4].baseOffset)}.cleaned`;
    writeFileSync(path.join(dir, cleaned), Buffer.from('partial'));
    const logger = recordingLogger();
    const reopened = open(dataDir, logger);
    expect(logger.lines.join('\n')).toMatch(/completing interrupted compaction swap/);
    expect(reopened.segmentInfo().map((s) => s.baseOffset)).toEqual([
      0,
      ...infos.slice(2).map((s) => s.baseOffset),
    ]);
    expect(reopened.highWatermark).toBe(hwm);
    expect(offsetsIn(reopened.read(0, 1 << 20))).toEqual([
      ...range(infos[0].nextOffset),
      ...range(hwm).slice(infos[2].baseOffset),
    ]);
    reopened.close();
    expect(files(dataDir).some((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).toBe(false);
  });

  test('a partition directory mid-deletion is finished by the log manager, not reopened', async () => {
    const { LogManager } = await import('../../src/storage/log-manager.js');
    const dataDir = tempDir();
    const manager = LogManager.open({ dataDir, logger: recordingLogger() });
    manager.getOrCreate('gone', 0).append(filledBatch(1, 10), { leaderEpoch: 0 });
    manager.close();
    renameSync(path.join(dataDir, 'gone-0'), path.join(dataDir, 'gone-0.123-delete'));
    const again = LogManager.open({ dataDir, logger: recordingLogger() });
    expect(readdirSync(dataDir)).toEqual([]);
    expect(again.partitionsOnDisk()).toEqual([]);
    again.close();
  });

  test('an empty active segment file left by a roll is reused after restart', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    fill(log, 40);
    log.roll();
    const hwm = log.highWatermark;
    const reopened = open(dataDir);
    expect(reopened.highWatermark).toBe(hwm);
    expect(reopened.append(filledBatch(1, 10), { leaderEpoch: 0 }).baseOffset).toBe(hwm);
    truncateSync(lastLogFile(dataDir), 0);
    reopened.close();
  });
});
