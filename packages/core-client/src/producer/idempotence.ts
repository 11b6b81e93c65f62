/**
 * Idempotence (KIP-98): the producer id and epoch, and per partition the sequence number of the
 * next batch. A batch gets producer id, epoch and base sequence when it is first sent and keeps them
 * through retries, so the broker can drop a duplicate and refuse a gap.
 *
 * A broker checks sequence numbers only for a producer id it holds state for: with none (a new id,
 * or one whose state expired) it writes a batch whatever its sequence. So a partition sends one
 * batch at a time until its leader acknowledged one under the current producer id
 * (`PartitionBuffer.acknowledgedProducerId`); else, with the first batch refused by a retriable
 * error and the second written, the first would be written after it on its retry.
 *
 * Recovery (KIP-360, as Java's TransactionManager does it for idempotent producers): when the
 * broker lost our state for a partition (UNKNOWN_PRODUCER_ID), finds a gap before the first batch we
 * have not had acknowledged (OUT_OF_ORDER_SEQUENCE_NUMBER), refuses our epoch, or a sequenced batch
 * failed for good, only that partition starts over: once nothing of it is in flight, the producer
 * epoch goes up by one (locally: the id is ours alone, and a leader takes a higher epoch when it
 * starts at sequence 0) and the partition's unacknowledged batches are renumbered from 0 under it,
 * in their order. Other partitions keep their numbers; they move to the new epoch (from 0) with
 * their next new batch once their in-flight batches are back (`generation`). Acknowledged records
 * are never resent. At the last epoch (32767) a new producer id is fetched instead.
 *
 * A transactional producer (transaction-manager.ts) gets its id and epoch from InitProducerId with
 * its transactional id; a sequence problem there fails the batch (the transaction must abort), and
 * the epoch is bumped through the coordinator after the abort (`epochBumpRequired`).
 */
import { ApiKey, BatchField, CRC_START, crc32c } from '@samsa/protocol/on-demand';
import type { Cluster } from '../cluster/cluster.js';
import type { ResolvedRetry } from '../config/client-options.js';
import { createKafkaError, ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { withRetry } from '../retry.js';
import type { ProducerBatchState } from './batch.js';
import type { PartitionBuffer } from './partition-buffer.js';

export const MAX_SEQUENCE = 0x7fffffff;
/** Java's Short.MAX_VALUE: an idempotent producer past it takes a new producer id. */
export const MAX_PRODUCER_EPOCH = 0x7fff;
/** Java's default for a producer without transactions (the broker ignores it then). */
const NO_TRANSACTION_TIMEOUT_MS = 2147483647;

/** `sequence` advanced by `records`: sequence numbers wrap from MAX_SEQUENCE to 0. */
export function addSequence(sequence: number, records: number): number {
  return (sequence + records) % (MAX_SEQUENCE + 1);
}

/** Rewrites the idempotence fields of a built batch and its CRC (they are inside the CRC). */
export function restamp(
  bytes: Buffer,
  producerId: bigint,
  producerEpoch: number,
  baseSequence: number,
): void {
  bytes.writeBigInt64BE(producerId, BatchField.producerId);
  bytes.writeInt16BE(producerEpoch, BatchField.producerEpoch);
  bytes.writeInt32BE(baseSequence, BatchField.baseSequence);
  bytes.writeUInt32BE(crc32c(bytes.subarray(CRC_START)) >>> 0, BatchField.crc);
}

/** `none` → (InitProducerId) `fetching` → `ready`; `reset` waits for nothing in flight, then fetches a new id. */
type ProducerIdState = 'ready' | 'none' | 'fetching' | 'reset';

/** What to do with a batch the broker refused with a producer-state error. */
export type SequenceVerdict = 'retry' | 'fail';

export interface IdempotenceMode {
  /** Sequence numbers at all. */
  enabled: boolean;
  /** The id comes from the transaction manager, and sequence problems abort the transaction. */
  transactional: boolean;
}

export class Idempotence {
  producerId = -1n;
  producerEpoch = -1;
  /**
   * Goes up whenever the producer id or epoch changes. A partition numbered under an older one
   * (`PartitionBuffer.sequenceGeneration`) starts again from 0 with its next new batch, once its
   * in-flight batches are back.
   */
  generation = 0;
  /**
   * Transactional: a batch that had a sequence number failed without being acknowledged, so the
   * partition's sequence has a hole; the epoch must be bumped (InitProducerId with the current id
   * and epoch) after the transaction aborts.
   */
  epochBumpRequired = false;
  readonly enabled: boolean;
  readonly transactional: boolean;
  private state: ProducerIdState;

  constructor(
    mode: IdempotenceMode | boolean,
    private readonly cluster: Pick<Cluster, 'request'>,
    private readonly retry: ResolvedRetry,
    private readonly logger: Logger,
  ) {
    const m = typeof mode === 'boolean' ? { enabled: mode, transactional: false } : mode;
    this.enabled = m.enabled || m.transactional;
    this.transactional = m.transactional;
    this.state = this.enabled ? 'none' : 'ready';
  }

  /** Batches may be sent: there is a producer id (or no need for one). */
  get ready(): boolean {
    return this.state === 'ready';
  }

  /**
   * Whether to fetch a producer id now: none yet, or a new one is due and nothing is in flight any
   * more. Never for a transactional producer: its id comes from `initTransactions`.
   */
  fetchDue(inFlightRequests: number): boolean {
    if (this.transactional) return false;
    return this.state === 'none' || (this.state === 'reset' && inFlightRequests === 0);
  }

  /** The producer id and epoch to number batches under from now on (InitProducerId answered). */
  setProducer(producerId: bigint, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.generation++;
    this.epochBumpRequired = false;
    this.state = 'ready';
    this.logger.debug('producer id', { producerId: String(producerId), epoch: producerEpoch });
  }

  /** No producer id any more (a transactional producer disconnected or failed to initialize). */
  clearProducer(): void {
    if (!this.enabled) return;
    this.producerId = -1n;
    this.producerEpoch = -1;
    this.generation++;
    this.state = 'none';
  }

  /** Gives a batch its producer id, epoch and sequence numbers the first time it is sent. */
  assignSequence(pb: PartitionBuffer, b: ProducerBatchState): void {
    if (!this.enabled || b.baseSequence >= 0) return;
    if (pb.sequenceGeneration !== this.generation) {
      // First batch under a new id or epoch (nothing of the partition is in flight: see
      // PartitionBuffer.nextBatch): a new epoch starts at sequence 0.
      pb.sequenceGeneration = this.generation;
      pb.nextSequence = 0;
    }
    b.producerId = this.producerId;
    b.producerEpoch = this.producerEpoch;
    b.baseSequence = pb.nextSequence;
    pb.nextSequence = addSequence(pb.nextSequence, b.count);
  }

  /**
   * The partition's leader wrote a sequenced batch (or had written it: a duplicate): it holds our
   * state for the batch's producer id now, so the partition may have several batches in flight.
   */
  acknowledged(b: ProducerBatchState, pb: PartitionBuffer | undefined): void {
    if (pb !== undefined && b.baseSequence >= 0) pb.acknowledgedProducerId = b.producerId;
  }

  /**
   * What to do with a batch the broker refused with `code`, when the code is about producer state;
   * null for any other code. OUT_OF_ORDER_SEQUENCE_NUMBER behind an earlier failed batch only means
   * "resend in order" (the retry does that). For the first unacknowledged batch of the partition,
   * and for UNKNOWN_PRODUCER_ID / INVALID_PRODUCER_EPOCH, the broker lost or refuses our state:
   * an idempotent producer bumps the epoch for the partition and resends; a transactional one
   * fails the batch (the transaction must be aborted).
   */
  onProduceError(
    code: number,
    b: ProducerBatchState,
    pb: PartitionBuffer | undefined,
  ): SequenceVerdict | null {
    if (!this.enabled) return null;
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      if (!pb || pb.queue[0] !== b) return 'retry';
    } else if (code !== ErrorCode.UNKNOWN_PRODUCER_ID && code !== ErrorCode.INVALID_PRODUCER_EPOCH) {
      return null;
    }
    if (this.transactional || !pb) return 'fail';
    pb.epochBumpPending = true;
    return 'retry';
  }

  /** A batch failed for good: if it had a sequence number, its partition's sequence has a hole. */
  batchFailed(b: ProducerBatchState, pb: PartitionBuffer | undefined): void {
    if (!this.enabled || b.baseSequence < 0) return;
    if (this.transactional) this.epochBumpRequired = true;
    else if (pb) pb.epochBumpPending = true;
  }

  /**
   * Starts a partition that needs it over under a new epoch, once nothing of it is in flight: bumps
   * the epoch (unless another partition already did since this one was numbered) and renumbers the
   * partition's unacknowledged batches from 0. Returns false while it must wait (in flight, or a new
   * producer id is being fetched).
   */
  maybeBumpEpoch(pb: PartitionBuffer): boolean {
    if (!pb.epochBumpPending || pb.inFlight > 0 || this.state !== 'ready') return false;
    if (pb.sequenceGeneration === this.generation) {
      if (this.producerEpoch >= MAX_PRODUCER_EPOCH) {
        // Epoch exhausted: a new producer id, then every partition is renumbered (accumulator).
        this.state = 'reset';
        return false;
      }
      this.producerEpoch++;
      this.generation++;
      this.logger.info('producer epoch bumped to recover a partition', {
        producerId: String(this.producerId),
        epoch: this.producerEpoch,
        topic: pb.topic,
        partition: pb.partition,
      });
    }
    pb.epochBumpPending = false;
    this.renumber(pb);
    return true;
  }

  /**
   * InitProducerId (retried) for an idempotent producer. Resolves true when this replaced an id
   * (the caller then renumbers every partition's queue with `renumber`). Rejects when no id could be had.
   */
  async fetchProducerId(): Promise<boolean> {
    const reset = this.state === 'reset';
    this.state = 'fetching';
    try {
      const response = await withRetry(
        this.retry,
        async () => {
          const { response } = await this.cluster.request(
            'any',
            ApiKey.InitProducerId,
            () => ({
              transactionalId: null,
              transactionTimeoutMs: NO_TRANSACTION_TIMEOUT_MS,
              producerId: -1n,
              producerEpoch: -1,
            }),
            { purpose: 'produce' },
          );
          if (response.errorCode !== 0)
            throw createKafkaError(response.errorCode, { apiName: 'InitProducerId' });
          return response;
        },
        { what: 'InitProducerId' },
      );
      this.setProducer(response.producerId, response.producerEpoch);
      return reset;
    } catch (err) {
      this.logger.error('could not get a producer id for the idempotent producer', {
        error: (err as Error).message,
      });
      this.state = 'none';
      throw err;
    }
  }

  /** Numbers a partition's queued batches from 0 under the current producer id and epoch. */
  renumber(pb: PartitionBuffer): void {
    let seq = 0;
    for (const b of pb.queue) {
      if (b.baseSequence < 0 && b.bytes === null) continue;
      b.producerId = this.producerId;
      b.producerEpoch = this.producerEpoch;
      b.baseSequence = seq;
      if (b.bytes) restamp(b.bytes, b.producerId, b.producerEpoch, seq);
      seq = addSequence(seq, b.count);
    }
    pb.nextSequence = seq;
    pb.sequenceGeneration = this.generation;
    pb.epochBumpPending = false;
  }
}
