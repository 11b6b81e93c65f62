/**
 * Who may commit and fetch a consumer group's offsets (Kafka's ConsumerGroup.validateOffsetCommit
 * and validateOffsetFetch): the member epoch is the generation. OffsetCommit v9+ and
 * TxnOffsetCommit call the commit check, OffsetFetch v9+ the fetch check; each returns an error code
 * (NONE when allowed).
 */
import { ErrorCode } from '@samsa/protocol';
import type { ConsumerGroup } from './consumer-group.js';

export interface OffsetCommitValidation {
  /** The OffsetCommit / TxnOffsetCommit version. */
  apiVersion: number;
  /** TxnOffsetCommit: any version, and a stale epoch is ILLEGAL_GENERATION (its errors predate KIP-848). */
  transactional?: boolean;
}

export function validateConsumerGroupOffsetCommit(
  group: ConsumerGroup,
  memberId: string,
  memberEpoch: number,
  options: OffsetCommitValidation,
): number {
  // Epoch -1: an admin client or a consumer outside the group protocol, only while nobody is in it.
  if (memberEpoch < 0 && group.members.size === 0) return ErrorCode.NONE;
  const member = group.members.get(memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  // Consumer-protocol members commit with the member epoch, which OffsetCommit carries from v9 on.
  if (!options.transactional && options.apiVersion < 9) return ErrorCode.UNSUPPORTED_VERSION;
  if (memberEpoch !== member.memberEpoch)
    return options.transactional ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
  return ErrorCode.NONE;
}

/** OffsetFetch v9+: a member asking for its group's offsets must be in it at its current epoch. */
export function validateConsumerGroupOffsetFetch(
  group: ConsumerGroup,
  memberId: string | null,
  memberEpoch: number,
): number {
  if (memberId === null && memberEpoch < 0) return ErrorCode.NONE;
  const member = memberId === null ? undefined : group.members.get(memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (memberEpoch !== member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
  return ErrorCode.NONE;
}
