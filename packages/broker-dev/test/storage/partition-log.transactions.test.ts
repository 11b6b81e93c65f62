/**
 * The log's side of transactions: the last stable offset, the aborted-transaction index (.txnindex) and
 * what a read_committed fetch collects from it, and producer state surviving a restart (snapshots plus
 * replay) with a clean close and without one, in every backend.
 */
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildControlBatch } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { describe, expect, test } from 'vitest';
import { PartitionLog } from '../../src/storage/partition-log.js';
import { BatchMetadata } from '../../src/storage/producer-state.js';
import { BACKENDS, openLog, recordingLogger, tempDir } from './helpers.js';

const TS = 1_700_000_000_000;

/** A producer writing transactional (or idempotent) batches of `size` records, sequences in order. */
function producer(
  log: PartitionLog,
  producerId: number,
  options: { transactional?: boolean; epoch?: number } = {},
) {
  let sequence = 0;
  return {
    write(size = 1, value = 'v') {
      const batch = buildBatch(
        Array.from({ length: size }, (_, i) => ({ key: `k${sequence + i}`, value })),
        {
          producerId,
          producerEpoch: options.epoch ?? 0,
          baseSequence: sequence,
          transactional: options.transactional ?? true,
          timestamp: TS,
        },
      );
      sequence += size;
      return log.append(batch, { leaderEpoch: 0 });
    },
    end(commit: boolean, coordinatorEpoch = 0) {
      const marker = buildControlBatch({
        type: commit ? 'COMMIT' : 'ABORT',
        producerId: BigInt(producerId),
        producerEpoch: options.epoch ?? 0,
        coordinatorEpoch,
        timestamp: TS,
      });
      return log.append(marker, { leaderEpoch: 0 }).baseOffset;
    },
  };
}

const plain = (log: PartitionLog, count = 1) =>
  log.append(
    buildBatch(
      Array.from({ length: count }, () => ({ value: 'plain' })),
      { timestamp: TS },
    ),
    {
      leaderEpoch: 0,
    },
  );

const aborted = (log: PartitionLog, from: number, to: number) =>
  log
    .collectAbortedTransactions(from, to)
    .map((t) => [t.producerId, t.firstOffset, t.lastOffset, t.lastStableOffset]);

describe.each(BACKENDS)('transactions in the log (%s)', (backend) => {
  test('the last stable offset is the first offset of the earliest open transaction', () => {
    const log = openLog(backend);
    const a = producer(log, 1);
    const b = producer(log, 2);
    plain(log, 2); // 0-1
    expect(log.lastStableOffset).toBe(2);
    a.write(2); // 2-3
    plain(log); // 4
    b.write(); // 5
    expect(log.lastStableOffset).toBe(2);
    expect(log.highWatermark).toBe(6);
    // read_committed reads stop before the first unstable offset.
    expect(log.read(0, 1 << 20, { maxOffset: log.lastStableOffset }).length).toBe(1);
    a.end(true); // 6
    expect(log.lastStableOffset).toBe(5);
    b.end(false); // 7
    expect(log.lastStableOffset).toBe(8);
    expect(log.producers.firstUnstableOffset).toBe(-1);
    log.close();
  });

  test('aborts are indexed with their last stable offset; commits and empty transactions are not', () => {
    const log = openLog(backend);
    const a = producer(log, 1);
    const b = producer(log, 2);
    a.write(); // 0
    b.write(); // 1
    expect(a.end(false)).toBe(2); // B still open at 1: the index entry's LSO is 1
    b.write(); // 3
    b.end(false); // 4: nothing else open, LSO = 5
    a.write(); // 5
    a.end(true); // 6: a commit, not indexed
    producer(log, 3).end(false); // 7: no data from producer 3 here, nothing to index
    expect(aborted(log, 0, 100)).toEqual([
      [1, 0, 2, 1],
      [2, 1, 4, 5],
    ]);
    // Only what overlaps the fetched range, as Kafka's collectAbortedTransactions.
    expect(aborted(log, 3, 4)).toEqual([[2, 1, 4, 5]]);
    expect(aborted(log, 5, 8)).toEqual([]);
    log.close();
  });

  test('the index is searched from the segment holding the fetch offset until a last stable offset passes the range', () => {
    const log = openLog(backend, { config: { segmentBytes: 400 } });
    const a = producer(log, 1);
    const b = producer(log, 2);
    b.write(); // 0: B stays open across segments
    for (let i = 0; i < 10; i++) {
      a.write(1, 'x'.repeat(60));
      a.end(false);
    }
    expect(log.segmentCount).toBeGreaterThan(3);
    const entries = log.collectAbortedTransactions(0, log.highWatermark);
    expect(entries).toHaveLength(10);
    // Every abort happened while B's transaction (from 0) was open: none lets the search stop early.
    expect(entries.every((t) => t.lastStableOffset === 0)).toBe(true);
    const third = log.segmentInfo()[2];
    expect(log.collectAbortedTransactions(third.baseOffset, third.nextOffset).length).toBeGreaterThan(0);
    log.close();
  });

  test('truncation drops the producer state and index entries past the new end', () => {
    const log = openLog(backend, { config: { segmentBytes: 300 } });
    const a = producer(log, 1);
    for (let i = 0; i < 6; i++) {
      a.write(1, 'y'.repeat(40));
      a.end(false);
    }
    const keep = 5; // offsets 0-4: three aborts, then an open transaction at 4
    log.truncateTo(keep);
    expect(aborted(log, 0, 100).map(([, , last]) => last)).toEqual([1, 3]);
    expect(log.producers.hasOngoingTransaction(1)).toBe(true);
    expect(log.lastStableOffset).toBe(4);
    expect(log.producers.entry(1)?.lastSeq).toBe(2);
    log.close();
  });

  test('retention may delete data of an open transaction: the last stable offset moves to the log start', () => {
    const log = openLog(backend, { config: { segmentBytes: 300, retentionMs: 1000 } });
    const a = producer(log, 1);
    a.write(1, 'z'.repeat(100));
    for (let i = 0; i < 6; i++) plain(log, 1);
    expect(log.lastStableOffset).toBe(0);
    log.applyRetention(TS + 10_000);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.lastStableOffset).toBe(log.logStartOffset);
    // The producer's state stays (Kafka keeps entries when the log start moves).
    expect(log.producers.hasOngoingTransaction(1)).toBe(true);
    log.close();
  });
});

describe('producer state across restarts (disk)', () => {
  function open(dataDir: string, logger = recordingLogger()) {
    return PartitionLog.open({
      topic: 'txn',
      partition: 0,
      dataDir,
      logger,
      config: { segmentBytes: 700, indexIntervalBytes: 128 },
      checkpointMinBytes: 0,
    });
  }
  const dir = (dataDir: string) => path.join(dataDir, 'txn-0');

  /** Idempotent producer 10 (seven batches), an aborted and a committed transaction of 20, 30 left open. */
  function scenario(log: PartitionLog) {
    const idem = producer(log, 10, { transactional: false });
    for (let i = 0; i < 7; i++) idem.write(1, 'i'.repeat(50));
    const t = producer(log, 20);
    t.write(2, 't'.repeat(50));
    t.end(false);
    t.write(1, 't'.repeat(50));
    t.end(true);
    const open = producer(log, 30);
    const openAt = open.write(1, 'o').baseOffset;
    plain(log);
    return { openAt };
  }

  function expectSameState(before: PartitionLog, after: PartitionLog) {
    expect(after.highWatermark).toBe(before.highWatermark);
    expect(after.lastStableOffset).toBe(before.lastStableOffset);
    expect(after.collectAbortedTransactions(0, after.highWatermark)).toEqual(
      before.collectAbortedTransactions(0, before.highWatermark),
    );
    expect(after.producers.snapshot()).toEqual(before.producers.snapshot());
  }

  test('a clean close snapshots the state at the log end and writes .txnindex files; nothing is replayed', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    const { openAt } = scenario(log);
    const expected = { hwm: log.highWatermark, aborted: log.collectAbortedTransactions(0, 1000) };
    const snapshot = log.producers.snapshot();
    log.close();
    const files = readdirSync(dir(dataDir));
    expect(files).toContain(`${String(expected.hwm).padStart(20, '0')}.snapshot`);
    expect(files.filter((f) => f.endsWith('.txnindex'))).toHaveLength(1);
    const logger = recordingLogger();
    const reopened = open(dataDir, logger);
    expect(logger.lines).toEqual([]);
    expect(reopened.lastStableOffset).toBe(openAt);
    expect(reopened.collectAbortedTransactions(0, 1000)).toEqual(expected.aborted);
    expect(reopened.producers.snapshot()).toEqual(snapshot);
    reopened.close();
  });

  test('after a kill the state is the last roll snapshot plus a replay: five-batch dedup, open transactions, index', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    scenario(log);
    expect(log.segmentCount).toBeGreaterThan(2);
    // Simulate a kill: no close, no clean-shutdown marker, no snapshot at the log end.
    const logger = recordingLogger();
    const recovered = open(dataDir, logger);
    expect(
      logger.lines.some((l) => /producer state of \d+ producer\(s\) from the snapshot at \d+/.test(l)),
    ).toBe(true);
    expectSameState(log, recovered);
    recovered.close();
  });

  test('without usable snapshots the whole log is replayed; corrupt ones are deleted', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    scenario(log);
    const snapshots = readdirSync(dir(dataDir)).filter((f) => f.endsWith('.snapshot'));
    expect(snapshots.length).toBeGreaterThan(0);
    for (const name of snapshots) writeFileSync(path.join(dir(dataDir), name), 'garbage');
    const logger = recordingLogger();
    const recovered = open(dataDir, logger);
    expect(logger.lines.filter((l) => l.includes('deleting unusable producer snapshot'))).toHaveLength(
      snapshots.length,
    );
    expectSameState(log, recovered);
    recovered.close();
  });

  test('a sealed segment whose index files are gone gets its .txnindex rebuilt from the producer state', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    scenario(log);
    log.close();
    const txnIndexFile = readdirSync(dir(dataDir)).find((f) => f.endsWith('.txnindex'))!;
    const base = txnIndexFile.slice(0, 20);
    const bytes = readFileSync(path.join(dir(dataDir), txnIndexFile));
    for (const suffix of ['.index', '.timeindex', '.txnindex'])
      unlinkSync(path.join(dir(dataDir), base + suffix));
    const reopened = open(dataDir);
    expect(existsSync(path.join(dir(dataDir), `${base}.index`))).toBe(true);
    expect(readFileSync(path.join(dir(dataDir), txnIndexFile))).toEqual(bytes);
    expect(reopened.collectAbortedTransactions(0, 1000)).toHaveLength(1);
    reopened.close();
  });

  test('a retried batch is still recognised after a restart (the last batch survives in the snapshot)', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    const idem = producer(log, 10, { transactional: false });
    idem.write(3);
    const { baseOffset } = idem.write(2);
    log.close();
    const reopened = open(dataDir);
    const retry = reopened.producers.checkClientBatch(10, 0, 3, 4, false);
    expect(retry).toBeInstanceOf(BatchMetadata);
    expect((retry as BatchMetadata).firstOffset).toBe(baseOffset);
    reopened.close();
  });
});
