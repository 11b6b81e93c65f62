/** A partition's producer state against Kafka's rules (UnifiedLog.analyzeAndValidateProducerState, A6). */
import { ErrorCode } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import {
  BatchMetadata,
  lastSequenceOf,
  ProducerStateManager,
  RETAINED_BATCHES,
} from '../../src/storage/producer-state.js';

const PID = 7000;
const INT32_MAX = 0x7fffffff;

/** A producer that writes batches of `size` records in order, as the log would record them. */
function writer(state: ProducerStateManager, producerId = PID) {
  let nextOffset = 0;
  let nextSeq = 0;
  return {
    write(size: number, options: { epoch?: number; transactional?: boolean; offset?: number } = {}) {
      const firstOffset = options.offset ?? nextOffset;
      const firstSeq = nextSeq;
      const lastSeq = lastSequenceOf(firstSeq, size - 1);
      state.appendDataBatch(
        producerId,
        options.epoch ?? 0,
        firstSeq,
        lastSeq,
        firstOffset,
        firstOffset + size - 1,
        1000 + firstOffset,
        options.transactional ?? false,
      );
      nextOffset = firstOffset + size;
      nextSeq = lastSeq === INT32_MAX ? 0 : lastSeq + 1;
      return { firstSeq, lastSeq, firstOffset };
    },
    startSequence(seq: number) {
      nextSeq = seq;
    },
    get nextSeq() {
      return nextSeq;
    },
  };
}

const errorOf = (check: unknown) => (check as { errorCode?: number } | undefined)?.errorCode;

describe('client batches', () => {
  it('answers a retry of each of the last five batches with its original offsets and timestamp', () => {
    const state = new ProducerStateManager('t-0');
    const w = writer(state);
    const written = Array.from({ length: 7 }, (_, i) => w.write(i + 1));
    for (const batch of written.slice(-RETAINED_BATCHES)) {
      const check = state.checkClientBatch(PID, 0, batch.firstSeq, batch.lastSeq, false);
      expect(check).toBeInstanceOf(BatchMetadata);
      expect(check).toMatchObject({ firstOffset: batch.firstOffset, timestamp: 1000 + batch.firstOffset });
    }
    // The sixth newest is no longer cached: its sequence is out of order now.
    const old = written[written.length - RETAINED_BATCHES - 1];
    expect(errorOf(state.checkClientBatch(PID, 0, old.firstSeq, old.lastSeq, false))).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
  });

  it('accepts the next sequence and refuses gaps and overlaps', () => {
    const state = new ProducerStateManager('t-0');
    const w = writer(state);
    w.write(3);
    expect(state.checkClientBatch(PID, 0, 3, 4, false)).toBeUndefined();
    expect(errorOf(state.checkClientBatch(PID, 0, 5, 5, false))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(errorOf(state.checkClientBatch(PID, 0, 1, 3, false))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('wraps the sequence after Int32 max to 0', () => {
    const state = new ProducerStateManager('t-0');
    const w = writer(state);
    w.startSequence(INT32_MAX - 1);
    const batch = w.write(2);
    expect(batch.lastSeq).toBe(INT32_MAX);
    expect(state.checkClientBatch(PID, 0, 0, 0, false)).toBeUndefined();
    expect(lastSequenceOf(INT32_MAX - 1, 3)).toBe(1);
    const wrapped = w.write(4);
    expect(wrapped).toMatchObject({ firstSeq: 0, lastSeq: 3 });
    expect(state.checkClientBatch(PID, 0, 0, 3, false)).toBeInstanceOf(BatchMetadata);
  });

  it('refuses a lower epoch, and a higher epoch unless it starts at sequence 0', () => {
    const state = new ProducerStateManager('t-0');
    writer(state).write(2, { epoch: 3 });
    expect(errorOf(state.checkClientBatch(PID, 2, 2, 2, false))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(errorOf(state.checkClientBatch(PID, 4, 5, 5, false))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(state.checkClientBatch(PID, 4, 0, 0, false)).toBeUndefined();
    // A duplicate needs the same epoch: the old batch's range at a new epoch is not one.
    expect(errorOf(state.checkClientBatch(PID, 4, 0, 1, false))).toBeUndefined();
  });

  it('accepts any sequence from a producer it has no state for (no UNKNOWN_PRODUCER_ID since KIP-360)', () => {
    const state = new ProducerStateManager('t-0');
    expect(state.checkClientBatch(PID, 0, 12345, 12349, false)).toBeUndefined();
    expect(state.checkClientBatch(PID, 9, 42, 42, true)).toBeUndefined();
  });

  it('refuses a non-transactional batch while the producer has a transaction open here', () => {
    const state = new ProducerStateManager('t-0');
    const w = writer(state);
    w.write(2, { transactional: true });
    expect(errorOf(state.checkClientBatch(PID, 0, 2, 2, false))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(state.checkClientBatch(PID, 0, 2, 2, true)).toBeUndefined();
  });

  it('drops the cached batches when the epoch changes', () => {
    const state = new ProducerStateManager('t-0');
    const w = writer(state);
    const first = w.write(1);
    w.startSequence(0);
    w.write(1, { epoch: 1 });
    expect(state.entry(PID)!.batchCount).toBe(1);
    expect(errorOf(state.checkClientBatch(PID, 0, first.firstSeq, first.lastSeq, false))).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
  });
});

describe('transactions and markers', () => {
  it('tracks the first unstable offset across producers and completes only transactions with data', () => {
    const state = new ProducerStateManager('t-0');
    const a = writer(state, 1);
    const b = writer(state, 2);
    a.write(2, { transactional: true, offset: 0 });
    b.write(3, { transactional: true, offset: 2 });
    a.write(1, { transactional: true, offset: 5 });
    expect(state.firstUnstableOffset).toBe(0);
    expect(state.hasOngoingTransaction(1)).toBe(true);

    // A's abort: its transaction spans 0..6; the next open transaction of another producer starts at 2.
    expect(state.appendMarker(1, 0, 5, true, 6, 2000)).toEqual({
      producerId: 1,
      firstOffset: 0,
      lastOffset: 6,
      aborted: true,
      lastStableOffset: 2,
    });
    expect(state.firstUnstableOffset).toBe(2);
    // The same marker again (a coordinator retry) completes nothing.
    expect(state.appendMarker(1, 0, 5, true, 7, 2001)).toBeUndefined();
    expect(state.appendMarker(2, 0, 5, false, 8, 2002)).toMatchObject({
      firstOffset: 2,
      lastOffset: 8,
      aborted: false,
      lastStableOffset: 9,
    });
    expect(state.firstUnstableOffset).toBe(-1);
    // A marker for a producer the partition never saw: recorded, nothing completed.
    expect(state.appendMarker(3, 4, 5, false, 9, 2003)).toBeUndefined();
    expect(state.entry(3)).toMatchObject({ epoch: 4, coordinatorEpoch: 5, currentTxnFirstOffset: -1 });
  });

  it('keeps sequences across a marker of the same epoch and drops them on a bumped one', () => {
    const state = new ProducerStateManager('t-0');
    const w = writer(state);
    w.write(2, { transactional: true });
    state.appendMarker(PID, 0, 0, false, 2, 2000);
    expect(state.checkClientBatch(PID, 0, 2, 2, true)).toBeUndefined();
    // The coordinator fenced the producer (epoch + 1) with its abort marker.
    state.appendMarker(PID, 1, 0, true, 3, 2001);
    expect(errorOf(state.checkClientBatch(PID, 0, 2, 2, true))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(state.checkClientBatch(PID, 2, 0, 0, true)).toBeUndefined();
  });

  it('refuses a marker of an older producer epoch or an older coordinator epoch', () => {
    const state = new ProducerStateManager('t-0');
    writer(state).write(1, { epoch: 2, transactional: true });
    state.appendMarker(PID, 2, 7, false, 1, 2000);
    expect(state.checkMarker(PID, 1, 7)).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(state.checkMarker(PID, 2, 6)).toMatchObject({
      errorCode: ErrorCode.TRANSACTION_COORDINATOR_FENCED,
    });
    expect(state.checkMarker(PID, 2, 7)).toBeUndefined();
    expect(state.checkMarker(PID, 3, 8)).toBeUndefined();
    expect(state.checkMarker(PID + 1, 0, 0)).toBeUndefined();
  });
});

describe('expiry and snapshots', () => {
  it('expires idle producers but never one with an open transaction', () => {
    const state = new ProducerStateManager('t-0');
    writer(state, 1).write(1, { offset: 0 });
    writer(state, 2).write(1, { offset: 1, transactional: true });
    expect(state.removeExpired(1000 + 10 + 86_400_000, 86_400_000)).toBe(1);
    expect(state.entry(1)).toBeUndefined();
    expect(state.entry(2)).toBeDefined();
    expect(state.firstUnstableOffset).toBe(1);
  });

  it("round-trips through Kafka's snapshot entries, keeping the last batch and open transactions", () => {
    const state = new ProducerStateManager('t-0');
    const a = writer(state, 1);
    a.startSequence(INT32_MAX - 1);
    a.write(3, { offset: 10, epoch: 2 });
    writer(state, 2).write(4, { offset: 20, transactional: true });
    state.appendMarker(3, 5, 9, false, 30, 4000);
    const entries = state.snapshot();
    expect(entries).toEqual([
      {
        producerId: 1,
        epoch: 2,
        lastSequence: 0,
        lastOffset: 12,
        offsetDelta: 2,
        timestamp: 1010,
        coordinatorEpoch: -1,
        currentTxnFirstOffset: -1,
      },
      {
        producerId: 2,
        epoch: 0,
        lastSequence: 3,
        lastOffset: 23,
        offsetDelta: 3,
        timestamp: 1020,
        coordinatorEpoch: -1,
        currentTxnFirstOffset: 20,
      },
      {
        producerId: 3,
        epoch: 5,
        lastSequence: -1,
        lastOffset: -1,
        offsetDelta: 0,
        timestamp: 4000,
        coordinatorEpoch: 9,
        currentTxnFirstOffset: -1,
      },
    ]);
    const loaded = new ProducerStateManager('t-0');
    loaded.load(entries);
    expect(loaded.snapshot()).toEqual(entries);
    expect(loaded.firstUnstableOffset).toBe(20);
    // Only the last batch survives a reload (Kafka's duplicate window of one after a restart).
    expect(loaded.checkClientBatch(1, 2, INT32_MAX - 1, 0, false)).toBeInstanceOf(BatchMetadata);
    expect(loaded.checkClientBatch(1, 2, 1, 1, false)).toBeUndefined();
  });
});
