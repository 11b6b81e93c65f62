/** Errors of group membership and group offsets, raised by the consumer and by offset commits from outside a group. */
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
