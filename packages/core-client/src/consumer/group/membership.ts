/**
 * Group membership over the classic group protocol: JoinGroup (with the KIP-394 MEMBER_ID_REQUIRED
 * round trip), the leader's assignment, SyncGroup, Heartbeat and LeaveGroup. All of it goes over the
 * coordinator's 'group' connection, so it never queues behind fetches.
 *
 * This class only talks to the coordinator and keeps member id and generation; what to do with an
 * assignment (revoking, committing, fetching) is the consumer's business.
 */
import { ApiKey } from '@samsa/protocol';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  toTopicPartitions,
} from '../../assignors/consumer-protocol.js';
import type { MemberSubscription, PartitionAssignor, TopicPartitions } from '../../assignors/types.js';
import {
  ConnectionError,
  createKafkaError,
  ErrorCode,
  isRetriable,
  ProtocolDecodeError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../../errors.js';
import type { Logger } from '../../logger.js';
import { sleep } from '../../retry.js';
import type { ClusterLike } from '../cluster-like.js';
import { FencedInstanceIdError, GroupJoinError } from '../errors.js';

export interface MembershipConfig {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  retryBackoffMs: number;
  requestTimeoutMs: number;
  assignors: readonly PartitionAssignor[];
  clientRack: string | null;
  logger: Logger;
}

export interface JoinedGroup {
  generationId: number;
  memberId: string;
  protocolName: string;
  isLeader: boolean;
  partitions: TopicPartitions[];
}

/** What to report to JoinGroup about ourselves. */
export interface JoinRequest {
  topics: readonly string[];
  /** Partitions we own now (cooperative); empty for eager members, which revoked everything first. */
  ownedPartitions: readonly TopicPartitions[];
}

/** Partition counts of topics, for the leader; missing topics are left out. */
export type PartitionCounts = (topics: string[]) => Promise<Map<string, number>>;

const MAX_BACKOFF_MS = 5000;

export class GroupMembership {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  leaderId = '';
  private readonly logger: Logger;

  constructor(
    private readonly cluster: ClusterLike,
    private readonly config: MembershipConfig,
    private readonly partitionCounts: PartitionCounts,
  ) {
    this.logger = config.logger;
  }

  get groupId(): string {
    return this.config.groupId;
  }

  get groupInstanceId(): string | null {
    return this.config.groupInstanceId;
  }

  get isStatic(): boolean {
    return this.config.groupInstanceId !== null;
  }

  /** Whether we hold a generation (heartbeats and commits make sense). */
  get inGroup(): boolean {
    return this.generationId >= 0 && this.memberId !== '';
  }

  /** Forget the generation; with `memberId` also the member id (UNKNOWN_MEMBER_ID, fencing, leaving). */
  reset(memberId: boolean): void {
    this.generationId = -1;
    this.protocolName = null;
    this.leaderId = '';
    if (memberId) this.memberId = '';
  }

  async coordinator(signal?: AbortSignal): Promise<number> {
    return this.cluster.findCoordinator(this.config.groupId, 'group', signal);
  }

  /** After a coordinator error or a broken connection: look the coordinator up again next time. */
  coordinatorFailed(): void {
    this.cluster.invalidateCoordinator(this.config.groupId, 'group');
  }

  /** Sends one request to the coordinator on the 'group' connection; connection trouble invalidates it. */
  async request<K extends keyof import('@samsa/protocol').RequestBodies>(
    apiKey: K,
    build: (version: number) => import('@samsa/protocol').RequestBodies[K],
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<{ version: number; response: import('@samsa/protocol').ResponseBodies[K] }> {
    const node = await this.coordinator(options.signal);
    try {
      return await this.cluster.request(node, apiKey, build, { purpose: 'group', ...options });
    } catch (err) {
      if (err instanceof ConnectionError || err instanceof RequestTimeoutError) this.coordinatorFailed();
      throw err;
    }
  }

  /**
   * Joins (or rejoins) the group and returns this member's assignment. Retries everything retriable
   * (coordinator moves, loading, REBALANCE_IN_PROGRESS, unknown member) until it succeeds, `signal`
   * fires, or an error that retrying cannot fix.
   */
  async join(what: JoinRequest, signal?: AbortSignal): Promise<JoinedGroup> {
    const { groupId } = this.config;
    const joinTimeoutMs = Math.max(this.config.requestTimeoutMs, this.config.rebalanceTimeoutMs + 5000);
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new RequestAbortedError('Joining the group', signal.reason);
      const backoff = () =>
        sleep(Math.min(MAX_BACKOFF_MS, this.config.retryBackoffMs * 2 ** Math.min(attempt, 10)), signal);
      let joined: Awaited<ReturnType<typeof this.sendJoin>>;
      try {
        joined = await this.sendJoin(what, joinTimeoutMs, signal);
      } catch (err) {
        if (this.isFatal(err)) throw err;
        this.logger.debug('JoinGroup failed, retrying', { groupId, error: (err as Error).message });
        await backoff();
        continue;
      }
      const { version, response } = joined;
      const code = response.errorCode;
      this.logger.debug('JoinGroup answered', {
        groupId,
        errorCode: code,
        memberId: response.memberId,
        generationId: response.generationId,
        members: response.members.length,
      });
      if (code === ErrorCode.MEMBER_ID_REQUIRED) {
        // KIP-394: the broker gave us an id; join again with it straight away.
        this.memberId = response.memberId;
        continue;
      }
      if (code !== ErrorCode.NONE) {
        await this.handleJoinError(code, 'JoinGroup', backoff);
        continue;
      }
      this.memberId = response.memberId;
      this.generationId = response.generationId;
      this.protocolName = response.protocolName ?? null;
      this.leaderId = response.leader;
      const assignor = this.config.assignors.find((a) => a.name === this.protocolName);
      if (!assignor) {
        throw new GroupJoinError(
          `Consumer group ${groupId} chose assignor ${JSON.stringify(this.protocolName)}, which this consumer did not offer`,
        );
      }
      const isLeader = response.leader === response.memberId;
      let assignments: { memberId: string; assignment: Buffer }[] = [];
      if (isLeader && !response.skipAssignment) {
        assignments = await this.assign(assignor, response.members, version >= 5);
      }
      this.logger.info('joined group', {
        groupId,
        memberId: this.memberId,
        generationId: this.generationId,
        protocol: this.protocolName,
        leader: isLeader,
      });

      let sync: Awaited<ReturnType<typeof this.sendSync>>;
      try {
        sync = await this.sendSync(assignments, joinTimeoutMs, signal);
      } catch (err) {
        if (this.isFatal(err)) throw err;
        await backoff();
        continue;
      }
      if (sync.errorCode !== ErrorCode.NONE) {
        await this.handleJoinError(sync.errorCode, 'SyncGroup', backoff);
        continue;
      }
      const decoded = decodeAssignment(sync.assignment);
      assignor.onAssignment?.({
        partitions: decoded.assignedPartitions,
        userData: decoded.userData,
        generationId: this.generationId,
        memberId: this.memberId,
      });
      return {
        generationId: this.generationId,
        memberId: this.memberId,
        protocolName: assignor.name,
        isLeader,
        partitions: decoded.assignedPartitions,
      };
    }
  }

  private async sendJoin(what: JoinRequest, timeoutMs: number, signal?: AbortSignal) {
    const { groupId, groupInstanceId, sessionTimeoutMs, rebalanceTimeoutMs, clientRack } = this.config;
    const state = {
      topics: what.topics,
      ownedPartitions: what.ownedPartitions,
      generationId: this.generationId,
    };
    const protocols = this.config.assignors.map((a) => ({
      name: a.name,
      metadata: encodeSubscription({
        topics: [...what.topics],
        userData: a.subscriptionUserData?.(state) ?? null,
        ownedPartitions: [...what.ownedPartitions],
        generationId: this.generationId,
        rackId: clientRack,
      }),
    }));
    return this.request(
      ApiKey.JoinGroup,
      (version) => {
        if (groupInstanceId !== null && version < 5) {
          throw new GroupJoinError(
            `groupInstanceId needs JoinGroup v5 (Kafka 2.3+), but the coordinator of ${groupId} only speaks v${version}; ` +
              'remove groupInstanceId or upgrade the brokers',
          );
        }
        return {
          groupId,
          sessionTimeoutMs,
          rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          protocols,
          reason: null,
        };
      },
      { timeoutMs, signal },
    );
  }

  private async sendSync(
    assignments: { memberId: string; assignment: Buffer }[],
    timeoutMs: number,
    signal?: AbortSignal,
  ) {
    const { groupId, groupInstanceId } = this.config;
    const { response } = await this.request(
      ApiKey.SyncGroup,
      () => ({
        groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocolName: this.protocolName,
        assignments,
      }),
      { timeoutMs, signal },
    );
    return response;
  }

  /** The leader's job: decode every subscription, run the assignor, encode the results. */
  private async assign(
    assignor: PartitionAssignor,
    members: { memberId: string; groupInstanceId?: string | null; metadata: Buffer }[],
    hasInstanceIds: boolean,
  ): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscriptions: MemberSubscription[] = members.map((m) => {
      const s = decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        groupInstanceId: hasInstanceIds ? (m.groupInstanceId ?? null) : null,
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
      groupId: this.config.groupId,
      assignor: assignor.name,
      members: subscriptions.length,
      topics: topics.length,
    });
    return subscriptions.map((s) => {
      const a = result.get(s.memberId);
      return {
        memberId: s.memberId,
        assignment: encodeAssignment({
          assignedPartitions: a ? toTopicPartitions(a.partitions) : [],
          userData: a?.userData ?? null,
        }),
      };
    });
  }

  /** Decides what a JoinGroup/SyncGroup error means: fix state and let the loop retry, or throw. */
  private async handleJoinError(code: number, apiName: string, backoff: () => Promise<void>): Promise<void> {
    const { groupId, groupInstanceId } = this.config;
    switch (code) {
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.reset(true);
        return;
      case ErrorCode.ILLEGAL_GENERATION:
        this.reset(false);
        return;
      case ErrorCode.REBALANCE_IN_PROGRESS:
        // SyncGroup lost a race with a new rebalance: join again, keeping the member id.
        return;
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
        this.coordinatorFailed();
        await backoff();
        return;
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
        await backoff();
        return;
      case ErrorCode.FENCED_INSTANCE_ID:
        throw new FencedInstanceIdError(groupId, groupInstanceId ?? '');
    }
    const err = createKafkaError(code, { apiName, groupId });
    if (!err.retriable) {
      throw new GroupJoinError(`Could not join consumer group ${groupId}: ${err.message}`, { cause: err });
    }
    await backoff();
  }

  private isFatal(err: unknown): boolean {
    if (
      err instanceof RequestAbortedError ||
      err instanceof GroupJoinError ||
      err instanceof FencedInstanceIdError
    )
      return true;
    // A response that does not decode (librdkafka's mock sends SyncGroup errors with a null
    // assignment) fails only that request: join again rather than give up.
    if (err instanceof ProtocolDecodeError) {
      this.logger.warn('group response did not decode; rejoining', {
        groupId: this.config.groupId,
        error: err.message,
      });
      return false;
    }
    return !isRetriable(err);
  }

  /** One heartbeat; returns the error code (0 when all is well). Throws on transport failures. */
  async heartbeat(signal?: AbortSignal): Promise<number> {
    const { groupId, groupInstanceId } = this.config;
    const { response } = await this.request(
      ApiKey.Heartbeat,
      () => ({ groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId }),
      { signal, timeoutMs: Math.min(this.config.requestTimeoutMs, this.config.sessionTimeoutMs) },
    );
    const code = response.errorCode;
    if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE)
      this.coordinatorFailed();
    return code;
  }

  /**
   * Leaves the group so the others rebalance at once. Static members stay (Java does the same): their
   * partitions wait for them until the session times out.
   */
  async leave(reason: string): Promise<void> {
    if (this.memberId === '' || this.isStatic) {
      this.reset(!this.isStatic);
      return;
    }
    const { groupId } = this.config;
    const memberId = this.memberId;
    this.reset(true);
    try {
      const { response } = await this.request(
        ApiKey.LeaveGroup,
        (version) =>
          version >= 3
            ? { groupId, members: [{ memberId, groupInstanceId: null, reason }] }
            : { groupId, memberId },
        { timeoutMs: this.config.requestTimeoutMs },
      );
      const code = response.members?.[0]?.errorCode || response.errorCode;
      if (code !== ErrorCode.NONE && code !== ErrorCode.UNKNOWN_MEMBER_ID) {
        this.logger.warn('LeaveGroup failed; the group rebalances once the session times out', {
          groupId,
          error: createKafkaError(code).message,
        });
      }
    } catch (err) {
      this.logger.warn('LeaveGroup failed; the group rebalances once the session times out', {
        groupId,
        error: (err as Error).message,
      });
    }
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
