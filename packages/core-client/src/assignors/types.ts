/**
 * The partition assignor interface. The group leader runs `assign` over every member's decoded
 * subscription; the result is encoded with `ConsumerProtocolAssignment` and handed out by SyncGroup.
 *
 * The interface carries what KIP-429 (incremental cooperative rebalancing) needs: members report the
 * partitions they own and the generation they owned them in, and an assignor declares which rebalance
 * protocols it supports. A consumer runs the cooperative protocol only when every assignor it offers
 * supports it (as the Java client does), so a group can move from eager to cooperative by rolling
 * restarts.
 */

/** `eager`: revoke everything before rejoining. `cooperative`: revoke only what moves (KIP-429). */
export type RebalanceProtocol = 'eager' | 'cooperative';

/** Partitions of one topic. */
export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** A member's ConsumerProtocolSubscription as decoded from its JoinGroup metadata. */
export interface MemberSubscription {
  memberId: string;
  /** Static membership id (KIP-345), or null for a dynamic member. */
  groupInstanceId: string | null;
  topics: string[];
  userData: Buffer | null;
  /** Partitions the member owned when it joined (subscription v1+; empty for eager members). */
  ownedPartitions: TopicPartitions[];
  /** The generation `ownedPartitions` belong to, or -1 if the member did not say (subscription v2+). */
  generationId: number;
  rackId: string | null;
  /** The subscription version the member encoded. */
  version: number;
}

/** What the leader knows when it assigns. */
export interface AssignmentContext {
  members: readonly MemberSubscription[];
  /** Partition count of every subscribed topic the leader found in the cluster metadata. */
  partitionsPerTopic: ReadonlyMap<string, number>;
  /** The generation this assignment is for. */
  generationId: number;
}

export interface MemberAssignment {
  /** Partitions by topic; topics without partitions may be left out. */
  partitions: Map<string, number[]>;
  userData?: Buffer | null;
}

/** What a member is told after SyncGroup. */
export interface ReceivedAssignment {
  partitions: TopicPartitions[];
  userData: Buffer | null;
  generationId: number;
  memberId: string;
}

export interface SubscriptionState {
  topics: readonly string[];
  ownedPartitions: readonly TopicPartitions[];
  generationId: number;
}

export interface PartitionAssignor {
  /** The protocol name members vote with in JoinGroup: `range`, `roundrobin`, `cooperative-sticky`, ... */
  readonly name: string;
  /** Rebalance protocols this assignor is safe with; the first entry is not special. */
  readonly supportedProtocols: readonly RebalanceProtocol[];
  /** Extra bytes to put in this member's subscription (e.g. a sticky assignor's generation). */
  subscriptionUserData?(state: SubscriptionState): Buffer | null;
  /** Runs on the leader only. Must return an entry for every member (possibly empty). */
  assign(context: AssignmentContext): Map<string, MemberAssignment>;
  /** Runs on every member when its assignment arrives. */
  onAssignment?(assignment: ReceivedAssignment): void;
}
