/** Errors only the consumer raises. Broker error codes arrive as `KafkaProtocolError`. */
import type { DecodeFailureReason } from '@samsa/protocol/on-demand';
import { KafkaClientError } from '../errors.js';

/** No committed offset and `autoOffsetReset: 'none'`, or the position fell out of the log with 'none'. */
export class NoOffsetForPartitionError extends KafkaClientError {
  readonly topic: string;
  readonly partition: number;
  constructor(topic: string, partition: number, why: string) {
    super(
      'NO_OFFSET',
      `${topic}[${partition}]: ${why} and autoOffsetReset is 'none'. Seek to an offset, or set autoOffsetReset to ` +
        "'earliest' or 'latest'.",
      false,
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/** A call that needs a running or subscribed consumer came too early or too late. */
export class ConsumerStateError extends KafkaClientError {
  constructor(message: string) {
    super('CONSUMER_STATE', message, false);
  }
}

/** The group cannot be joined for a reason retrying will not fix (bad protocol, authorization, group full...). */
export class GroupJoinError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GROUP_JOIN', message, false, options);
  }
}

/**
 * A fetched record batch that does not decode (bad CRC, unknown codec, broken records), still so after
 * being fetched again: corrupt on the broker, or written by a broker that does not validate what it
 * stores. Java's client fails the same way (CorruptRecordException). `offset`..`lastOffset` is the
 * batch; seek past it, or set `skipCorruptBatches: true` to skip such batches with a warning.
 */
export class CorruptRecordBatchError extends KafkaClientError {
  readonly topic: string;
  readonly partition: number;
  /** The batch's first offset. */
  readonly offset: string;
  /** The batch's last offset, per its header; null when the bytes cannot tell. */
  readonly lastOffset: string | null;
  /** Why it does not decode (CRC_MISMATCH, UNSUPPORTED_COMPRESSION, INVALID_RECORD, ...). */
  readonly reason: DecodeFailureReason;
  constructor(
    fields: {
      topic: string;
      partition: number;
      offset: bigint;
      lastOffset: bigint | null;
      reason: DecodeFailureReason;
    },
    message: string,
    options?: { cause?: unknown },
  ) {
    super('CORRUPT_RECORD_BATCH', message, false, options);
    this.topic = fields.topic;
    this.partition = fields.partition;
    this.offset = fields.offset.toString();
    this.lastOffset = fields.lastOffset === null ? null : fields.lastOffset.toString();
    this.reason = fields.reason;
  }
}

/**
 * The coordinator no longer knows this member at its epoch (KIP-848's FENCED_MEMBER_EPOCH or
 * UNKNOWN_MEMBER_ID while reconciling): its partitions are lost and it rejoins at epoch 0.
 */
export class GroupMembershipLostError extends KafkaClientError {
  readonly errorCode: number;
  constructor(groupId: string, errorCode: number, reason: string) {
    super(
      'GROUP_MEMBERSHIP_LOST',
      `Consumer group ${groupId}: ${reason}; the member gives its partitions up as lost and rejoins`,
      true,
    );
    this.errorCode = errorCode;
  }
}
