/**
 * The data of one KIP-848 consumer group (Kafka's ConsumerGroup/ConsumerGroupMember): the group
 * epoch, the target assignment and its epoch, the members with their subscriptions and reconciled
 * assignments, static instance ids, and the owner epoch of every partition a member holds or has yet
 * to revoke. The transitions live in heartbeat.ts; this file keeps the bookkeeping consistent (a
 * partition never has two owners: adding one that is owned elsewhere throws).
 */
import { type Assignment, EMPTY_ASSIGNMENT } from './assignment.js';

/** Group states as Kafka names them (DescribeGroups/ListGroups/ConsumerGroupDescribe). */
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

/**
 * Where a member is in reconciling towards its target (Kafka's MemberState):
 * - stable: reconciled to the target epoch;
 * - unrevoked_partitions: must give partitions up first; its epoch does not move until it has;
 * - unreleased_partitions: at the target epoch, waiting for partitions others still own.
 */
export type MemberState = 'stable' | 'unrevoked_partitions' | 'unreleased_partitions';

/** Epoch -2: a static member that left for a while (its assignment waits for it until the session ends). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;
/** Epoch -1 in a heartbeat: the member leaves. */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;

/** What reconciliation decides for a member; the member takes it whole. */
export interface MemberAssignmentState {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  /** Partitions the member may use now (what heartbeats return as its assignment). */
  assigned: Assignment;
  /** Partitions the member must give up before its epoch advances. */
  pendingRevocation: Assignment;
}

/** What a member subscribes to and how it asked to be treated (Kafka's ConsumerGroupMemberMetadata). */
export interface MemberSubscription {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  /** Sorted, without duplicates. */
  subscribedTopicNames: readonly string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
}

export class ConsumerGroupMember implements MemberAssignmentState, MemberSubscription {
  instanceId: string | null = null;
  rackId: string | null = null;
  clientId = '';
  clientHost = '';
  rebalanceTimeoutMs = -1;
  subscribedTopicNames: readonly string[] = [];
  subscribedTopicRegex: string | null = null;
  serverAssignor: string | null = null;

  memberEpoch = 0;
  previousMemberEpoch = -1;
  state: MemberState = 'stable';
  assigned: Assignment = EMPTY_ASSIGNMENT;
  pendingRevocation: Assignment = EMPTY_ASSIGNMENT;

  /** Runtime only: the session timer and the timer bounding a revocation. */
  sessionTimer: NodeJS.Timeout | undefined;
  rebalanceTimer: NodeJS.Timeout | undefined;

  constructor(readonly memberId: string) {}

  subscription(): MemberSubscription {
    return {
      instanceId: this.instanceId,
      rackId: this.rackId,
      clientId: this.clientId,
      clientHost: this.clientHost,
      rebalanceTimeoutMs: this.rebalanceTimeoutMs,
      subscribedTopicNames: this.subscribedTopicNames,
      subscribedTopicRegex: this.subscribedTopicRegex,
      serverAssignor: this.serverAssignor,
    };
  }

  assignmentState(): MemberAssignmentState {
    return {
      memberEpoch: this.memberEpoch,
      previousMemberEpoch: this.previousMemberEpoch,
      state: this.state,
      assigned: this.assigned,
      pendingRevocation: this.pendingRevocation,
    };
  }

  isReconciledTo(targetEpoch: number): boolean {
    return this.state === 'stable' && this.memberEpoch === targetEpoch;
  }

  clearTimers(): void {
    clearTimeout(this.sessionTimer);
    clearTimeout(this.rebalanceTimer);
    this.sessionTimer = undefined;
    this.rebalanceTimer = undefined;
  }
}

/** A subscribed topic as the target assignment saw it. */
export interface SubscribedTopic {
  topicId: string;
  partitions: number;
}

export class ConsumerGroup {
  groupEpoch = 0;
  /** The epoch of the target assignment (Kafka's TargetAssignmentMetadata). */
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  /** Instance id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member id → its target assignment. */
  readonly targetAssignment = new Map<string, Assignment>();
  /** Subscribed topic name → id and partition count, when the group epoch last took them in. */
  subscriptionMetadata = new Map<string, SubscribedTopic>();
  /** The cluster's topic version `subscriptionMetadata` was computed at (-1: recompute). */
  metadataVersion = -1;
  /** Regex subscription → the topic names it resolved to at `metadataVersion`. */
  readonly resolvedRegexes = new Map<string, readonly string[]>();
  /** Members whose stored record is out of date (changed or removed) since the group was last saved. */
  readonly unsaved = new Set<string>();
  /** The epochs as last saved; -1 before the first save. */
  savedEpochs = { groupEpoch: -1, assignmentEpoch: -1 };
  /** Topic id → partition → epoch of the member that holds it (assigned or pending revocation). */
  private readonly partitionEpochs = new Map<string, Map<number, number>>();

  constructor(readonly groupId: string) {}

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const member of this.members.values())
      if (!member.isReconciledTo(this.assignmentEpoch)) return 'Reconciling';
    return 'Stable';
  }

  /** Epoch of the member holding a partition, or -1 when it is free. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  /** Adds a member with no partitions yet (or a replacement carrying over a static member's). */
  addMember(member: ConsumerGroupMember): void {
    this.members.set(member.memberId, member);
    this.unsaved.add(member.memberId);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
    this.addPartitionEpochs(member.assigned, member.memberEpoch);
    this.addPartitionEpochs(member.pendingRevocation, member.memberEpoch);
  }

  /** Moves a member to a new assignment state, keeping partition owner epochs in step. */
  updateAssignment(member: ConsumerGroupMember, next: MemberAssignmentState): void {
    this.unsaved.add(member.memberId);
    this.removePartitionEpochs(member.assigned, member.memberEpoch);
    this.removePartitionEpochs(member.pendingRevocation, member.memberEpoch);
    member.memberEpoch = next.memberEpoch;
    member.previousMemberEpoch = next.previousMemberEpoch;
    member.state = next.state;
    member.assigned = next.assigned;
    member.pendingRevocation = next.pendingRevocation;
    this.addPartitionEpochs(member.assigned, member.memberEpoch);
    this.addPartitionEpochs(member.pendingRevocation, member.memberEpoch);
  }

  /** Removes a member: its partitions are free, its target assignment and instance id go with it. */
  removeMember(memberId: string): ConsumerGroupMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    member.clearTimers();
    this.unsaved.add(memberId);
    this.removePartitionEpochs(member.assigned, member.memberEpoch);
    this.removePartitionEpochs(member.pendingRevocation, member.memberEpoch);
    this.members.delete(memberId);
    this.targetAssignment.delete(memberId);
    if (member.instanceId !== null && this.staticMembers.get(member.instanceId) === memberId)
      this.staticMembers.delete(member.instanceId);
    return member;
  }

  /** Sets a member's target assignment. */
  setTarget(memberId: string, target: Assignment): void {
    this.targetAssignment.set(memberId, target);
    this.unsaved.add(memberId);
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const memberId = this.staticMembers.get(instanceId);
    return memberId === undefined ? undefined : this.members.get(memberId);
  }

  /** The server assignor most members ask for (Kafka's preferred assignor), or null when none asks. */
  preferredServerAssignor(): string | null {
    const votes = new Map<string, number>();
    let best: string | null = null;
    let bestVotes = 0;
    for (const member of this.members.values()) {
      if (member.serverAssignor === null) continue;
      const count = (votes.get(member.serverAssignor) ?? 0) + 1;
      votes.set(member.serverAssignor, count);
      if (count > bestVotes) {
        best = member.serverAssignor;
        bestVotes = count;
      }
    }
    return best;
  }

  /** Topic names a member subscribes to: its names plus what its regex resolved to. */
  memberTopics(member: MemberSubscription): Set<string> {
    const topics = new Set(member.subscribedTopicNames);
    if (member.subscribedTopicRegex !== null)
      for (const topic of this.resolvedRegexes.get(member.subscribedTopicRegex) ?? []) topics.add(topic);
    return topics;
  }

  /** Whether some member consumes `topic` (its committed offsets are then kept and not deletable). */
  isSubscribedTo(topic: string): boolean {
    for (const member of this.members.values()) if (this.memberTopics(member).has(topic)) return true;
    return false;
  }

  clearTimers(): void {
    for (const member of this.members.values()) member.clearTimers();
  }

  private addPartitionEpochs(assignment: Assignment, epoch: number): void {
    for (const [topicId, partitions] of assignment) {
      let epochs = this.partitionEpochs.get(topicId);
      if (!epochs) {
        epochs = new Map();
        this.partitionEpochs.set(topicId, epochs);
      }
      for (const p of partitions) {
        const owner = epochs.get(p);
        if (owner !== undefined) {
          throw new Error(
            `group ${this.groupId}: partition ${topicId}-${p} is still owned at epoch ${owner}; cannot give it to a member at epoch ${epoch}`,
          );
        }
        epochs.set(p, epoch);
      }
    }
  }

  private removePartitionEpochs(assignment: Assignment, epoch: number): void {
    for (const [topicId, partitions] of assignment) {
      const epochs = this.partitionEpochs.get(topicId);
      if (!epochs) continue;
      for (const p of partitions) if (epochs.get(p) === epoch) epochs.delete(p);
      if (epochs.size === 0) this.partitionEpochs.delete(topicId);
    }
  }
}
