/**
 * What the consumer needs of its group membership, whatever the group protocol. The consumer's
 * assignment loop joins, revokes and assigns through this interface only, and offset commits and
 * fetches use its coordinator link; nothing above it sees JoinGroup, SyncGroup or Heartbeat.
 *
 * Implementations (`groupProtocol`):
 * - `classic-consumer.ts` ('classic'): JoinGroup/SyncGroup/Heartbeat, the leader runs the partition
 *   assignors, on top of `classic-group.ts` and `heartbeat.ts`.
 * - `consumer-protocol.ts` ('consumer', KIP-848): ConsumerGroupHeartbeat, the broker assigns and the
 *   member reconciles towards its target: `join()` returns the assignment usable now, a new target
 *   is a 'rebalance' event, the member epoch is `generationId`, `leaderId` stays '' and
 *   `rebalanceProtocol` is 'cooperative'.
 */
import type { RequestBodies, ResponseBodies } from '@samsa/protocol/on-demand';
import type { RebalanceProtocol, TopicPartitions } from '../../assignors/types.js';

/** What to report to the group about ourselves when joining. */
export interface JoinRequest {
  topics: readonly string[];
  /** Partitions we own now (cooperative); empty for eager members, which revoked everything first. */
  ownedPartitions: readonly TopicPartitions[];
}

export interface JoinedGroup {
  generationId: number;
  memberId: string;
  protocolName: string;
  isLeader: boolean;
  partitions: TopicPartitions[];
}

/** What the membership reports between joins, from its heartbeats. */
export type MembershipEvent =
  /** The group is rebalancing (or the target assignment changed): join again. */
  | { type: 'rebalance' }
  /** The generation or member id is gone (session expired, fenced by a newer generation): rejoin from scratch. */
  | { type: 'lost'; errorCode: number }
  | { type: 'fatal'; error: Error }
  | { type: 'heartbeat' };

export interface GroupMembership {
  /** The group protocol (the consumer's `groupProtocol`). */
  readonly protocol: 'classic' | 'consumer';
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  /** '' while not in the group. */
  readonly memberId: string;
  /** The generation (KIP-848: the member epoch); -1 while not in the group. */
  readonly generationId: number;
  /** Member id of the group leader; '' when there is none (or the protocol has no client-side leader). */
  readonly leaderId: string;
  /** Whether we hold a generation (heartbeats and commits make sense). */
  readonly inGroup: boolean;
  /** How partitions move between members: all revoked before every join, or only those that move. */
  readonly rebalanceProtocol: RebalanceProtocol;

  /**
   * Joins (or rejoins) the group and returns this member's partitions. Retries everything retriable
   * until it succeeds, `signal` fires, or an error that retrying cannot fix.
   */
  join(what: JoinRequest, signal?: AbortSignal): Promise<JoinedGroup>;
  /** Keeps the membership alive on its own timer (principle 4), reporting MembershipEvents. */
  startHeartbeats(): void;
  /** Resolves once no heartbeat is in flight any more. */
  stopHeartbeats(): Promise<void>;
  /** Forget the generation; with `memberId` also the member id (UNKNOWN_MEMBER_ID, fencing, leaving). */
  reset(memberId: boolean): void;
  /**
   * Leaves the group so the others rebalance at once. `pollTimeout`: the member gives up because a
   * handler overran maxPollIntervalMs (a static KIP-848 member then leaves for good, not for a while).
   */
  leave(reason: string, options?: { pollTimeout?: boolean }): Promise<void>;

  /** Sends one request to the group coordinator (offset commits and fetches). */
  request<K extends keyof RequestBodies>(
    apiKey: K,
    build: (version: number) => RequestBodies[K],
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<{ version: number; response: ResponseBodies[K] }>;
  /** After a coordinator error: look the coordinator up again next time. */
  coordinatorFailed(): void;
}
