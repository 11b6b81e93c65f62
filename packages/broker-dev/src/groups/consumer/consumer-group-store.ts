/**
 * Where consumer groups are kept across broker restarts, as Kafka keeps them in __consumer_offsets:
 * the group's epochs (ConsumerGroupMetadata + TargetAssignmentMetadata) and, per member, its
 * subscription (MemberMetadata), reconciled assignment (CurrentMemberAssignment) and target
 * (TargetAssignmentMember). Regex resolutions and subscribed topic metadata are not kept: they are
 * recomputed from the topics stored beside them when the groups are loaded. The broker plugs in durable storage under the data dir;
 * in memory the coordinator itself outlives a restart and nothing needs keeping.
 */
import type { TopicIdPartitions } from './assignment.js';
import type { MemberState, MemberSubscription } from './consumer-group.js';

export interface StoredConsumerGroup {
  groupEpoch: number;
  assignmentEpoch: number;
}

export interface StoredMember {
  subscription: MemberSubscription;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  assigned: TopicIdPartitions[];
  pendingRevocation: TopicIdPartitions[];
  target: TopicIdPartitions[];
}

export interface ConsumerGroupStore {
  /** Every stored group with its members. */
  load(): { groupId: string; group: StoredConsumerGroup; members: Map<string, StoredMember> }[];
  /** Writes a group's changes at once: its epochs, changed members, removed members. */
  save(
    groupId: string,
    group: StoredConsumerGroup,
    members: readonly { memberId: string; member: StoredMember | null }[],
  ): void;
  /** Removes a group and its members (deleted, or turned into a classic group). */
  delete(groupId: string, memberIds: Iterable<string>): void;
}

export class MemoryConsumerGroupStore implements ConsumerGroupStore {
  load() {
    return [];
  }
  save(): void {}
  delete(): void {}
}
