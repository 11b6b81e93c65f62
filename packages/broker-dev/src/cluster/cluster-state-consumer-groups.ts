/**
 * The group coordinator's ConsumerGroupStore over ClusterState's consumer group records: one record
 * per group (its epochs) and one per member, keyed like Kafka's __consumer_offsets records, the
 * last record of a key winning and tombstones removing.
 */
import type {
  ConsumerGroupStore,
  StoredConsumerGroup,
  StoredMember,
} from '../groups/consumer/consumer-group-store.js';
import type { KeyedRecordLog } from '../storage/keyed-record-log.js';

type GroupRecord = { kind: 'group'; groupId: string; group: StoredConsumerGroup };
type MemberRecord = { kind: 'member'; groupId: string; memberId: string; member: StoredMember };
type ConsumerGroupRecord = GroupRecord | MemberRecord;

const groupKey = (groupId: string) => `group\u0000${groupId}`;
const memberKey = (groupId: string, memberId: string) => `member\u0000${groupId}\u0000${memberId}`;

export class ClusterStateConsumerGroupStore implements ConsumerGroupStore {
  constructor(private readonly records: KeyedRecordLog<unknown>) {}

  load() {
    const groups = new Map<
      string,
      { groupId: string; group: StoredConsumerGroup; members: Map<string, StoredMember> }
    >();
    const members: MemberRecord[] = [];
    for (const [, value] of this.records.entries()) {
      const record = value as ConsumerGroupRecord;
      if (record.kind === 'group') groups.set(record.groupId, { ...record, members: new Map() });
      else members.push(record);
    }
    for (const m of members) groups.get(m.groupId)?.members.set(m.memberId, m.member);
    return [...groups.values()];
  }

  save(
    groupId: string,
    group: StoredConsumerGroup,
    members: readonly { memberId: string; member: StoredMember | null }[],
  ): void {
    this.records.write([
      { key: groupKey(groupId), value: { kind: 'group', groupId, group } satisfies GroupRecord },
      ...members.map(({ memberId, member }) => ({
        key: memberKey(groupId, memberId),
        value: member && ({ kind: 'member', groupId, memberId, member } satisfies MemberRecord),
      })),
    ]);
  }

  delete(groupId: string, memberIds: Iterable<string>): void {
    this.records.write([
      ...[...new Set(memberIds)].map((memberId) => ({ key: memberKey(groupId, memberId), value: null })),
      { key: groupKey(groupId), value: null },
    ]);
  }
}
