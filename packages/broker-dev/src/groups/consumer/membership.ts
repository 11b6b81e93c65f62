/**
 * The KIP-848 consumer group protocol: ConsumerGroupHeartbeat, following Kafka's
 * GroupMetadataManager.consumerGroupHeartbeat so clients see the same answers.
 *
 * Per heartbeat: validate; get or create the group (only at epoch 0) and the member; apply what
 * changed (subscription, assignor, rebalance timeout); when subscriptions or the subscribed topics
 * changed, bump the group epoch; when the group epoch is ahead of the target assignment, the
 * server assignor computes a new one; reconcile the member towards its target (reconciliation.ts);
 * restart its session timer; answer with its epoch, the heartbeat interval, and its assignment when
 * the request was full or the assignment changed.
 *
 * Epoch -1 leaves (the member goes, the group epoch moves); -2 is a static member leaving for a
 * while: it keeps its partitions at epoch -2 until its session ends or its instance id rejoins, which
 * takes them over without a rebalance. A member silent for `group.consumer.session.timeout.ms`, or
 * one that holds on to partitions it must revoke for longer than its rebalance timeout, is fenced.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@samsa/protocol';
import { BrokerError } from '../../broker-error.js';
import type { Logger } from '../../logger.js';
import type { GroupConfig } from '../group-config.js';
import {
  type Assignment,
  assignmentOf,
  assignmentsEqual,
  EMPTY_ASSIGNMENT,
  isSubsetOf,
  type TopicIdPartitions,
  toTopicIdPartitions,
} from './assignment.js';
import {
  ConsumerGroup,
  ConsumerGroupMember,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  type MemberSubscription,
} from './consumer-group.js';
import type { ConsumerGroupStore, StoredMember } from './consumer-group-store.js';
import { reconcile } from './reconciliation.js';
import { SERVER_ASSIGNOR_NAMES, serverAssignor } from './server-assignor.js';
import { type ClusterTopics, compileSubscriptionRegex, refreshSubscriptions } from './subscribed-topics.js';
import { computeTargetAssignment } from './target-assignment.js';

export interface HeartbeatParams {
  apiVersion: number;
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: TopicIdPartitions[] | null;
  clientId: string;
  clientHost: string;
}

export interface HeartbeatResult {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** The member's full assignment; null when unchanged and the request was not a full one. */
  assignment: TopicIdPartitions[] | null;
}

/** Kafka's Uuid.randomUuid().toString(): 16 random bytes in URL-safe base64. */
function newMemberId(): string {
  return randomBytes(16).toString('base64url');
}

function invalid(message: string): BrokerError {
  return new BrokerError(ErrorCode.INVALID_REQUEST, message);
}

export class ConsumerMembership {
  /**
   * `groups` is the coordinator's registry of consumer groups, shared: the coordinator decides which
   * group ids are consumer groups (a classic group of the same id is converted or refused first).
   */
  constructor(
    private readonly groups: Map<string, ConsumerGroup>,
    private readonly config: GroupConfig,
    private readonly topics: ClusterTopics,
    private readonly store: ConsumerGroupStore,
    private readonly logger: Logger,
  ) {}

  /** Restores the stored groups; every member gets a fresh session, as after a coordinator load. */
  load(): void {
    for (const { groupId, group: stored, members } of this.store.load()) {
      const group = new ConsumerGroup(groupId);
      group.groupEpoch = stored.groupEpoch;
      group.assignmentEpoch = stored.assignmentEpoch;
      for (const [memberId, m] of members) {
        const member = new ConsumerGroupMember(memberId);
        Object.assign(member, m.subscription);
        member.memberEpoch = m.memberEpoch;
        member.previousMemberEpoch = m.previousMemberEpoch;
        member.state = m.state;
        member.assigned = assignmentOf(m.assigned);
        member.pendingRevocation = assignmentOf(m.pendingRevocation);
        try {
          group.addMember(member);
        } catch (err) {
          this.logger.warn(`group ${groupId}: dropping stored member ${memberId}: ${(err as Error).message}`);
          continue;
        }
        group.targetAssignment.set(memberId, assignmentOf(m.target));
      }
      // Subscribed topic metadata is not stored: what the target assignment saw is the cluster's
      // topics as stored beside the group, so it is taken as is, without an epoch bump.
      refreshSubscriptions(group, this.topics, true);
      group.unsaved.clear();
      group.savedEpochs = { groupEpoch: group.groupEpoch, assignmentEpoch: group.assignmentEpoch };
      this.groups.set(groupId, group);
      this.resumeTimers(group);
    }
  }

  /** After the coordinator took the groups back (a restart): every member gets a fresh session. */
  resumeTimers(group: ConsumerGroup): void {
    for (const member of group.members.values()) {
      this.scheduleSession(group, member);
      if (member.state === 'unrevoked_partitions') this.scheduleRebalanceTimeout(group, member);
    }
  }

  heartbeat(p: HeartbeatParams): HeartbeatResult {
    this.validate(p);
    if (p.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH)
      return this.leave(p);
    return this.regularHeartbeat(p);
  }

  /** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid. */
  private validate(p: HeartbeatParams): void {
    if (p.groupId === '') throw invalid("GroupId can't be empty.");
    if (p.instanceId === '') throw invalid("InstanceId can't be empty.");
    if (p.rackId === '') throw invalid("RackId can't be empty.");
    if (p.memberEpoch > 0 || p.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
      if (p.memberId === '') throw invalid("MemberId can't be empty.");
    } else if (p.memberEpoch === 0) {
      // KIP-1082: from v1 on the member generates its id.
      if (p.apiVersion >= 1 && p.memberId === '') throw invalid("MemberId can't be empty.");
      if (p.rebalanceTimeoutMs === -1) throw invalid('RebalanceTimeoutMs must be provided in first request.');
      if (p.topicPartitions === null || p.topicPartitions.length > 0)
        throw invalid('TopicPartitions must be empty when (re-)joining.');
      if ((p.subscribedTopicNames ?? []).length === 0 && !p.subscribedTopicRegex)
        throw invalid('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
    } else if (p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (p.memberId === '') throw invalid("MemberId can't be empty.");
      if (p.instanceId === null) throw invalid("InstanceId can't be null.");
    } else {
      throw invalid('MemberEpoch is invalid.');
    }
    if (p.subscribedTopicRegex) compileSubscriptionRegex(p.subscribedTopicRegex);
    if (p.serverAssignor !== null && !this.config.consumerAssignors.includes(p.serverAssignor)) {
      throw new BrokerError(
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        `ServerAssignor ${p.serverAssignor} is not supported. Supported assignors: ${this.config.consumerAssignors.join(', ')}.`,
      );
    }
  }

  private regularHeartbeat(p: HeartbeatParams): HeartbeatResult {
    const joining = p.memberEpoch === 0;
    let group = this.groups.get(p.groupId);
    if (!group) {
      if (!joining)
        throw new BrokerError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${p.groupId} not found.`);
      group = new ConsumerGroup(p.groupId);
    }
    const memberId = p.memberId === '' ? newMemberId() : p.memberId;
    const existing =
      p.instanceId === null
        ? this.dynamicMember(group, memberId, p)
        : this.staticMember(group, memberId, p.instanceId, p);
    if (!this.groups.has(group.groupId)) this.groups.set(group.groupId, group);

    const member = existing ?? this.newMember(group, memberId);
    const previousAssigned = existing?.assigned ?? EMPTY_ASSIGNMENT;
    const subscriptionChanged = this.applyRequest(group, member, p);

    // Subscriptions or subscribed topics changed: the group epoch moves and a new target follows.
    const metadataChanged = refreshSubscriptions(group, this.topics, subscriptionChanged);
    if (subscriptionChanged || metadataChanged) {
      group.groupEpoch++;
      this.logger.info(`group ${group.groupId}: epoch ${group.groupEpoch} (member ${memberId})`);
    }
    if (group.groupEpoch > group.assignmentEpoch) this.updateTargetAssignment(group);

    this.reconcileMember(group, member, p.topicPartitions);
    this.scheduleSession(group, member);
    this.save(group);

    const full =
      joining ||
      (p.rebalanceTimeoutMs !== -1 &&
        (p.subscribedTopicNames !== null || p.subscribedTopicRegex !== null) &&
        p.topicPartitions !== null);
    return {
      memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.config.consumerHeartbeatIntervalMs,
      assignment:
        full || !assignmentsEqual(previousAssigned, member.assigned)
          ? toTopicIdPartitions(member.assigned)
          : null,
    };
  }

  private checkRoom(group: ConsumerGroup, memberId: string): void {
    if (group.members.size >= this.config.consumerMaxSize && !group.members.has(memberId)) {
      throw new BrokerError(
        ErrorCode.GROUP_MAX_SIZE_REACHED,
        `The consumer group has reached its maximum capacity of ${this.config.consumerMaxSize} members.`,
      );
    }
  }

  /** The member a dynamic heartbeat is for, or undefined for one that joins now. */
  private dynamicMember(
    group: ConsumerGroup,
    memberId: string,
    p: HeartbeatParams,
  ): ConsumerGroupMember | undefined {
    this.checkRoom(group, memberId);
    const member = group.members.get(memberId);
    // A member that lost its partitions rejoins at epoch 0 under its id (accepted since KAFKA-19233).
    if (p.memberEpoch === 0) return member;
    if (!member)
      throw new BrokerError(
        ErrorCode.UNKNOWN_MEMBER_ID,
        `Member ${memberId} is not a member of group ${group.groupId}.`,
      );
    this.checkMemberEpoch(member, p);
    return member;
  }

  /** The member a static heartbeat is for; a rejoining instance takes over a member that left with -2. */
  private staticMember(
    group: ConsumerGroup,
    memberId: string,
    instanceId: string,
    p: HeartbeatParams,
  ): ConsumerGroupMember | undefined {
    const holder = group.staticMember(instanceId);
    if (p.memberEpoch === 0) {
      if (!holder) {
        this.checkRoom(group, memberId);
        return group.members.get(memberId);
      }
      if (holder.memberId === memberId) return holder;
      if (holder.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        throw new BrokerError(
          ErrorCode.UNRELEASED_INSTANCE_ID,
          `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${holder.memberId} member.`,
        );
      }
      return this.replaceStaticMember(group, holder, memberId);
    }
    if (!holder) throw new BrokerError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
    if (holder.memberId !== memberId) {
      throw new BrokerError(
        ErrorCode.FENCED_INSTANCE_ID,
        `Static member ${memberId} with instance id ${instanceId} was fenced by member ${holder.memberId}.`,
      );
    }
    this.checkMemberEpoch(holder, p);
    return holder;
  }

  /** A restarted static member: same subscription, same partitions, new member id, epoch 0. */
  private replaceStaticMember(
    group: ConsumerGroup,
    old: ConsumerGroupMember,
    memberId: string,
  ): ConsumerGroupMember {
    const member = new ConsumerGroupMember(memberId);
    Object.assign(member, old.subscription());
    const target = group.targetAssignment.get(old.memberId) ?? EMPTY_ASSIGNMENT;
    group.removeMember(old.memberId);
    member.memberEpoch = 0;
    member.previousMemberEpoch = 0;
    member.state = old.state;
    member.assigned = old.assigned;
    group.addMember(member);
    group.setTarget(memberId, target);
    this.logger.info(
      `group ${group.groupId}: static member ${old.instanceId} rejoins as ${memberId}, replacing ${old.memberId}`,
    );
    return member;
  }

  private newMember(group: ConsumerGroup, memberId: string): ConsumerGroupMember {
    const member = new ConsumerGroupMember(memberId);
    group.addMember(member);
    this.logger.info(`group ${group.groupId}: member ${memberId} joins`);
    return member;
  }

  /** Kafka's throwIfConsumerGroupMemberEpochIsInvalid: a lost response (previous epoch, owned ⊆ assigned) is forgiven. */
  private checkMemberEpoch(member: ConsumerGroupMember, p: HeartbeatParams): void {
    const received = p.memberEpoch;
    if (received > member.memberEpoch) {
      throw new BrokerError(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
    if (received < member.memberEpoch) {
      const lostResponse =
        received === member.previousMemberEpoch &&
        p.topicPartitions !== null &&
        isSubsetOf(p.topicPartitions, member.assigned);
      if (!lostResponse) {
        throw new BrokerError(
          ErrorCode.FENCED_MEMBER_EPOCH,
          `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
        );
      }
    }
  }

  /** Applies the fields the request set; returns whether the subscription (names or regex) changed. */
  private applyRequest(group: ConsumerGroup, member: ConsumerGroupMember, p: HeartbeatParams): boolean {
    const before = member.subscription();
    if (p.instanceId !== null) member.instanceId = p.instanceId;
    if (p.rackId !== null) member.rackId = p.rackId;
    if (p.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    if (p.serverAssignor !== null) member.serverAssignor = p.serverAssignor;
    if (p.subscribedTopicNames !== null)
      member.subscribedTopicNames = [...new Set(p.subscribedTopicNames)].sort();
    // An empty regex clears a regex subscription.
    if (p.subscribedTopicRegex !== null) member.subscribedTopicRegex = p.subscribedTopicRegex || null;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    if (member.instanceId !== null) group.staticMembers.set(member.instanceId, member.memberId);
    const after = member.subscription();
    if (!sameSubscription(before, after)) group.unsaved.add(member.memberId);
    return (
      before.subscribedTopicRegex !== after.subscribedTopicRegex ||
      before.subscribedTopicNames.length !== after.subscribedTopicNames.length ||
      before.subscribedTopicNames.some((t, i) => t !== after.subscribedTopicNames[i])
    );
  }

  private updateTargetAssignment(group: ConsumerGroup): void {
    const name = group.preferredServerAssignor() ?? this.config.consumerAssignors[0];
    const assignor = serverAssignor(name);
    if (!assignor) {
      throw new BrokerError(
        ErrorCode.UNKNOWN_SERVER_ERROR,
        `Assignor ${name} is configured but unknown; known: ${SERVER_ASSIGNOR_NAMES.join(', ')}.`,
      );
    }
    const targets = computeTargetAssignment(group, assignor);
    for (const [memberId, target] of targets) {
      const previous = group.targetAssignment.get(memberId);
      if (!previous || !assignmentsEqual(previous, target)) group.setTarget(memberId, target);
    }
    group.assignmentEpoch = group.groupEpoch;
    this.logger.debug(
      `group ${group.groupId}: target assignment for epoch ${group.groupEpoch} computed with ${name}`,
    );
  }

  private reconcileMember(
    group: ConsumerGroup,
    member: ConsumerGroupMember,
    owned: TopicIdPartitions[] | null,
  ): void {
    if (member.isReconciledTo(group.assignmentEpoch)) return;
    const next = reconcile({
      member: member.assignmentState(),
      targetEpoch: group.assignmentEpoch,
      target: group.targetAssignment.get(member.memberId) ?? EMPTY_ASSIGNMENT,
      partitionEpoch: (topicId, partition) => group.currentPartitionEpoch(topicId, partition),
      owned,
    });
    if (
      next.memberEpoch === member.memberEpoch &&
      next.state === member.state &&
      assignmentsEqual(next.assigned, member.assigned) &&
      assignmentsEqual(next.pendingRevocation, member.pendingRevocation)
    ) {
      return;
    }
    group.updateAssignment(member, next);
    if (member.state === 'unrevoked_partitions') this.scheduleRebalanceTimeout(group, member);
    else {
      clearTimeout(member.rebalanceTimer);
      member.rebalanceTimer = undefined;
    }
  }

  private leave(p: HeartbeatParams): HeartbeatResult {
    const group = this.groups.get(p.groupId);
    if (!group) throw new BrokerError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${p.groupId} not found.`);
    let member: ConsumerGroupMember | undefined;
    if (p.instanceId === null) {
      member = group.members.get(p.memberId);
      if (!member)
        throw new BrokerError(
          ErrorCode.UNKNOWN_MEMBER_ID,
          `Member ${p.memberId} is not a member of group ${p.groupId}.`,
        );
    } else {
      member = group.staticMember(p.instanceId);
      if (!member)
        throw new BrokerError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${p.instanceId} is unknown.`);
      if (member.memberId !== p.memberId) {
        throw new BrokerError(
          ErrorCode.FENCED_INSTANCE_ID,
          `Static member ${p.memberId} with instance id ${p.instanceId} was fenced by member ${member.memberId}.`,
        );
      }
      if (p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        // Keeps its partitions (at epoch -2, so no one else takes them) until it returns or its session ends.
        group.updateAssignment(member, {
          ...member.assignmentState(),
          memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
          pendingRevocation: EMPTY_ASSIGNMENT,
        });
        clearTimeout(member.rebalanceTimer);
        member.rebalanceTimer = undefined;
        this.save(group);
        this.logger.info(`group ${group.groupId}: static member ${p.instanceId} left temporarily`);
        return {
          memberId: member.memberId,
          memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
          heartbeatIntervalMs: 0,
          assignment: null,
        };
      }
    }
    this.fence(group, member, 'it left the group');
    return { memberId: p.memberId, memberEpoch: p.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  }

  /** Removes a member; its partitions are free and the group epoch moves (Kafka's consumerGroupFenceMember). */
  fence(group: ConsumerGroup, member: ConsumerGroupMember, why: string): void {
    if (group.members.get(member.memberId) !== member) return;
    group.removeMember(member.memberId);
    refreshSubscriptions(group, this.topics, true);
    group.groupEpoch++;
    this.save(group);
    this.logger.info(
      `group ${group.groupId}: member ${member.memberId} removed (${why}); epoch ${group.groupEpoch}`,
    );
  }

  private scheduleSession(group: ConsumerGroup, member: ConsumerGroupMember): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(
      () => this.fence(group, member, 'its session expired'),
      this.config.consumerSessionTimeoutMs,
    );
    member.sessionTimer.unref();
  }

  private scheduleRebalanceTimeout(group: ConsumerGroup, member: ConsumerGroupMember): void {
    clearTimeout(member.rebalanceTimer);
    const epoch = member.memberEpoch;
    const timeout =
      member.rebalanceTimeoutMs > 0 ? member.rebalanceTimeoutMs : this.config.consumerSessionTimeoutMs;
    member.rebalanceTimer = setTimeout(() => {
      if (member.state === 'unrevoked_partitions' && member.memberEpoch === epoch)
        this.fence(group, member, `it did not revoke its partitions within ${timeout} ms`);
    }, timeout);
    member.rebalanceTimer.unref();
  }

  /** Writes what changed in the group since it was last saved. */
  save(group: ConsumerGroup): void {
    const epochsChanged =
      group.savedEpochs.groupEpoch !== group.groupEpoch ||
      group.savedEpochs.assignmentEpoch !== group.assignmentEpoch;
    if (!epochsChanged && group.unsaved.size === 0) return;
    const members = [...group.unsaved].map((memberId) => {
      const m = group.members.get(memberId);
      return { memberId, member: m ? storedMember(m, group.targetAssignment.get(memberId)) : null };
    });
    this.store.save(
      group.groupId,
      { groupEpoch: group.groupEpoch, assignmentEpoch: group.assignmentEpoch },
      members,
    );
    group.unsaved.clear();
    group.savedEpochs = { groupEpoch: group.groupEpoch, assignmentEpoch: group.assignmentEpoch };
  }
}

function sameSubscription(a: MemberSubscription, b: MemberSubscription): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.serverAssignor === b.serverAssignor &&
    a.subscribedTopicNames.join('\u0000') === b.subscribedTopicNames.join('\u0000')
  );
}

function storedMember(m: ConsumerGroupMember, target: Assignment | undefined): StoredMember {
  return {
    subscription: m.subscription(),
    memberEpoch: m.memberEpoch,
    previousMemberEpoch: m.previousMemberEpoch,
    state: m.state,
    assigned: toTopicIdPartitions(m.assigned),
    pendingRevocation: toTopicIdPartitions(m.pendingRevocation),
    target: toTopicIdPartitions(target ?? EMPTY_ASSIGNMENT),
  };
}
