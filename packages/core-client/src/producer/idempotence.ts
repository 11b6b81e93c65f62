/**
 * Idempotence (KIP-98): the producer id and epoch from InitProducerId, and per partition the
 * sequence number of the next batch. A batch gets producer id, epoch and base sequence when it is
 * first sent and keeps them through retries, so the broker can drop a duplicate and refuse a gap.
 *
 * State machine of the producer id: `none` → (InitProducerId) `fetching` → `ready`. When the broker
 * lost our producer state or a sequenced batch failed for good, `ready` → `reset`; once nothing is
 * in flight a new id is fetched and every queued batch is renumbered (and its built bytes
 * re-stamped) under it. Without idempotence the state is always `ready` and nothing is numbered.
 *
 * Transactions (producer/transaction-manager.ts: its state machine, AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn) hook in here: the producer id then comes from InitProducerId with the
 * transactional id, and a transaction abort bumps the epoch; sequence bookkeeping stays in this file.
 */
import { ApiKey, BatchField, CRC_START, crc32c } from '@samsa/protocol';
import type { Cluster } from '../cluster/cluster.js';
import type { ResolvedRetry } from '../config/client-options.js';
import { createKafkaError, ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { withRetry } from '../retry.js';
import type { ProducerBatchState } from './batch.js';
import type { PartitionBuffer } from './partition-buffer.js';

export const MAX_SEQUENCE = 0x7fffffff;
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

type ProducerIdState = 'ready' | 'none' | 'fetching' | 'reset';

export class Idempotence {
  producerId = -1n;
  producerEpoch = -1;
  private state: ProducerIdState;

  constructor(
    readonly enabled: boolean,
    private readonly cluster: Pick<Cluster, 'request'>,
    private readonly retry: ResolvedRetry,
    private readonly logger: Logger,
  ) {
    this.state = enabled ? 'none' : 'ready';
  }

  /** Batches may be sent: there is a producer id (or no need for one). */
  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Whether to fetch a producer id now: none yet, or a reset is due and nothing is in flight any more. */
  fetchDue(inFlightRequests: number): boolean {
    return this.state === 'none' || (this.state === 'reset' && inFlightRequests === 0);
  }

  /** Gives a batch its producer id, epoch and sequence numbers the first time it is sent. */
  assignSequence(pb: PartitionBuffer, b: ProducerBatchState): void {
    if (!this.enabled || b.baseSequence >= 0) return;
    b.producerId = this.producerId;
    b.producerEpoch = this.producerEpoch;
    b.baseSequence = pb.nextSequence;
    pb.nextSequence = addSequence(pb.nextSequence, b.count);
  }

  /** Takes a new producer id once nothing is in flight (see fetchDue). */
  requestReset(): void {
    if (this.state === 'ready') this.state = 'reset';
  }

  /**
   * Whether a Produce error code is about sequences or the producer id (then the batch is retried).
   * OUT_OF_ORDER_SEQUENCE_NUMBER behind an earlier failed batch just means "resend in order" (the
   * retry does that). For the first unacknowledged batch, or UNKNOWN_PRODUCER_ID /
   * INVALID_PRODUCER_EPOCH, the broker lost or rejects our state: take a new producer id.
   */
  isSequenceError(code: number, b: ProducerBatchState, pb: PartitionBuffer | undefined): boolean {
    if (!this.enabled) return false;
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      if (pb && pb.queue[0] === b) this.requestReset();
      return true;
    }
    if (code === ErrorCode.UNKNOWN_PRODUCER_ID || code === ErrorCode.INVALID_PRODUCER_EPOCH) {
      this.requestReset();
      return true;
    }
    return false;
  }

  /** A sequenced batch that never made it leaves a gap the broker will not accept: start over (as Java bumps the epoch). */
  batchFailed(b: ProducerBatchState): void {
    if (this.enabled && b.baseSequence >= 0) this.requestReset();
  }

  /**
   * InitProducerId (retried). Resolves true when this replaced an id the broker lost or rejected:
   * the caller then renumbers every partition's queue (`renumber`). Rejects when no id could be had.
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
      this.producerId = response.producerId;
      this.producerEpoch = response.producerEpoch;
      this.state = 'ready';
      this.logger.debug('producer id', { producerId: String(this.producerId), epoch: this.producerEpoch });
      return reset;
    } catch (err) {
      this.logger.error('could not get a producer id for the idempotent producer', {
        error: (err as Error).message,
      });
      this.state = 'none';
      throw err;
    }
  }

  /** Numbers a partition's queued batches from 0 under the current producer id (after a reset). */
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
  }
}
