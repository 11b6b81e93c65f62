/**
 * The consumer's membership under the classic group protocol: ClassicGroupMembership with protocol
 * type "consumer", subscriptions and assignments encoded as Java's ConsumerProtocol, the partition
 * assignors run on the group leader, and heartbeats on their own timer (Heartbeater).
 *
 * This class only talks to the coordinator and keeps member id and generation; what to do with an
 * assignment (revoking, committing, fetching) is the consumer's business.
 */

import { ApiKey } from '@samsa/protocol/on-demand';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  toTopicPartitions,
} from '../../assignors/consumer-protocol.js';
import { rebalanceProtocolOf } from '../../assignors/index.js';
import type { MemberSubscription, PartitionAssignor, RebalanceProtocol } from '../../assignors/types.js';
import { type ClientInfo, channels, type HeartbeatEvent } from '../../diagnostics/channels.js';
import { traceOperation } from '../../diagnostics/trace.js';
import { ErrorCode, KafkaProtocolError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ClusterLike } from '../cluster-like.js';
import { GroupJoinError } from '../errors.js';
import { ClassicGroupMembership, type GroupJoinResult, type GroupMemberMetadata } from './classic-group.js';
import { Heartbeater } from './heartbeat.js';
import { explainInconsistentGroupProtocol, type GroupProtocolFacts } from './inconsistent-protocol.js';
import type { GroupMembership, JoinedGroup, JoinRequest, MembershipEvent } from './membership.js';

export interface ClassicConsumerConfig {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  retryBackoffMs: number;
  requestTimeoutMs: number;
  assignors: readonly PartitionAssignor[];
  clientRack: string | null;
  logger: Logger;
  /** Who the member is in diagnostics events. */
  client?: ClientInfo;
}

/** Partition counts of topics, for the leader; missing topics are left out. */
export type PartitionCounts = (topics: string[]) => Promise<Map<string, number>>;

export class ClassicConsumerMembership extends ClassicGroupMembership implements GroupMembership {
  readonly protocol = 'classic';
  readonly rebalanceProtocol: RebalanceProtocol;
  private readonly heartbeater: Heartbeater;

  constructor(
    cluster: ClusterLike,
    private readonly config: ClassicConsumerConfig,
    private readonly partitionCounts: PartitionCounts,
    onEvent: (event: MembershipEvent) => void,
  ) {
    super(cluster, { ...config, protocolType: CONSUMER_PROTOCOL_TYPE });
    this.rebalanceProtocol = rebalanceProtocolOf(config.assignors);
    this.heartbeater = new Heartbeater(
      this,
      config.heartbeatIntervalMs,
      config.retryBackoffMs,
      this.logger,
      onEvent,
    );
  }

  /** One heartbeat, published on samsa:consumer:heartbeat when it has subscribers. */
  override heartbeat(signal?: AbortSignal): Promise<number> {
    if (!channels.heartbeat.hasSubscribers) return super.heartbeat(signal);
    const event: HeartbeatEvent = {
      client: this.config.client ?? { type: 'consumer', clientId: '', groupId: this.groupId },
      groupId: this.groupId,
      groupProtocol: 'classic',
      memberId: this.memberId,
      generationId: this.generationId,
    };
    return traceOperation(channels.heartbeat, event, () => super.heartbeat(signal)) as Promise<number>;
  }

  startHeartbeats(): void {
    this.heartbeater.start();
  }

  stopHeartbeats(): Promise<void> {
    return this.heartbeater.stop();
  }

  /**
   * Joins (or rejoins) the group and returns this member's partitions. Retries everything retriable
   * (coordinator moves, loading, REBALANCE_IN_PROGRESS, unknown member) until it succeeds, `signal`
   * fires, or an error that retrying cannot fix.
   */
  async join(what: JoinRequest, signal?: AbortSignal): Promise<JoinedGroup> {
    const { assignors, clientRack } = this.config;
    const joined = await this.joinGroupExplained(
      {
        protocols: () => {
          const state = {
            topics: what.topics,
            ownedPartitions: what.ownedPartitions,
            generationId: this.generationId,
          };
          return assignors.map((a) => ({
            name: a.name,
            metadata: encodeSubscription({
              topics: [...what.topics],
              userData: a.subscriptionUserData?.(state) ?? null,
              ownedPartitions: [...what.ownedPartitions],
              generationId: this.generationId,
              rackId: clientRack,
            }),
          }));
        },
        assign: (protocolName, members) => this.assign(this.assignorNamed(protocolName), members),
      },
      signal,
    );
    const assignor = this.assignorNamed(joined.protocolName);
    const decoded = decodeAssignment(joined.assignment);
    assignor.onAssignment?.({
      partitions: decoded.assignedPartitions,
      userData: decoded.userData,
      generationId: joined.generationId,
      memberId: joined.memberId,
    });
    return {
      generationId: joined.generationId,
      memberId: joined.memberId,
      protocolName: assignor.name,
      isLeader: joined.isLeader,
      partitions: decoded.assignedPartitions,
    };
  }

  /** joinGroup, with INCONSISTENT_GROUP_PROTOCOL explained from the group's own description. */
  private async joinGroupExplained(
    handler: Parameters<ClassicGroupMembership['joinGroup']>[0],
    signal?: AbortSignal,
  ): Promise<GroupJoinResult> {
    try {
      return await this.joinGroup(handler, signal);
    } catch (err) {
      const cause = err instanceof GroupJoinError ? err.cause : undefined;
      if (!(cause instanceof KafkaProtocolError) || cause.errorCode !== ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
        throw err;
      const offered = this.config.assignors.map((a) => a.name);
      const facts = await this.describeGroupProtocol(signal);
      throw new GroupJoinError(explainInconsistentGroupProtocol(this.groupId, offered, facts), { cause });
    }
  }

  /** The group's protocol type and agreed assignor per DescribeGroups; unknowns when it cannot tell. */
  private async describeGroupProtocol(signal?: AbortSignal): Promise<GroupProtocolFacts> {
    try {
      const { response } = await this.request(
        ApiKey.DescribeGroups,
        () => ({ groups: [this.groupId], includeAuthorizedOperations: false }),
        { signal },
      );
      const group = response.groups[0];
      if (!group || group.errorCode !== ErrorCode.NONE)
        return { protocolType: null, assignor: null, clientIds: [] };
      return {
        protocolType: group.protocolType,
        assignor: group.protocolData === '' ? null : group.protocolData,
        clientIds: group.members.map((m) => m.clientId),
      };
    } catch (err) {
      this.logger.debug('DescribeGroups failed while explaining INCONSISTENT_GROUP_PROTOCOL', {
        groupId: this.groupId,
        error: (err as Error).message,
      });
      return { protocolType: null, assignor: null, clientIds: [] };
    }
  }

  private assignorNamed(name: string): PartitionAssignor {
    const assignor = this.config.assignors.find((a) => a.name === name);
    if (!assignor) {
      throw new GroupJoinError(
        `Consumer group ${this.groupId} chose assignor ${JSON.stringify(name)}, which this consumer did not offer`,
      );
    }
    return assignor;
  }

  /** The leader's job: decode every subscription, run the assignor, encode the results. */
  private async assign(
    assignor: PartitionAssignor,
    members: GroupMemberMetadata[],
  ): Promise<Map<string, Buffer>> {
    const subscriptions: MemberSubscription[] = members.map((m) => {
      const s = decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        topics: s.topics,
        userData: s.userData,
        ownedPartitions: s.ownedPartitions,
        generationId: s.generationId,
        rackId: s.rackId,
        version: s.version,
      };
    });
    const topics = [...new Set(subscriptions.flatMap((s) => s.topics))].sort();
    const partitionsPerTopic = await this.partitionCounts(topics);
    const result = assignor.assign({
      members: subscriptions,
      partitionsPerTopic,
      generationId: this.generationId,
    });
    if (assignor.supportedProtocols.includes('cooperative'))
      checkCooperative(subscriptions, result, this.logger);
    this.logger.debug('assigned partitions as leader', {
      groupId: this.groupId,
      assignor: assignor.name,
      members: subscriptions.length,
      topics: topics.length,
    });
    return new Map(
      subscriptions.map((s) => {
        const a = result.get(s.memberId);
        return [
          s.memberId,
          encodeAssignment({
            assignedPartitions: a ? toTopicPartitions(a.partitions) : [],
            userData: a?.userData ?? null,
          }),
        ];
      }),
    );
  }
}

/**
 * KIP-429's safety rule, checked on the leader: a partition another member still owns must not be
 * handed to someone else in the same generation. A violation is an assignor bug; it is logged loudly
 * (Java throws) because the member that owns it will revoke it and the group will heal next round.
 */
function checkCooperative(
  members: readonly MemberSubscription[],
  result: Map<string, { partitions: Map<string, number[]> }>,
  logger: Logger,
): void {
  const owner = new Map<string, string>();
  for (const m of members) {
    for (const { topic, partitions } of m.ownedPartitions)
      for (const p of partitions) owner.set(`${topic}:${p}`, m.memberId);
  }
  for (const [memberId, a] of result) {
    for (const [topic, partitions] of a.partitions) {
      for (const p of partitions) {
        const o = owner.get(`${topic}:${p}`);
        if (o !== undefined && o !== memberId) {
          logger.error(
            'cooperative assignor moved an owned partition directly; it will be fixed next rebalance',
            {
              topic,
              partition: p,
              from: o,
              to: memberId,
            },
          );
        }
      }
    }
  }
}
