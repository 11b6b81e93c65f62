/**
 * The producer-state and transaction side of the fake cluster (fake-broker.ts): Kafka's sequence
 * and epoch checks per producer and partition, and a small transaction coordinator
 * (InitProducerId with a transactional id, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit,
 * EndTxn) that remembers what each transaction added and how it ended. Enough protocol to drive
 * the client's transaction manager, not a broker: no markers in the log, no LSO.
 */
import { ErrorCode, type RequestBodies, type ResponseBodies } from '@samsa/protocol';

const {
  NONE,
  OUT_OF_ORDER_SEQUENCE_NUMBER,
  DUPLICATE_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH,
  INVALID_TXN_STATE,
  INVALID_PRODUCER_ID_MAPPING,
  UNKNOWN_PRODUCER_ID,
  PRODUCER_FENCED,
} = ErrorCode;

export interface FakeTransaction {
  producerId: bigint;
  epoch: number;
  state: 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort';
  partitions: Set<string>;
  groups: Set<string>;
  /** TxnOffsetCommit offsets waiting for the transaction's end: group → `topic/partition` → offset. */
  pendingOffsets: Map<string, Map<string, bigint>>;
}

export interface EndedTransaction {
  transactionalId: string;
  producerId: bigint;
  epoch: number;
  committed: boolean;
  partitions: string[];
  groups: string[];
}

/** Per-batch producer fields of one Produce partition entry. */
export interface ProducedBatchInfo {
  producerId: bigint;
  epoch: number;
  baseSequence: number;
  count: number;
  transactional: boolean;
}

export class FakeTransactions {
  /** Next sequence expected per `producerId/topic/partition` (absent: no state, like an expired producer). */
  readonly sequences = new Map<string, number>();
  readonly epochs = new Map<string, number>();
  nextProducerId = 1000n;
  readonly transactions = new Map<string, FakeTransaction>();
  readonly ended: EndedTransaction[] = [];
  /** Committed group offsets (plain commits are not modelled; transactional ones land here on COMMIT). */
  readonly groupOffsets = new Map<string, Map<string, bigint>>();
  /** Every TxnOffsetCommit as it arrived. */
  readonly txnOffsetCommits: RequestBodies[28][] = [];
  /** Every AddPartitionsToTxn's partitions, in order. */
  readonly addPartitionsRequests: string[][] = [];
  /** Values of records written in transactions, per producer id, until the transaction ends. */
  private readonly openValues = new Map<bigint, { topic: string; value: string | null }[]>();
  /** Values of records whose transaction committed / aborted, in commit order. */
  readonly committedValues: { topic: string; value: string | null }[] = [];
  readonly abortedValues: { topic: string; value: string | null }[] = [];

  /** A transactional batch of `producerId` was appended (the fake broker calls this). */
  appended(producerId: bigint, topic: string, values: (string | null)[]): void {
    let list = this.openValues.get(producerId);
    if (!list) {
      list = [];
      this.openValues.set(producerId, list);
    }
    for (const value of values) list.push({ topic, value });
  }

  /** Forget producer state (as a broker whose state expired), so the next sequenced batch is refused. */
  forgetProducers(): void {
    this.sequences.clear();
    this.epochs.clear();
  }

  /**
   * Kafka's checks of a sequenced batch (ProducerStateManager), pre-KIP-360 flavour for missing
   * state: no state accepts sequence 0 and refuses anything else with UNKNOWN_PRODUCER_ID.
   */
  checkBatch(topic: string, partition: number, b: ProducedBatchInfo): number | 'duplicate' {
    if (b.producerId < 0n) return NONE;
    const key = `${b.producerId}/${topic}/${partition}`;
    if (b.transactional) {
      const txn = [...this.transactions.values()].find((t) => t.producerId === b.producerId);
      if (txn?.state !== 'Ongoing' || !txn.partitions.has(`${topic}/${partition}`)) return INVALID_TXN_STATE;
      if (b.epoch < txn.epoch) return INVALID_PRODUCER_EPOCH;
    }
    const epoch = this.epochs.get(key);
    const expected = this.sequences.get(key);
    if (epoch === undefined || expected === undefined) {
      if (b.baseSequence !== 0) return UNKNOWN_PRODUCER_ID;
    } else if (b.epoch < epoch) {
      return INVALID_PRODUCER_EPOCH;
    } else if (b.epoch > epoch) {
      if (b.baseSequence !== 0) return OUT_OF_ORDER_SEQUENCE_NUMBER;
    } else if (b.baseSequence < expected) {
      return 'duplicate';
    } else if (b.baseSequence > expected) {
      return OUT_OF_ORDER_SEQUENCE_NUMBER;
    }
    this.epochs.set(key, b.epoch);
    this.sequences.set(key, b.baseSequence + b.count);
    return NONE;
  }

  static readonly DUPLICATE = DUPLICATE_SEQUENCE_NUMBER;

  initProducerId(req: RequestBodies[22], version: number): Omit<ResponseBodies[22], 'throttleTimeMs'> {
    const fail = (errorCode: number) => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (req.transactionalId === null || req.transactionalId === undefined) {
      return { errorCode: NONE, producerId: this.nextProducerId++, producerEpoch: 0 };
    }
    const existing = this.transactions.get(req.transactionalId);
    if (!existing) {
      const txn: FakeTransaction = {
        producerId: this.nextProducerId++,
        epoch: 0,
        state: 'Empty',
        partitions: new Set(),
        groups: new Set(),
        pendingOffsets: new Map(),
      };
      this.transactions.set(req.transactionalId, txn);
      return { errorCode: NONE, producerId: txn.producerId, producerEpoch: 0 };
    }
    const bump = (req.producerId ?? -1n) >= 0n;
    if (bump && (req.producerId !== existing.producerId || req.producerEpoch !== existing.epoch)) {
      return fail(version >= 4 ? PRODUCER_FENCED : INVALID_PRODUCER_EPOCH);
    }
    // A new instance (or an epoch bump) aborts what the old epoch left open.
    if (existing.state === 'Ongoing') this.end(req.transactionalId, existing, false);
    existing.epoch++;
    existing.state = 'Empty';
    return { errorCode: NONE, producerId: existing.producerId, producerEpoch: existing.epoch };
  }

  /** The checks every transactional request makes of transactional id, producer id and epoch. */
  private check(id: string, producerId: bigint, epoch: number, version: number, fencedSince: number): number {
    const txn = this.transactions.get(id);
    if (!txn || txn.producerId !== producerId) return INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== txn.epoch) return version >= fencedSince ? PRODUCER_FENCED : INVALID_PRODUCER_EPOCH;
    return NONE;
  }

  addPartitions(req: RequestBodies[24], version: number): ResponseBodies[24] {
    const id = req.v3AndBelowTransactionalId;
    const code = this.check(id, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, version, 2);
    const added: string[] = [];
    if (code === NONE) {
      const txn = this.transactions.get(id)!;
      txn.state = 'Ongoing';
      for (const t of req.v3AndBelowTopics)
        for (const p of t.partitions) txn.partitions.add(`${t.name}/${p}`);
    }
    for (const t of req.v3AndBelowTopics) for (const p of t.partitions) added.push(`${t.name}/${p}`);
    this.addPartitionsRequests.push(added);
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: req.v3AndBelowTopics.map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code })),
      })),
    };
  }

  addOffsets(req: RequestBodies[25], version: number): ResponseBodies[25] {
    const code = this.check(req.transactionalId, req.producerId, req.producerEpoch, version, 2);
    if (code === NONE) {
      const txn = this.transactions.get(req.transactionalId)!;
      txn.state = 'Ongoing';
      txn.groups.add(req.groupId);
    }
    return { throttleTimeMs: 0, errorCode: code };
  }

  txnOffsetCommit(req: RequestBodies[28], version: number, fault?: number): ResponseBodies[28] {
    this.txnOffsetCommits.push(req);
    let code = this.check(req.transactionalId, req.producerId, req.producerEpoch, version, 99);
    const txn = this.transactions.get(req.transactionalId);
    if (code === NONE && !txn!.groups.has(req.groupId)) code = INVALID_TXN_STATE;
    if (code === NONE && fault !== undefined) code = fault;
    if (code === NONE) {
      let pending = txn!.pendingOffsets.get(req.groupId);
      if (!pending) {
        pending = new Map();
        txn!.pendingOffsets.set(req.groupId, pending);
      }
      for (const t of req.topics)
        for (const p of t.partitions) pending.set(`${t.name}/${p.partitionIndex}`, p.committedOffset);
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })),
      })),
    };
  }

  endTxn(req: RequestBodies[26], version: number): ResponseBodies[26] {
    const code = this.check(req.transactionalId, req.producerId, req.producerEpoch, version, 2);
    if (code !== NONE) return { throttleTimeMs: 0, errorCode: code };
    const txn = this.transactions.get(req.transactionalId)!;
    if (txn.state === 'Ongoing') {
      this.end(req.transactionalId, txn, req.committed);
      return { throttleTimeMs: 0, errorCode: NONE };
    }
    // A retry of what already completed succeeds; anything else is out of order.
    const retry = txn.state === (req.committed ? 'CompleteCommit' : 'CompleteAbort');
    return { throttleTimeMs: 0, errorCode: retry ? NONE : INVALID_TXN_STATE };
  }

  private end(id: string, txn: FakeTransaction, committed: boolean): void {
    this.ended.push({
      transactionalId: id,
      producerId: txn.producerId,
      epoch: txn.epoch,
      committed,
      partitions: [...txn.partitions].sort(),
      groups: [...txn.groups].sort(),
    });
    if (committed) {
      for (const [group, offsets] of txn.pendingOffsets) {
        let target = this.groupOffsets.get(group);
        if (!target) {
          target = new Map();
          this.groupOffsets.set(group, target);
        }
        for (const [tp, offset] of offsets) target.set(tp, offset);
      }
    }
    const values = this.openValues.get(txn.producerId) ?? [];
    this.openValues.delete(txn.producerId);
    (committed ? this.committedValues : this.abortedValues).push(...values);
    txn.pendingOffsets.clear();
    txn.partitions.clear();
    txn.groups.clear();
    txn.state = committed ? 'CompleteCommit' : 'CompleteAbort';
  }
}
