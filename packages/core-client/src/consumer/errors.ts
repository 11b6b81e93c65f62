/** Errors only the consumer raises. Broker error codes arrive as `KafkaProtocolError`. */
import { KafkaClientError } from '../errors.js';

/**
 * Another consumer joined with the same `groupInstanceId` (KIP-345) and the broker fenced this one.
 * Fatal: two processes must never share an instance id.
 */
export class FencedInstanceIdError extends KafkaClientError {
  readonly groupInstanceId: string;
  constructor(groupId: string, groupInstanceId: string) {
    super(
      'FENCED_INSTANCE_ID',
      `Consumer group ${groupId}: another member joined with groupInstanceId ${JSON.stringify(groupInstanceId)}, ` +
        'so the broker fenced this one. Give every consumer process its own groupInstanceId.',
      false,
    );
    this.groupInstanceId = groupInstanceId;
  }
}

/** Offsets could not be committed because the member's generation is gone (the group rebalanced without it). */
export class CommitFailedError extends KafkaClientError {
  constructor(groupId: string, reason: string, options?: { cause?: unknown }) {
    super(
      'COMMIT_FAILED',
      `Consumer group ${groupId}: the commit failed because ${reason}. The partitions may now belong to another ` +
        'member, which resumes from the last committed offset; keep handlers below maxPollIntervalMs, or commit more often.',
      false,
      options,
    );
  }
}

/** A commit raced with a rebalance; the offsets can be committed again once the group is stable. */
export class RebalanceInProgressError extends KafkaClientError {
  constructor(groupId: string) {
    super(
      'REBALANCE_IN_PROGRESS',
      `Consumer group ${groupId} is rebalancing; commit again after it completes`,
      true,
    );
  }
}

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
