/**
 * Fetched bytes that do not decode as record batches. Kafka validates batches before storing them,
 * so such data was damaged in transit (a refetch fixes it) or comes from a broker that stores what
 * it is sent: the batch is fetched again up to CORRUPT_BATCH_REFETCHES times, then the consumer fails
 * with CorruptRecordBatchError (Java: CorruptRecordException), or, with `skipCorruptBatches`, skips
 * the batch with a warning and goes on after it. Never refetched forever.
 */
import type { DecodeFailureReason } from '@samsa/protocol/on-demand';
import { ProtocolDecodeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { CorruptRecordBatchError } from '../errors.js';
import type { PartitionState } from '../partition-state.js';

/** Fetches of a batch that does not decode before it counts as corrupt for good (a bad CRC may be transit damage). */
export const CORRUPT_BATCH_REFETCHES = 3;

/** A batch that did not decode, from the chunk reader (records) or the fetcher (batch framing). */
export class BatchDecodeFailure extends Error {
  constructor(
    /** The batch's first offset. */
    readonly baseOffset: bigint,
    /** The batch's last offset, per its header; null when the bytes cannot tell. */
    readonly lastOffset: bigint | null,
    /** Whether the batch's extent is known, so delivery can go on after it. */
    readonly skippable: boolean,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }

  get reason(): DecodeFailureReason {
    return this.cause instanceof ProtocolDecodeError ? this.cause.reason : 'MALFORMED';
  }
}

export type CorruptBatchOutcome =
  | { action: 'refetch'; attempt: number }
  | { action: 'skip' }
  | { action: 'fail'; error: CorruptRecordBatchError };

export class CorruptBatches {
  /** The batch each partition last failed on and how often it was fetched again. */
  private readonly last = new WeakMap<PartitionState, { offset: bigint; refetches: number }>();

  constructor(
    private readonly skip: boolean,
    private readonly logger: Logger,
  ) {}

  /** What to do about `failure` on partition `p`; logs the decision. */
  decide(p: PartitionState, failure: BatchDecodeFailure): CorruptBatchOutcome {
    const where = {
      topic: p.topic,
      partition: p.partition,
      offset: failure.baseOffset.toString(),
      lastOffset: failure.lastOffset?.toString() ?? 'unknown',
      reason: failure.reason,
      error: failure.message,
    };
    const last = this.last.get(p);
    const refetches = last !== undefined && last.offset === failure.baseOffset ? last.refetches : 0;
    if (refetches < CORRUPT_BATCH_REFETCHES) {
      this.last.set(p, { offset: failure.baseOffset, refetches: refetches + 1 });
      this.logger.warn('fetched record batch does not decode; fetching it again', {
        ...where,
        attempt: refetches + 1,
        of: CORRUPT_BATCH_REFETCHES,
      });
      return { action: 'refetch', attempt: refetches + 1 };
    }
    this.last.delete(p);
    if (this.skip && failure.skippable) {
      this.logger.warn(
        'skipping a record batch that does not decode (skipCorruptBatches); its records are lost',
        where,
      );
      return { action: 'skip' };
    }
    return { action: 'fail', error: this.error(p, failure) };
  }

  private error(p: PartitionState, failure: BatchDecodeFailure): CorruptRecordBatchError {
    const { baseOffset, lastOffset } = failure;
    const range =
      lastOffset === null || lastOffset === baseOffset ? `${baseOffset}` : `${baseOffset}..${lastOffset}`;
    const tp = `${p.topic}[${p.partition}]`;
    const remedy = failure.skippable
      ? `To go past it, seek ${tp} to ${(lastOffset ?? baseOffset) + 1n}, or set skipCorruptBatches: true to skip ` +
        'such batches with a warning.'
      : `Its extent cannot be read, so it cannot be skipped; seek ${tp} past it if you know where the next ` +
        'good batch starts.';
    return new CorruptRecordBatchError(
      { topic: p.topic, partition: p.partition, offset: baseOffset, lastOffset, reason: failure.reason },
      `The record batch at offset ${range} of ${tp} does not decode: ${failure.message}. It failed the same way ` +
        `after ${CORRUPT_BATCH_REFETCHES} refetches, so the data is corrupt on the broker. ${remedy}`,
      { cause: failure.cause },
    );
  }
}
