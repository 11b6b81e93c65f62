/** The transaction state machine on its own: legal transitions, one pending at a time, fencing. */
import { describe, expect, it } from 'vitest';
import { TopicPartitionSet } from '../../src/txn/topic-partitions.js';
import {
  IllegalTransactionTransitionError,
  isEpochExhausted,
  TRANSACTION_STATE_IDS,
  TransactionMetadata,
  transactionStateFromId,
} from '../../src/txn/transaction-metadata.js';

const partitions = new TopicPartitionSet([{ topic: 't', partition: 0 }]);

function ongoing(): TransactionMetadata {
  const txn = TransactionMetadata.create('tx', 5, 60_000, 100);
  txn.completeTransition(txn.prepareIncrementProducerEpoch(60_000, undefined, 100)!);
  txn.completeTransition(txn.prepareAddPartitions(partitions, 200));
  return txn;
}

describe('TransactionMetadata', () => {
  it('uses Kafka’s state ids', () => {
    expect(TRANSACTION_STATE_IDS).toEqual({
      Empty: 0,
      Ongoing: 1,
      PrepareCommit: 2,
      PrepareAbort: 3,
      CompleteCommit: 4,
      CompleteAbort: 5,
      Dead: 6,
      PrepareEpochFence: 7,
    });
    expect(transactionStateFromId(3)).toBe('PrepareAbort');
    expect(transactionStateFromId(8)).toBeUndefined();
  });

  it('goes Empty → Ongoing → PrepareCommit → CompleteCommit → Ongoing, keeping the start time per transaction', () => {
    const txn = ongoing();
    expect(txn.snapshot).toMatchObject({ state: 'Ongoing', producerEpoch: 0, startTimestamp: 200 });
    txn.completeTransition(
      txn.prepareAddPartitions(new TopicPartitionSet([{ topic: 't', partition: 1 }]), 300),
    );
    expect(txn.snapshot.startTimestamp).toBe(200);
    txn.completeTransition(txn.prepareAbortOrCommit('PrepareCommit', 400));
    txn.completeTransition(txn.prepareComplete(500));
    expect(txn.snapshot).toMatchObject({
      state: 'CompleteCommit',
      startTimestamp: 200,
      lastUpdateTimestamp: 500,
    });
    expect(txn.partitions.size).toBe(0);
    txn.completeTransition(txn.prepareAddPartitions(partitions, 600));
    expect(txn.snapshot.startTimestamp).toBe(600);
  });

  it('allows one pending transition at a time, and abandoning one changes nothing', () => {
    const txn = ongoing();
    const before = txn.snapshot;
    txn.prepareAbortOrCommit('PrepareAbort', 300);
    expect(txn.pendingState).toBe('PrepareAbort');
    expect(() => txn.prepareAbortOrCommit('PrepareCommit', 300)).toThrow(IllegalTransactionTransitionError);
    txn.abandonTransition();
    expect(txn.snapshot).toBe(before);
    expect(txn.hasPendingTransition).toBe(false);
  });

  it('refuses transitions Kafka does not allow', () => {
    const empty = TransactionMetadata.create('tx', 5, 60_000, 100);
    expect(() => empty.prepareAbortOrCommit('PrepareCommit', 1)).toThrow(
      /Empty cannot move to PrepareCommit/,
    );
    expect(() => empty.prepareComplete(1)).toThrow(IllegalTransactionTransitionError);
    expect(() => ongoing().prepareDead()).toThrow(/Ongoing cannot move to Dead/);
    const wrong = ongoing();
    const target = wrong.prepareAbortOrCommit('PrepareAbort', 1);
    wrong.abandonTransition();
    expect(() => wrong.completeTransition(target)).toThrow(/none is pending/);
  });

  it('fences with epoch + 1 and carries that epoch into the abort', () => {
    const txn = ongoing();
    const fenced = txn.prepareFenceProducerEpoch();
    expect(fenced).toMatchObject({ state: 'PrepareEpochFence', producerEpoch: 1 });
    txn.takeEpochFence();
    txn.completeTransition(txn.prepareAbortOrCommit('PrepareAbort', 300, fenced.producerEpoch));
    expect(txn.snapshot).toMatchObject({ state: 'PrepareAbort', producerEpoch: 1, lastProducerEpoch: -1 });
  });

  it('treats epochs from 32766 on as exhausted (32767 is kept for fencing)', () => {
    expect(isEpochExhausted(32765)).toBe(false);
    expect(isEpochExhausted(32766)).toBe(true);
    expect(isEpochExhausted(32767)).toBe(true);
  });
});
