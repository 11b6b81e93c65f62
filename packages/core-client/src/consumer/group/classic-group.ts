/**
 * Membership of a classic Kafka group for any protocol type: JoinGroup (with the KIP-394
 * MEMBER_ID_REQUIRED round trip), the group leader's assignment, SyncGroup, Heartbeat and LeaveGroup.
 * All of it goes over the coordinator's 'group' connection, so it never queues behind fetches.
 *
 * What the protocol's metadata and assignments mean is the caller's business (Java's
 * AbstractCoordinator split): the consumer speaks protocol type "consumer" through GroupMembership;
 * other members (a schema registry's leader election, protocol type "sr") bring their own
 * GroupProtocolHandler. This class keeps member id and generation and handles coordinator errors.
 */
import { ApiKey } from '@samsa/protocol/on-demand';
import { FencedInstanceIdError } from '../../cluster/group-errors.js';
import {
  createKafkaError,
  ErrorCode,
  isRetriable,
  ProtocolDecodeError,
  RequestAbortedError,
} from '../../errors.js';
import type { Logger } from '../../logger.js';
import { sleep } from '../../retry.js';
import type { ClusterLike } from '../cluster-like.js';
import { GroupJoinError } from '../errors.js';
import { CoordinatorLink } from './coordinator-link.js';

export interface ClassicGroupConfig {
  groupId: string;
  /** JoinGroup's protocol type: "consumer", "connect", "sr", ... Every member of a group must use the same. */
  protocolType: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  retryBackoffMs: number;
  requestTimeoutMs: number;
  logger: Logger;
}

/** One protocol a member offers in JoinGroup, with its metadata for that protocol. */
export interface OfferedProtocol {
  name: string;
  metadata: Buffer;
}

/** A member of the group as the coordinator reports it to the group leader. */
export interface GroupMemberMetadata {
  memberId: string;
  /** Null unless the member is static (and the broker speaks JoinGroup v5+). */
  groupInstanceId: string | null;
  /** What the member offered for the chosen protocol. */
  metadata: Buffer;
}

/** What a protocol type brings to a join: its metadata, and the group leader's assignment. */
export interface GroupProtocolHandler {
  /** The protocols this member offers, preferred first (asked before every JoinGroup). */
  protocols(): OfferedProtocol[];
  /**
   * Runs on the member the coordinator made group leader: each member's assignment, by member id.
   * Members left out get an empty assignment.
   */
  assign(
    protocolName: string,
    members: GroupMemberMetadata[],
    generationId: number,
  ): Map<string, Buffer> | Promise<Map<string, Buffer>>;
}

/** A completed join: the generation, and this member's assignment bytes from SyncGroup. */
export interface GroupJoinResult {
  generationId: number;
  memberId: string;
  protocolName: string;
  /** Whether this member was the group leader (it computed the assignments). */
  isLeader: boolean;
  /** Member id of the group leader. */
  leaderId: string;
  assignment: Buffer;
}

const MAX_BACKOFF_MS = 5000;

export class ClassicGroupMembership {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  leaderId = '';
  protected readonly logger: Logger;
  private readonly link: CoordinatorLink;

  constructor(
    protected readonly cluster: ClusterLike,
    protected readonly groupConfig: ClassicGroupConfig,
  ) {
    this.logger = groupConfig.logger;
    this.link = new CoordinatorLink(cluster, groupConfig.groupId);
  }

  get groupId(): string {
    return this.groupConfig.groupId;
  }

  get groupInstanceId(): string | null {
    return this.groupConfig.groupInstanceId;
  }

  get isStatic(): boolean {
    return this.groupConfig.groupInstanceId !== null;
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

  /** After a coordinator error or a broken connection: look the coordinator up again next time. */
  coordinatorFailed(): void {
    this.link.coordinatorFailed();
  }

  /** Sends one request to the coordinator on the 'group' connection; connection trouble invalidates it. */
  request: CoordinatorLink['request'] = (apiKey, build, options) => this.link.request(apiKey, build, options);

  /**
   * Joins (or rejoins) the group and returns this member's assignment. Retries everything retriable
   * (coordinator moves, loading, REBALANCE_IN_PROGRESS, unknown member) until it succeeds, `signal`
   * fires, or an error that retrying cannot fix.
   */
  async joinGroup(handler: GroupProtocolHandler, signal?: AbortSignal): Promise<GroupJoinResult> {
    const { groupId } = this.groupConfig;
    const joinTimeoutMs = Math.max(
      this.groupConfig.requestTimeoutMs,
      this.groupConfig.rebalanceTimeoutMs + 5000,
    );
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new RequestAbortedError('Joining the group', signal.reason);
      const backoff = () =>
        sleep(Math.min(MAX_BACKOFF_MS, this.groupConfig.retryBackoffMs * 2 ** Math.min(attempt, 10)), signal);
      const offered = handler.protocols();
      let joined: Awaited<ReturnType<typeof this.sendJoin>>;
      try {
        joined = await this.sendJoin(offered, joinTimeoutMs, signal);
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
      const protocolName = this.protocolName;
      if (protocolName === null || !offered.some((p) => p.name === protocolName)) {
        throw new GroupJoinError(
          `${this.describeGroup()} chose protocol ${JSON.stringify(protocolName)}, which this member did not offer`,
        );
      }
      const isLeader = response.leader === response.memberId;
      let assignments: { memberId: string; assignment: Buffer }[] = [];
      if (isLeader && !response.skipAssignment) {
        const members = response.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: version >= 5 ? (m.groupInstanceId ?? null) : null,
          metadata: m.metadata,
        }));
        const byMember = await handler.assign(protocolName, members, this.generationId);
        assignments = members.map((m) => ({
          memberId: m.memberId,
          assignment: byMember.get(m.memberId) ?? Buffer.alloc(0),
        }));
      }
      this.logger.info('joined group', {
        groupId,
        memberId: this.memberId,
        generationId: this.generationId,
        protocol: protocolName,
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
      return {
        generationId: this.generationId,
        memberId: this.memberId,
        protocolName,
        isLeader,
        leaderId: this.leaderId,
        assignment: sync.assignment,
      };
    }
  }

  private async sendJoin(protocols: OfferedProtocol[], timeoutMs: number, signal?: AbortSignal) {
    const { groupId, groupInstanceId, sessionTimeoutMs, rebalanceTimeoutMs, protocolType } = this.groupConfig;
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
          protocolType,
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
    const { groupId, groupInstanceId, protocolType } = this.groupConfig;
    const { response } = await this.request(
      ApiKey.SyncGroup,
      () => ({
        groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId,
        protocolType,
        protocolName: this.protocolName,
        assignments,
      }),
      { timeoutMs, signal },
    );
    return response;
  }

  /** Decides what a JoinGroup/SyncGroup error means: fix state and let the loop retry, or throw. */
  private async handleJoinError(code: number, apiName: string, backoff: () => Promise<void>): Promise<void> {
    const { groupId, groupInstanceId } = this.groupConfig;
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
      throw new GroupJoinError(`Could not join ${this.describeGroup()}: ${err.message}`, { cause: err });
    }
    await backoff();
  }

  /** "consumer group g" or "group g (protocol type sr)", for error messages. */
  private describeGroup(): string {
    const { groupId, protocolType } = this.groupConfig;
    return protocolType === 'consumer'
      ? `consumer group ${groupId}`
      : `group ${groupId} (protocol type ${protocolType})`;
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
        groupId: this.groupConfig.groupId,
        error: err.message,
      });
      return false;
    }
    return !isRetriable(err);
  }

  /** One heartbeat; returns the error code (0 when all is well). Throws on transport failures. */
  async heartbeat(signal?: AbortSignal): Promise<number> {
    const { groupId, groupInstanceId } = this.groupConfig;
    const { response } = await this.request(
      ApiKey.Heartbeat,
      () => ({ groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId }),
      {
        signal,
        timeoutMs: Math.min(this.groupConfig.requestTimeoutMs, this.groupConfig.sessionTimeoutMs),
      },
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
    const { groupId } = this.groupConfig;
    const memberId = this.memberId;
    this.reset(true);
    try {
      const { response } = await this.request(
        ApiKey.LeaveGroup,
        (version) =>
          version >= 3
            ? { groupId, members: [{ memberId, groupInstanceId: null, reason }] }
            : { groupId, memberId },
        { timeoutMs: this.groupConfig.requestTimeoutMs },
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
