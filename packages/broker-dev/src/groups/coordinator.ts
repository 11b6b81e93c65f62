/**
 * The group coordinator: the groups this broker coordinates and their committed offsets. It keeps
 * the registry of groups and their lifecycle (created by a JoinGroup or a simple commit, restored
 * from committed offsets after a restart, deleted, removed once empty without offsets, unloaded)
 * and hands each request to the module that owns it:
 *
 * - classic/membership.ts: JoinGroup, SyncGroup, Heartbeat, LeaveGroup (the classic protocol);
 * - group-offsets.ts: OffsetCommit, OffsetFetch, OffsetDelete and offset expiry;
 * - transactional-offsets.ts: TxnOffsetCommit's offsets, held until the transaction commits or aborts.
 *
 * The KIP-848 consumer protocol gets its own membership module beside the classic one.
 */
import { ErrorCode } from '@samsa/protocol';
import { coordinatorPartition } from '../cluster/coordinator-partitions.js';
import type { Logger } from '../logger.js';
import { ClassicGroup, type GroupState, type JoinResult, type SyncResult } from './classic/group.js';
import {
  ClassicMembership,
  type JoinParams,
  type LeaveResult,
  type SyncParams,
} from './classic/membership.js';
import type { GroupConfig } from './group-config.js';
import { type CommitEntry, GroupOffsets } from './group-offsets.js';
import type { CommittedOffset, OffsetStore } from './offset-store.js';
import { TransactionalOffsets } from './transactional-offsets.js';

export interface GroupSummary {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly classic: ClassicMembership;
  private readonly offsets: GroupOffsets;
  private readonly transactional: TransactionalOffsets;
  private closed = false;

  constructor(
    store: OffsetStore,
    config: GroupConfig,
    private readonly logger: Logger,
  ) {
    this.offsets = new GroupOffsets(store, config, logger);
    this.transactional = new TransactionalOffsets(store, config, logger);
    this.classic = new ClassicMembership(this.groups, config, logger);
    // Groups known only through committed offsets exist (Empty) after a restart, as in Kafka.
    for (const groupId of [...this.offsets.groupIds(), ...this.transactional.groupIds()]) {
      if (!this.groups.has(groupId)) this.groups.set(groupId, new ClassicGroup(groupId));
    }
  }

  get(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  allGroups(): IterableIterator<ClassicGroup> {
    return this.groups.values();
  }

  // Membership: the classic protocol.

  join(p: JoinParams): JoinResult | Promise<JoinResult> {
    return this.classic.join(p);
  }

  sync(p: SyncParams): SyncResult | Promise<SyncResult> {
    return this.classic.sync(p);
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    return this.classic.heartbeat(groupId, memberId, groupInstanceId, generationId);
  }

  leave(
    groupId: string,
    leaving: readonly { memberId: string; groupInstanceId: string | null }[],
  ): LeaveResult {
    return this.classic.leave(groupId, leaving);
  }

  // Offsets.

  /** OffsetCommit: an error code per entry. */
  commitOffsets(
    groupId: string,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    entries: readonly CommitEntry[],
  ): number[] {
    const group = this.groups.get(groupId);
    if (!group) {
      if (generationId >= 0) return entries.map(() => ErrorCode.ILLEGAL_GENERATION);
      this.groups.set(groupId, new ClassicGroup(groupId));
      return this.offsets.commit(groupId, entries);
    }
    const errorCode = this.classic.validateOffsetCommit(group, memberId, groupInstanceId, generationId);
    if (errorCode !== ErrorCode.NONE) return entries.map(() => errorCode);
    return this.offsets.commit(groupId, entries);
  }

  /**
   * TxnOffsetCommit, once the transaction coordinator confirmed the group's offsets partition is
   * in the producer's transaction: the offsets wait for the transaction's end. An error code per
   * entry. A group that does not exist is created as a simple group when the generation is -1.
   */
  commitTransactionalOffsets(
    groupId: string,
    producerId: number,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    entries: readonly CommitEntry[],
  ): number[] {
    let group = this.groups.get(groupId);
    if (!group) {
      if (generationId >= 0) return entries.map(() => ErrorCode.ILLEGAL_GENERATION);
      group = new ClassicGroup(groupId);
      this.groups.set(groupId, group);
    }
    const errorCode = this.classic.validateTxnOffsetCommit(group, memberId, groupInstanceId, generationId);
    if (errorCode !== ErrorCode.NONE) return entries.map(() => errorCode);
    return this.transactional.stage(groupId, producerId, entries);
  }

  /**
   * The transaction marker for `__consumer_offsets` partition `offsetsPartition` (Kafka's group
   * coordinator completes pending offsets when it sees it): every group of that partition with
   * offsets from `producerId` gets them committed or dropped.
   */
  completeTransaction(offsetsPartition: number, producerId: number, commit: boolean): void {
    for (const groupId of [...this.transactional.groupIds()]) {
      if (coordinatorPartition(groupId) === offsetsPartition)
        this.transactional.complete(groupId, producerId, commit);
    }
  }

  /** Whether a transaction's offsets for the partition are still undecided (RequireStable). */
  hasPendingTransactionalOffset(groupId: string, topic: string, partition: number): boolean {
    return this.transactional.hasPending(groupId, topic, partition);
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.committed(groupId, topic, partition);
  }

  allCommitted(groupId: string) {
    return this.offsets.list(groupId);
  }

  /** OffsetDelete: drops offsets of topics the group no longer consumes. */
  deleteOffsets(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
  ): { errorCode: number; partitionErrors: number[] } {
    return this.offsets.deleteUnconsumed(this.groups.get(groupId), partitions);
  }

  /**
   * Expires committed offsets older than offsets.retention.minutes (see GroupOffsets.expire); an
   * Empty group left without offsets is removed. Returns how many offsets expired.
   */
  expireOffsets(now = Date.now()): number {
    let expired = 0;
    for (const group of [...this.groups.values()]) {
      expired += this.offsets.expire(group, now);
      if (
        group.is('Empty') &&
        group.pendingMembers.size === 0 &&
        !this.offsets.has(group.groupId) &&
        this.transactional.producers(group.groupId).size === 0
      ) {
        this.remove(group);
        this.logger.info(`group ${group.groupId}: removed, it is empty and has no offsets left`);
      }
    }
    return expired;
  }

  /** Forgets offsets for a topic that was deleted. */
  topicDeleted(topic: string): void {
    this.offsets.deleteTopic(topic);
  }

  // Lifecycle.

  describe(groupId: string): GroupSummary {
    const group = this.groups.get(groupId);
    if (!group) return { groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] };
    const stable = group.is('Stable');
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(group.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /** DeleteGroups: only an Empty group goes, with its offsets. */
  deleteGroup(groupId: string): number {
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    this.remove(group);
    this.offsets.deleteGroup(groupId);
    this.logger.info(`group ${groupId}: deleted`);
    return ErrorCode.NONE;
  }

  /** Answers every parked JoinGroup/SyncGroup with NOT_COORDINATOR, as Kafka does when a group moves away. */
  unload(): void {
    for (const group of this.groups.values()) this.classic.unload(group);
  }

  /** unload(), then stops every timer for good. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.unload();
    for (const group of this.groups.values()) group.clearTimers();
  }

  private remove(group: ClassicGroup): void {
    group.state = 'Dead';
    group.clearTimers();
    this.groups.delete(group.groupId);
  }
}
