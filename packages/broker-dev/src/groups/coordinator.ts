/**
 * The group coordinator: the groups this broker coordinates and their committed offsets. It keeps
 * the registry of groups and their lifecycle (created by a JoinGroup or a simple commit, restored
 * from committed offsets after a restart, deleted, removed once empty without offsets, unloaded)
 * and hands each request to the module that owns it:
 *
 * - classic/membership.ts: JoinGroup, SyncGroup, Heartbeat, LeaveGroup (the classic protocol);
 * - consumer/membership.ts: ConsumerGroupHeartbeat (the KIP-848 consumer protocol);
 * - group-offsets.ts: OffsetCommit, OffsetFetch, OffsetDelete and offset expiry;
 * - transactional-offsets.ts: TxnOffsetCommit's offsets, held until the transaction commits or aborts.
 *
 * A group id names one group of one type. A consumer heartbeat turns an empty classic group (one
 * that only stores offsets, say) into a consumer group and a JoinGroup turns an empty consumer group
 * back; a group with members keeps its type (Kafka's online migration of active groups is not here).
 */
import { ErrorCode } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { coordinatorPartition } from '../cluster/coordinator-partitions.js';
import type { Logger } from '../logger.js';
import { ClassicGroup, type GroupState, type JoinResult, type SyncResult } from './classic/group.js';
import {
  ClassicMembership,
  type JoinParams,
  type LeaveResult,
  type SyncParams,
} from './classic/membership.js';
import type { ConsumerGroup, ConsumerGroupState } from './consumer/consumer-group.js';
import { type ConsumerGroupStore, MemoryConsumerGroupStore } from './consumer/consumer-group-store.js';
import { ConsumerMembership, type HeartbeatParams, type HeartbeatResult } from './consumer/membership.js';
import {
  type OffsetCommitValidation,
  validateConsumerGroupOffsetCommit,
  validateConsumerGroupOffsetFetch,
} from './consumer/offset-validation.js';
import type { ClusterTopics } from './consumer/subscribed-topics.js';
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

/** A group as ListGroups reports it. */
export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupState | ConsumerGroupState;
  type: 'classic' | 'consumer';
}

export interface GroupCoordinatorOptions {
  /** The cluster's topics, for consumer groups' subscriptions (default: none). */
  topics?: ClusterTopics;
  /** Where consumer groups are kept (default: memory). */
  consumerGroupStore?: ConsumerGroupStore;
}

const EMPTY = Buffer.alloc(0);

const NO_TOPICS: ClusterTopics = {
  version: () => 0,
  topic: () => undefined,
  topicName: () => undefined,
  topicNames: () => [],
};

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly consumerGroups = new Map<string, ConsumerGroup>();
  private readonly classic: ClassicMembership;
  private readonly consumer: ConsumerMembership;
  private readonly consumerStore: ConsumerGroupStore;
  private readonly offsets: GroupOffsets;
  private readonly transactional: TransactionalOffsets;
  private closed = false;

  constructor(
    store: OffsetStore,
    config: GroupConfig,
    private readonly logger: Logger,
    options: GroupCoordinatorOptions = {},
  ) {
    this.offsets = new GroupOffsets(store, config, logger);
    this.transactional = new TransactionalOffsets(store, config, logger);
    this.classic = new ClassicMembership(this.groups, config, logger);
    this.consumerStore = options.consumerGroupStore ?? new MemoryConsumerGroupStore();
    this.consumer = new ConsumerMembership(
      this.consumerGroups,
      config,
      options.topics ?? NO_TOPICS,
      this.consumerStore,
      logger,
    );
    this.consumer.load();
    // Groups known only through committed offsets exist (Empty) after a restart, as in Kafka.
    for (const groupId of [...this.offsets.groupIds(), ...this.transactional.groupIds()]) {
      if (!this.groups.has(groupId) && !this.consumerGroups.has(groupId))
        this.groups.set(groupId, new ClassicGroup(groupId));
    }
  }

  get(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  allGroups(): IterableIterator<ClassicGroup> {
    return this.groups.values();
  }

  consumerGroup(groupId: string): ConsumerGroup | undefined {
    return this.consumerGroups.get(groupId);
  }

  /** Every group, classic and consumer, as ListGroups reports them. */
  listGroups(): ListedGroup[] {
    const listed: ListedGroup[] = [];
    for (const g of this.groups.values())
      listed.push({
        groupId: g.groupId,
        protocolType: g.protocolType ?? '',
        state: g.state,
        type: 'classic',
      });
    for (const g of this.consumerGroups.values())
      listed.push({ groupId: g.groupId, protocolType: 'consumer', state: g.state, type: 'consumer' });
    return listed;
  }

  // Membership: the classic protocol.

  join(p: JoinParams): JoinResult | Promise<JoinResult> {
    const consumerGroup = this.consumerGroups.get(p.groupId);
    if (consumerGroup) {
      if (consumerGroup.members.size > 0) {
        // Classic members inside a consumer group (Kafka's online migration) are not supported.
        return {
          errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
          memberId: p.memberId,
          generationId: -1,
          protocolType: null,
          protocolName: null,
          leaderId: '',
          skipAssignment: false,
          members: [],
        };
      }
      this.removeConsumerGroup(consumerGroup);
      this.logger.info(`group ${p.groupId}: empty consumer group becomes a classic group`);
    }
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

  // Membership: the consumer protocol (KIP-848).

  /** ConsumerGroupHeartbeat; throws BrokerError with Kafka's error code and message. */
  consumerHeartbeat(p: HeartbeatParams): HeartbeatResult {
    const classic = this.groups.get(p.groupId);
    if (classic) {
      const leaving = p.memberEpoch < 0;
      if (leaving || p.memberEpoch > 0 || !this.classicIsEmpty(classic)) {
        throw new BrokerError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${p.groupId} is not a consumer group.`);
      }
      this.remove(classic);
      this.logger.info(`group ${p.groupId}: empty classic group becomes a consumer group`);
    }
    return this.consumer.heartbeat(p);
  }

  // Offsets.

  /** OffsetCommit: an error code per entry. */
  commitOffsets(
    groupId: string,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    entries: readonly CommitEntry[],
    apiVersion = 0,
  ): number[] {
    const errorCode = this.validateOffsetCommit(groupId, memberId, groupInstanceId, generationId, {
      apiVersion,
    });
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
    const consumerGroup = this.consumerGroups.get(groupId);
    let errorCode: number;
    if (consumerGroup) {
      // The generation of a consumer-protocol member is its member epoch (KIP-848).
      errorCode = validateConsumerGroupOffsetCommit(consumerGroup, memberId, generationId, {
        apiVersion: 0,
        transactional: true,
      });
    } else {
      let group = this.groups.get(groupId);
      if (!group) {
        if (generationId >= 0) return entries.map(() => ErrorCode.ILLEGAL_GENERATION);
        group = new ClassicGroup(groupId);
        this.groups.set(groupId, group);
      }
      errorCode = this.classic.validateTxnOffsetCommit(group, memberId, groupInstanceId, generationId);
    }
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

  /**
   * Whether a member may commit offsets to the group now, as an error code (Kafka's
   * validateOffsetCommit, for OffsetCommit and, with `transactional`, TxnOffsetCommit): the
   * generation of a classic group, the member epoch of a consumer group. A group that does not exist
   * is created as a simple group for generation -1 commits.
   */
  validateOffsetCommit(
    groupId: string,
    memberId: string,
    groupInstanceId: string | null,
    generationIdOrMemberEpoch: number,
    options: OffsetCommitValidation,
  ): number {
    const consumerGroup = this.consumerGroups.get(groupId);
    if (consumerGroup)
      return validateConsumerGroupOffsetCommit(consumerGroup, memberId, generationIdOrMemberEpoch, options);
    const group = this.groups.get(groupId);
    if (!group) {
      if (generationIdOrMemberEpoch >= 0) {
        // v9+ says the group is missing; older versions (and TxnOffsetCommit) ILLEGAL_GENERATION.
        return options.apiVersion >= 9 && !options.transactional
          ? ErrorCode.GROUP_ID_NOT_FOUND
          : ErrorCode.ILLEGAL_GENERATION;
      }
      this.groups.set(groupId, new ClassicGroup(groupId));
      return ErrorCode.NONE;
    }
    return this.classic.validateOffsetCommit(group, memberId, groupInstanceId, generationIdOrMemberEpoch);
  }

  /** OffsetFetch v9+ for a member: NONE, or why it may not read the group's offsets now. */
  validateOffsetFetch(groupId: string, memberId: string | null, memberEpoch: number): number {
    const consumerGroup = this.consumerGroups.get(groupId);
    if (!consumerGroup) return ErrorCode.NONE;
    return validateConsumerGroupOffsetFetch(consumerGroup, memberId, memberEpoch);
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
    const consumerGroup = this.consumerGroups.get(groupId);
    if (consumerGroup)
      return this.offsets.deleteUnsubscribed(groupId, partitions, (topic) =>
        consumerGroup.isSubscribedTo(topic),
      );
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
    for (const group of [...this.consumerGroups.values()]) {
      expired += this.offsets.expireByCommitTime(group.groupId, (topic) => group.isSubscribedTo(topic), now);
      if (group.members.size === 0 && !this.offsets.has(group.groupId)) {
        this.removeConsumerGroup(group);
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
    const consumerGroup = this.consumerGroups.get(groupId);
    if (consumerGroup) {
      if (consumerGroup.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
      this.removeConsumerGroup(consumerGroup);
      this.offsets.deleteGroup(groupId);
      this.logger.info(`group ${groupId}: deleted`);
      return ErrorCode.NONE;
    }
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

  /** The group moved to another coordinator: its parked JoinGroup/SyncGroup requests get NOT_COORDINATOR. */
  unloadGroup(groupId: string): void {
    const group = this.groups.get(groupId);
    if (group) this.classic.unload(group);
  }

  /** unload(), then stops every timer for good. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.unload();
    for (const group of this.groups.values()) group.clearTimers();
    for (const group of this.consumerGroups.values()) group.clearTimers();
  }

  private classicIsEmpty(group: ClassicGroup): boolean {
    return group.is('Empty') && group.members.size === 0 && group.pendingMembers.size === 0;
  }

  private removeConsumerGroup(group: ConsumerGroup): void {
    group.clearTimers();
    this.consumerGroups.delete(group.groupId);
    this.consumerStore.delete(group.groupId, [...group.members.keys(), ...group.targetAssignment.keys()]);
  }

  private remove(group: ClassicGroup): void {
    group.state = 'Dead';
    group.clearTimers();
    this.groups.delete(group.groupId);
  }
}
