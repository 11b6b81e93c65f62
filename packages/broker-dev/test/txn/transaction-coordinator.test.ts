/**
 * The transaction coordinator against Kafka's rules (reference A3-A5): InitProducerId in every
 * situation, the state machine with one pending transition per id, AddPartitions/AddOffsets,
 * EndTxn in every state, markers and their retries, timeouts, expiry, describe/list, and the
 * recovery of decided transactions after a restart.
 */
import { ErrorCode } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { coordinatorPartition } from '../../src/cluster/coordinator-partitions.js';
import { GROUP_OFFSETS_TOPIC } from '../../src/txn/marker-channel.js';
import { createCoordinator, init, RecordingMarkerWriter, tempDir, tp } from './harness.js';

const MAX_TIMEOUT = 900_000;

describe('InitProducerId', () => {
  it('gives idempotent producers (no transactional id) a new producer id at epoch 0 every time', () => {
    const { coordinator } = createCoordinator();
    const first = coordinator.initProducerId(null, 60_000);
    const second = coordinator.initProducerId(null, -5, { producerId: first.producerId, producerEpoch: 0 });
    expect(first).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
    expect(second).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
    expect(second.producerId).not.toBe(first.producerId);
  });

  it('refuses an empty transactional id and timeouts outside 1..transaction.max.timeout.ms', () => {
    const { coordinator } = createCoordinator();
    expect(coordinator.initProducerId('', 60_000).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    for (const timeout of [0, -1, MAX_TIMEOUT + 1]) {
      expect(coordinator.initProducerId('tx', timeout).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    }
    expect(coordinator.initProducerId('tx', MAX_TIMEOUT).errorCode).toBe(ErrorCode.NONE);
  });

  it('keeps the producer id of a transactional id and bumps its epoch on every call', () => {
    const { coordinator } = createCoordinator();
    const first = init(coordinator, 'tx');
    const second = init(coordinator, 'tx');
    expect(first.producerEpoch).toBe(0);
    expect(second).toEqual({ errorCode: ErrorCode.NONE, producerId: first.producerId, producerEpoch: 1 });
    expect(coordinator.snapshot('tx')).toMatchObject({ state: 'Empty', producerEpoch: 1, timeoutMs: 60_000 });
  });

  it('fences an ongoing transaction of the previous instance by aborting it (old epoch + 2 on retry)', async () => {
    const { coordinator, writer } = createCoordinator();
    const old = init(coordinator, 'tx');
    expect(coordinator.addPartitions('tx', old.producerId, 0, [tp('t', 0), tp('t', 1)])).toBe(ErrorCode.NONE);
    expect(coordinator.initProducerId('tx', 60_000).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    await coordinator.completion('tx');
    expect(writer.written.map((m) => [m.topic, m.partition, m.commit, m.producerEpoch])).toEqual([
      ['t', 0, false, 1],
      ['t', 1, false, 1],
    ]);
    expect(coordinator.snapshot('tx')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(init(coordinator, 'tx')).toMatchObject({ producerId: old.producerId, producerEpoch: 2 });
    // The fenced instance can neither end nor extend its transaction.
    expect(coordinator.endTransaction('tx', old.producerId, 0, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(coordinator.addPartitions('tx', old.producerId, 0, [tp('t', 0)])).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('answers CONCURRENT_TRANSACTIONS while a commit is being completed, and the commit still lands', async () => {
    const { coordinator, writer } = createCoordinator();
    writer.holdWrites();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.NONE);
    expect(coordinator.snapshot('tx')?.state).toBe('PrepareCommit');
    expect(coordinator.initProducerId('tx', 60_000).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    writer.releaseWrites();
    await coordinator.completion('tx');
    expect(writer.written).toEqual([expect.objectContaining({ topic: 't', partition: 0, commit: true })]);
    expect(coordinator.snapshot('tx')?.state).toBe('CompleteCommit');
    expect(init(coordinator, 'tx')).toMatchObject({ producerId, producerEpoch: 1 });
  });

  describe('KIP-360: re-initialising with the current producer id and epoch', () => {
    it('bumps the epoch; a retry of that bump gets the same epoch; anything else is fenced', () => {
      const { coordinator } = createCoordinator();
      const { producerId } = init(coordinator, 'tx');
      const bump = (producerEpoch: number, pid = producerId) =>
        coordinator.initProducerId('tx', 60_000, { producerId: pid, producerEpoch });
      expect(bump(0)).toEqual({ errorCode: ErrorCode.NONE, producerId, producerEpoch: 1 });
      expect(bump(0)).toEqual({ errorCode: ErrorCode.NONE, producerId, producerEpoch: 1 }); // lost response
      expect(bump(1)).toEqual({ errorCode: ErrorCode.NONE, producerId, producerEpoch: 2 });
      expect(bump(0).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
      expect(bump(2, producerId + 1).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
      // A plain InitProducerId (a new instance) forgets the previous epoch: the old retry is fenced.
      init(coordinator, 'tx');
      expect(bump(2).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    });

    it('accepts a producer id and epoch for an id seen for the first time', () => {
      const { coordinator } = createCoordinator();
      expect(coordinator.initProducerId('fresh', 60_000, { producerId: 42, producerEpoch: 7 })).toMatchObject(
        {
          errorCode: ErrorCode.NONE,
          producerEpoch: 0,
        },
      );
    });
  });

  describe('epoch exhaustion', () => {
    function atEpoch(epoch: number) {
      const dataDir = tempDir();
      const first = createCoordinator({ dataDir });
      first.stateLog.write('tx', {
        producerId: 77,
        previousProducerId: 77,
        nextProducerId: -1,
        producerEpoch: epoch,
        timeoutMs: 60_000,
        state: 'CompleteCommit',
        partitions: [],
        lastUpdateTimestamp: first.clock.now,
        startTimestamp: first.clock.now,
      });
      return first.restart();
    }

    it('hands out epoch 32766, then a new producer id at epoch 0', () => {
      const { coordinator } = atEpoch(32765);
      expect(init(coordinator, 'tx')).toMatchObject({ producerId: 77, producerEpoch: 32766 });
      const rotated = init(coordinator, 'tx');
      expect(rotated.producerId).not.toBe(77);
      expect(rotated.producerEpoch).toBe(0);
      expect(coordinator.snapshot('tx')?.previousProducerId).toBe(77);
    });

    it('recognises a KIP-360 retry of the rotation by the previous producer id', () => {
      const { coordinator } = atEpoch(32766);
      const rotated = coordinator.initProducerId('tx', 60_000, { producerId: 77, producerEpoch: 32766 });
      expect(rotated).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
      expect(rotated.producerId).not.toBe(77);
      const retried = coordinator.initProducerId('tx', 60_000, { producerId: 77, producerEpoch: 32766 });
      expect(retried).toEqual(rotated);
    });

    it('fences a producer at the last epoch with the reserved one, then rotates', async () => {
      const { coordinator } = atEpoch(32765);
      const last = init(coordinator, 'tx');
      coordinator.addPartitions('tx', last.producerId, 32766, [tp('t', 0)]);
      expect(coordinator.initProducerId('tx', 60_000).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
      await coordinator.completion('tx');
      expect(coordinator.snapshot('tx')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 32767 });
      const next = init(coordinator, 'tx');
      expect(next.producerEpoch).toBe(0);
      expect(next.producerId).not.toBe(77);
    });
  });
});

describe('AddPartitionsToTxn and AddOffsetsToTxn', () => {
  it('checks the producer id mapping, the epoch, and starts the transaction', () => {
    const { coordinator, clock } = createCoordinator();
    expect(coordinator.addPartitions('unknown', 1, 0, [tp('t', 0)])).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    const { producerId } = init(coordinator, 'tx');
    expect(coordinator.addPartitions('tx', producerId + 1, 0, [tp('t', 0)])).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    expect(coordinator.addPartitions('tx', producerId, 1, [tp('t', 0)])).toBe(ErrorCode.PRODUCER_FENCED);
    const started = clock.now;
    expect(coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)])).toBe(ErrorCode.NONE);
    clock.now += 1000;
    expect(coordinator.addPartitions('tx', producerId, 0, [tp('t', 1), tp('u', 0)])).toBe(ErrorCode.NONE);
    expect(coordinator.snapshot('tx')).toMatchObject({ state: 'Ongoing', startTimestamp: started });
    expect([...coordinator.snapshot('tx')!.partitions]).toEqual([tp('t', 0), tp('t', 1), tp('u', 0)]);
  });

  it('answers a re-add of partitions already in the transaction without writing', () => {
    const { coordinator, clock } = createCoordinator();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    const before = coordinator.snapshot('tx');
    clock.now += 5000;
    expect(coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)])).toBe(ErrorCode.NONE);
    expect(coordinator.snapshot('tx')).toBe(before);
  });

  it('adds the group offsets partition of AddOffsetsToTxn, as Kafka does', () => {
    const { coordinator } = createCoordinator();
    const { producerId } = init(coordinator, 'tx');
    expect(coordinator.addOffsets('tx', producerId, 0, 'my-group')).toBe(ErrorCode.NONE);
    expect([...coordinator.snapshot('tx')!.partitions]).toEqual([
      tp(GROUP_OFFSETS_TOPIC, coordinatorPartition('my-group')),
    ]);
    expect(coordinator.verifyOffsets('tx', producerId, 0, 'my-group')).toBe(ErrorCode.NONE);
    expect(coordinator.verifyOffsets('tx', producerId, 0, 'other-group-xyz')).toBe(
      ErrorCode.TRANSACTION_ABORTABLE,
    );
  });

  it('verifies partitions (KIP-890 part 1) without adding them', () => {
    const { coordinator } = createCoordinator();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    expect(coordinator.verifyPartitions('tx', producerId, 0, [tp('t', 0), tp('t', 1)])).toEqual([
      ErrorCode.NONE,
      ErrorCode.TRANSACTION_ABORTABLE,
    ]);
    expect(coordinator.verifyPartitions('tx', producerId, 1, [tp('t', 0), tp('t', 1)])).toEqual([
      ErrorCode.PRODUCER_FENCED,
      ErrorCode.PRODUCER_FENCED,
    ]);
    expect(coordinator.verifyPartitions('nope', producerId, 0, [tp('t', 0)])).toEqual([
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    ]);
    expect(coordinator.snapshot('tx')!.partitions.size).toBe(1);
  });

  it('answers CONCURRENT_TRANSACTIONS while the previous transaction is being completed', async () => {
    const { coordinator, writer } = createCoordinator();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    writer.holdWrites();
    coordinator.endTransaction('tx', producerId, 0, true);
    expect(coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)])).toBe(
      ErrorCode.CONCURRENT_TRANSACTIONS,
    );
    expect(coordinator.addOffsets('tx', producerId, 0, 'g')).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(coordinator.verifyPartitions('tx', producerId, 0, [tp('t', 0)])).toEqual([
      ErrorCode.CONCURRENT_TRANSACTIONS,
    ]);
    writer.releaseWrites();
    await coordinator.completion('tx');
    expect(coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)])).toBe(ErrorCode.NONE);
  });
});

describe('EndTxn in every state', () => {
  /** A coordinator whose markers fail until `heal()`, with retries far apart. */
  function stuck() {
    const writer = new RecordingMarkerWriter();
    writer.answer = () => ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const harness = createCoordinator({ writer, config: { markerRetryBackoffMs: 60_000 } });
    const heal = async () => {
      writer.answer = () => ErrorCode.NONE;
      // Wake the sleeping retry: stop() interrupts it, start() lets it go on.
      harness.coordinator.stop();
      harness.coordinator.start();
      await harness.coordinator.completion('tx');
    };
    return { ...harness, heal };
  }

  it('Empty: INVALID_TXN_STATE for commit and abort', () => {
    const { coordinator } = createCoordinator();
    const { producerId } = init(coordinator, 'tx');
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(coordinator.endTransaction('tx', producerId, 0, false)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('checks the producer id mapping and the epoch first', () => {
    const { coordinator } = createCoordinator();
    expect(coordinator.endTransaction('none', 1, 0, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    expect(coordinator.endTransaction('tx', producerId + 1, 0, true)).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    expect(coordinator.endTransaction('tx', producerId, 1, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(coordinator.endTransaction('', producerId, 0, true)).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('PrepareCommit: CONCURRENT_TRANSACTIONS for commit, INVALID_TXN_STATE for abort; CompleteCommit: NONE / INVALID_TXN_STATE', async () => {
    const { coordinator, heal, writer } = stuck();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.NONE);
    await new Promise((r) => setImmediate(r)); // the first (failing) attempt
    expect(writer.requested).toHaveLength(1);
    expect(coordinator.snapshot('tx')?.state).toBe('PrepareCommit');
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(coordinator.endTransaction('tx', producerId, 0, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    await heal();
    expect(coordinator.snapshot('tx')?.state).toBe('CompleteCommit');
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.NONE);
    expect(coordinator.endTransaction('tx', producerId, 0, false)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('PrepareAbort: CONCURRENT_TRANSACTIONS for abort, INVALID_TXN_STATE for commit; CompleteAbort: NONE / INVALID_TXN_STATE', async () => {
    const { coordinator, heal } = stuck();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    expect(coordinator.endTransaction('tx', producerId, 0, false)).toBe(ErrorCode.NONE);
    await new Promise((r) => setImmediate(r));
    expect(coordinator.snapshot('tx')?.state).toBe('PrepareAbort');
    expect(coordinator.endTransaction('tx', producerId, 0, false)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    await heal();
    expect(coordinator.snapshot('tx')?.state).toBe('CompleteAbort');
    expect(coordinator.endTransaction('tx', producerId, 0, false)).toBe(ErrorCode.NONE);
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('answers CONCURRENT_TRANSACTIONS for both outcomes while markers are being written', () => {
    const { coordinator, writer } = createCoordinator();
    writer.holdWrites();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    coordinator.endTransaction('tx', producerId, 0, true);
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(coordinator.endTransaction('tx', producerId, 0, false)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    writer.releaseWrites();
  });
});

describe('markers', () => {
  it('writes one marker per data partition and completes the group offsets partitions', async () => {
    const { coordinator, writer, offsets } = createCoordinator();
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0), tp('t', 3)]);
    coordinator.addOffsets('tx', producerId, 0, 'g');
    coordinator.endTransaction('tx', producerId, 0, true);
    await coordinator.completion('tx');
    expect(writer.written).toEqual([
      { topic: 't', partition: 0, producerId, producerEpoch: 0, coordinatorEpoch: 0, commit: true },
      { topic: 't', partition: 3, producerId, producerEpoch: 0, coordinatorEpoch: 0, commit: true },
    ]);
    expect(offsets.completed).toEqual([
      { offsetsPartition: coordinatorPartition('g'), producerId, commit: true },
    ]);
    expect(coordinator.snapshot('tx')).toMatchObject({ state: 'CompleteCommit' });
    expect(coordinator.snapshot('tx')!.partitions.size).toBe(0);
  });

  it('retries partitions whose leader is away, and only those', async () => {
    const writer = new RecordingMarkerWriter();
    let failures = 2;
    writer.answer = (m) =>
      m.partition === 1 && failures-- > 0 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.NONE;
    const { coordinator } = createCoordinator({ writer, config: { markerRetryBackoffMs: 1 } });
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0), tp('t', 1)]);
    coordinator.endTransaction('tx', producerId, 0, false);
    await coordinator.completion('tx');
    expect(writer.requested.map((m) => m.partition)).toEqual([0, 1, 1, 1]);
    expect(writer.written.map((m) => m.partition)).toEqual([0, 1]);
    expect(coordinator.snapshot('tx')?.state).toBe('CompleteAbort');
  });

  it('gives up on partitions of deleted topics and on partitions that refuse the marker', async () => {
    const writer = new RecordingMarkerWriter();
    writer.answer = (m) =>
      m.topic === 'gone' ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_PRODUCER_EPOCH;
    const { coordinator } = createCoordinator({ writer, partitionExists: (topic) => topic !== 'gone' });
    const { producerId } = init(coordinator, 'tx');
    coordinator.addPartitions('tx', producerId, 0, [tp('gone', 0), tp('t', 0)]);
    coordinator.endTransaction('tx', producerId, 0, true);
    await coordinator.completion('tx');
    expect(writer.requested).toHaveLength(2);
    expect(coordinator.snapshot('tx')?.state).toBe('CompleteCommit');
  });

  it('answers NOT_COORDINATOR and changes nothing when the state log cannot be written', () => {
    const { coordinator, stateLog } = createCoordinator();
    const { producerId } = init(coordinator, 'tx');
    stateLog.close();
    expect(coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)])).toBe(ErrorCode.NOT_COORDINATOR);
    expect(coordinator.snapshot('tx')).toMatchObject({ state: 'Empty' });
    expect(coordinator.snapshot('tx')!.partitions.size).toBe(0);
    expect(coordinator.initProducerId('tx', 60_000).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});

describe('timeouts', () => {
  it('aborts a transaction open longer than its timeout, fencing its producer', async () => {
    const { coordinator, clock, writer } = createCoordinator();
    const { producerId } = init(coordinator, 'tx', 5000);
    coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    clock.now += 5000;
    expect(coordinator.abortTimedOutTransactions()).toBe(0);
    clock.now += 1;
    expect(coordinator.abortTimedOutTransactions()).toBe(1);
    await coordinator.completion('tx');
    expect(writer.written).toEqual([
      expect.objectContaining({ partition: 0, commit: false, producerEpoch: 1 }),
    ]);
    expect(coordinator.snapshot('tx')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(coordinator.endTransaction('tx', producerId, 0, true)).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('leaves transactions alone that are not Ongoing or are being completed', () => {
    const { coordinator, clock, writer } = createCoordinator();
    const a = init(coordinator, 'idle', 1000);
    const b = init(coordinator, 'ending', 1000);
    coordinator.addPartitions('ending', b.producerId, 0, [tp('t', 0)]);
    writer.holdWrites();
    coordinator.endTransaction('ending', b.producerId, 0, true);
    clock.now += 10_000;
    expect(coordinator.abortTimedOutTransactions()).toBe(0);
    expect(coordinator.snapshot('idle')).toMatchObject({ producerId: a.producerId, state: 'Empty' });
    writer.releaseWrites();
  });
});

describe('transactional id expiration', () => {
  it('forgets ids idle for transactional.id.expiration.ms, but never one with an open transaction', () => {
    const dataDir = tempDir();
    const { coordinator, clock, restart } = createCoordinator({
      dataDir,
      config: { transactionalIdExpirationMs: 10_000 },
    });
    const idle = init(coordinator, 'idle');
    const open = init(coordinator, 'open');
    coordinator.addPartitions('open', open.producerId, 0, [tp('t', 0)]);
    clock.now += 9_999;
    expect(coordinator.expireTransactionalIds()).toBe(0);
    clock.now += 1;
    expect(coordinator.expireTransactionalIds()).toBe(1);
    expect(coordinator.describe('idle').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(coordinator.addPartitions('idle', idle.producerId, 0, [tp('t', 0)])).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    expect(coordinator.describe('open').state).toBe('Ongoing');
    // The tombstone is in the log: a restarted coordinator does not know the id either.
    const after = restart();
    expect(after.coordinator.describe('idle').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(after.coordinator.describe('open').state).toBe('Ongoing');
    const fresh = init(after.coordinator, 'idle');
    expect(fresh.producerId).not.toBe(idle.producerId);
  });
});

describe('DescribeTransactions and ListTransactions', () => {
  it('describes state, timeout, start time, producer and partitions', () => {
    const { coordinator, clock } = createCoordinator();
    const { producerId } = init(coordinator, 'tx', 30_000);
    expect(coordinator.describe('tx')).toMatchObject({ state: 'Empty', startTimeMs: -1, topics: [] });
    coordinator.addPartitions('tx', producerId, 0, [tp('b', 1), tp('a', 2), tp('b', 0)]);
    expect(coordinator.describe('tx')).toEqual({
      errorCode: ErrorCode.NONE,
      transactionalId: 'tx',
      state: 'Ongoing',
      timeoutMs: 30_000,
      startTimeMs: clock.now,
      producerId,
      producerEpoch: 0,
      topics: [
        { topic: 'b', partitions: [0, 1] },
        { topic: 'a', partitions: [2] },
      ],
    });
    expect(coordinator.describe('nope').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(coordinator.describe('').errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('lists ids filtered by state, producer id and running time', () => {
    const { coordinator, clock } = createCoordinator();
    const a = init(coordinator, 'a');
    const b = init(coordinator, 'b');
    init(coordinator, 'c');
    coordinator.addPartitions('a', a.producerId, 0, [tp('t', 0)]);
    clock.now += 10_000;
    coordinator.addPartitions('b', b.producerId, 0, [tp('t', 0)]);
    clock.now += 1_000;
    const ids = (filters: Parameters<typeof coordinator.list>[0]) =>
      coordinator
        .list(filters)
        .transactions.map((t) => `${t.transactionalId}:${t.state}`)
        .sort();
    expect(ids({})).toEqual(['a:Ongoing', 'b:Ongoing', 'c:Empty']);
    expect(ids({ states: ['Ongoing'] })).toEqual(['a:Ongoing', 'b:Ongoing']);
    expect(ids({ producerIds: [b.producerId] })).toEqual(['b:Ongoing']);
    expect(ids({ states: ['Ongoing'], minDurationMs: 5_000 })).toEqual(['a:Ongoing']);
    expect(coordinator.list({ states: ['Ongoing', 'Sleeping'] }).unknownStateFilters).toEqual(['Sleeping']);
  });
});

describe('recovery', () => {
  it('reloads every id from the state log, with the coordinator epoch one higher', () => {
    const dataDir = tempDir();
    const first = createCoordinator({ dataDir });
    const a = init(first.coordinator, 'a');
    first.coordinator.addPartitions('a', a.producerId, 0, [tp('t', 0)]);
    init(first.coordinator, 'b');
    const second = first.restart();
    expect(second.coordinator.coordinatorEpoch).toBe(first.coordinator.coordinatorEpoch + 1);
    expect(second.coordinator.describe('a')).toEqual(first.coordinator.describe('a'));
    expect(second.coordinator.describe('b')).toEqual(first.coordinator.describe('b'));
    // The reloaded transaction goes on with the same producer.
    expect(second.coordinator.endTransaction('a', a.producerId, 0, true)).toBe(ErrorCode.NONE);
  });

  it('completes a transaction left in PrepareCommit, offsets included, with the new coordinator epoch', async () => {
    const dataDir = tempDir();
    const writer = new RecordingMarkerWriter();
    writer.answer = () => ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const first = createCoordinator({ dataDir, writer, config: { markerRetryBackoffMs: 60_000 } });
    const { producerId } = init(first.coordinator, 'tx');
    first.coordinator.addPartitions('tx', producerId, 0, [tp('t', 0)]);
    first.coordinator.addOffsets('tx', producerId, 0, 'g');
    first.coordinator.endTransaction('tx', producerId, 0, true);
    await new Promise((r) => setImmediate(r));
    expect(first.coordinator.snapshot('tx')?.state).toBe('PrepareCommit');
    const second = first.restart();
    await second.coordinator.completion('tx');
    expect(second.writer.written).toEqual([
      { topic: 't', partition: 0, producerId, producerEpoch: 0, coordinatorEpoch: 1, commit: true },
    ]);
    expect(second.offsets.completed).toEqual([
      { offsetsPartition: coordinatorPartition('g'), producerId, commit: true },
    ]);
    expect(second.coordinator.snapshot('tx')?.state).toBe('CompleteCommit');
  });
});
