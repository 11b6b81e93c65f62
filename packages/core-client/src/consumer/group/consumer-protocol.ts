/**
 * The consumer's membership under KIP-848's consumer group protocol (Java's `group.protocol=consumer`):
 * no JoinGroup/SyncGroup barrier and no group leader. The member heartbeats with
 * ConsumerGroupHeartbeat, the broker computes every assignment with a server assignor
 * (`groupRemoteAssignor`: 'uniform' or 'range'), and each member reconciles towards its own target:
 * it gives up exactly the partitions that move, acknowledges by reporting what it owns, and then gets
 * the partitions others released. The member epoch is the generation offsets are committed under.
 *
 * How it maps onto GroupMembership (the control loop drives it like a cooperative classic member):
 * - `join()` sends a full heartbeat at once (epoch 0 to join, else the current epoch with the owned
 *   partitions, which acknowledges revocations) and returns the assignment usable now;
 * - the heartbeat loop runs on the interval the broker sets and reports a changed assignment as a
 *   'rebalance' event, FENCED_MEMBER_EPOCH / UNKNOWN_MEMBER_ID as 'lost' (the member rejoins at
 *   epoch 0 under its id), and errors retrying cannot fix as 'fatal';
 * - `leave()` heartbeats with epoch -1, or -2 for a static member (its partitions wait for it until
 *   its session ends).
 *
 * Assignments name topics by id; ids resolve through metadata (a refresh when one is new), and
 * partitions of ids that do not resolve yet are taken once they do.
 */
import { randomBytes } from 'node:crypto';
import {
  ApiKey,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
} from '@samsa/protocol/on-demand';
import type { RebalanceProtocol, TopicPartitions } from '../../assignors/types.js';
import { FencedInstanceIdError } from '../../cluster/group-errors.js';
import { type ClientInfo, channels, type HeartbeatEvent } from '../../diagnostics/channels.js';
import { settled, started } from '../../diagnostics/trace.js';
import {
  createKafkaError,
  ErrorCode,
  isRetriable,
  RequestAbortedError,
  UnsupportedApiVersionError,
} from '../../errors.js';
import type { Logger } from '../../logger.js';
import { sleep } from '../../retry.js';
import type { ClusterLike } from '../cluster-like.js';
import { GroupJoinError, GroupMembershipLostError } from '../errors.js';
import { CoordinatorLink } from './coordinator-link.js';
import type { GroupMembership, JoinedGroup, JoinRequest, MembershipEvent } from './membership.js';

export interface ConsumerProtocolConfig {
  groupId: string;
  groupInstanceId: string | null;
  /** How long the broker waits for this member to revoke (Java sends max.poll.interval.ms). */
  rebalanceTimeoutMs: number;
  /** The server assignor to ask for; null lets the broker choose. */
  remoteAssignor: string | null;
  clientRack: string | null;
  retryBackoffMs: number;
  requestTimeoutMs: number;
  logger: Logger;
  /** Who the member is in diagnostics events. */
  client?: ClientInfo;
}

/** KIP-848's member epochs in a heartbeat: leave, and leave for a while (static members). */
const LEAVE_GROUP_EPOCH = -1;
const LEAVE_GROUP_STATIC_EPOCH = -2;
/** Used until the broker says (Kafka's default group.consumer.heartbeat.interval.ms). */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 5000;
const MAX_BACKOFF_MS = 5000;

const COORDINATOR_MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);

type TopicIdPartitions = { topicId: string; partitions: number[] };

/** Kafka's member ids: 16 random bytes in URL-safe base64, as Java's Uuid.randomUuid().toString(). */
function newMemberId(): string {
  return randomBytes(16).toString('base64url');
}

export class ConsumerProtocolMembership implements GroupMembership {
  readonly protocol = 'consumer';
  readonly rebalanceProtocol: RebalanceProtocol = 'cooperative';
  readonly leaderId = '';
  /** Generated here (KIP-1082) and kept for the process's life, fencing included. */
  memberId = newMemberId();
  /** -1 outside the group, 0 while joining, then the epoch the coordinator gave. */
  private memberEpoch = -1;
  private heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
  /** The last assignment the coordinator sent (topic id → partitions), or null before one. */
  private target: Map<string, number[]> | null = null;
  /** Topic ids learnt from assignments and metadata. */
  private readonly namesById = new Map<string, string>();
  private readonly link: CoordinatorLink;
  private heartbeating = false;
  private loop: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private retryUnresolved: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: ClusterLike,
    private readonly config: ConsumerProtocolConfig,
    /** The partitions the consumer holds right now (reported in every heartbeat). */
    private readonly owned: () => TopicPartitions[],
    private readonly onEvent: (event: MembershipEvent) => void,
  ) {
    this.link = new CoordinatorLink(cluster, config.groupId);
  }

  get groupId(): string {
    return this.config.groupId;
  }

  get groupInstanceId(): string | null {
    return this.config.groupInstanceId;
  }

  get generationId(): number {
    return this.memberEpoch > 0 ? this.memberEpoch : -1;
  }

  get inGroup(): boolean {
    return this.memberEpoch > 0;
  }

  // ---------------------------------------------------------------- joining and reconciling

  /**
   * Sends a full heartbeat now and returns the partitions this member may use. At epoch 0 it joins;
   * later it reports `what.ownedPartitions` (acknowledging what was revoked) and the subscription.
   */
  async join(what: JoinRequest, signal?: AbortSignal): Promise<JoinedGroup> {
    const { groupId } = this.config;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new RequestAbortedError('Joining the group', signal.reason);
      const backoff = () =>
        sleep(Math.min(MAX_BACKOFF_MS, this.config.retryBackoffMs * 2 ** Math.min(attempt, 10)), signal);
      if (this.memberEpoch < 0) this.memberEpoch = 0;
      const joining = this.memberEpoch === 0;
      let response: ConsumerGroupHeartbeatResponse;
      try {
        response = await this.heartbeatRequest(
          {
            rebalanceTimeoutMs: this.config.rebalanceTimeoutMs,
            subscribedTopicNames: [...what.topics],
            serverAssignor: this.config.remoteAssignor,
            rackId: this.config.clientRack,
            topicPartitions: joining ? [] : this.topicIds(what.ownedPartitions),
          },
          signal,
        );
      } catch (err) {
        if (err instanceof UnsupportedApiVersionError) throw this.unsupported(err);
        if (err instanceof RequestAbortedError || !isRetriable(err)) throw err;
        this.config.logger.debug('ConsumerGroupHeartbeat failed, retrying', {
          groupId,
          error: (err as Error).message,
        });
        await backoff();
        continue;
      }
      const code = response.errorCode;
      if (code === ErrorCode.NONE) {
        this.accept(response);
        if (joining)
          this.config.logger.info('joined group', {
            groupId,
            memberId: this.memberId,
            memberEpoch: this.memberEpoch,
          });
        return {
          generationId: this.memberEpoch,
          memberId: this.memberId,
          protocolName: this.config.remoteAssignor ?? 'consumer',
          isLeader: false,
          partitions: await this.resolveTarget(),
        };
      }
      if (code === ErrorCode.FENCED_MEMBER_EPOCH || code === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.reset(false);
        // Holding nothing, rejoining at epoch 0 loses nothing; otherwise the consumer gives them up first.
        if (what.ownedPartitions.length === 0) continue;
        throw new GroupMembershipLostError(
          groupId,
          code,
          response.errorMessage ?? createKafkaError(code).message,
        );
      }
      await this.handleError(response, 'join', backoff);
    }
  }

  /** Whether an answer means "look the coordinator up again and retry", else throws or backs off. */
  private async handleError(
    response: ConsumerGroupHeartbeatResponse,
    during: 'join' | 'heartbeat',
    backoff: () => Promise<void>,
  ): Promise<void> {
    const code = response.errorCode;
    const { groupId, groupInstanceId } = this.config;
    if (COORDINATOR_MOVED.has(code)) {
      this.link.coordinatorFailed();
      await backoff();
      return;
    }
    if (code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
      await backoff();
      return;
    }
    if (code === ErrorCode.UNSUPPORTED_VERSION) throw this.unsupported(createKafkaError(code));
    if (code === ErrorCode.FENCED_INSTANCE_ID)
      throw new FencedInstanceIdError(groupId, groupInstanceId ?? '');
    const err = createKafkaError(code, { apiName: 'ConsumerGroupHeartbeat', groupId });
    if (err.retriable) {
      await backoff();
      return;
    }
    const detail = response.errorMessage ? `${err.message} (${response.errorMessage})` : err.message;
    throw new GroupJoinError(
      during === 'join'
        ? `Could not join consumer group ${groupId}: ${detail}`
        : `Consumer group ${groupId}: ${detail}`,
      { cause: err },
    );
  }

  private unsupported(cause: unknown): GroupJoinError {
    return new GroupJoinError(
      `The brokers of consumer group ${this.config.groupId} do not support the consumer group protocol ` +
        "(KIP-848's ConsumerGroupHeartbeat: Apache Kafka 4.0+, or 3.7-3.9 with " +
        "group.coordinator.rebalance.protocols=classic,consumer). Use groupProtocol: 'classic' with these brokers.",
      { cause },
    );
  }

  private async heartbeatRequest(
    fields: Partial<ConsumerGroupHeartbeatRequest>,
    signal?: AbortSignal,
  ): Promise<ConsumerGroupHeartbeatResponse> {
    const { groupId, groupInstanceId } = this.config;
    const { response } = await this.link.request(
      ApiKey.ConsumerGroupHeartbeat,
      (version) => ({
        groupId,
        // v0 coordinators generate the id; from v1 the member does (KIP-1082).
        memberId: version === 0 && this.memberEpoch === 0 && this.target === null ? '' : this.memberId,
        memberEpoch: this.memberEpoch,
        instanceId: groupInstanceId,
        rackId: null,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: null,
        ...fields,
      }),
      { signal, timeoutMs: this.config.requestTimeoutMs },
    );
    return response;
  }

  /** Takes an accepted heartbeat's member id, epoch, interval and assignment; returns whether the assignment changed. */
  private accept(response: ConsumerGroupHeartbeatResponse): boolean {
    if (response.memberId) this.memberId = response.memberId;
    this.memberEpoch = response.memberEpoch;
    if (response.heartbeatIntervalMs > 0) this.heartbeatIntervalMs = response.heartbeatIntervalMs;
    if (!response.assignment) return false;
    const next = new Map(
      response.assignment.topicPartitions.map((t) => [t.topicId, [...t.partitions].sort((a, b) => a - b)]),
    );
    const changed = !sameAssignment(this.target, next);
    this.target = next;
    return changed;
  }

  /** The target by topic name; ids metadata does not know yet are looked up, and retried later if still unknown. */
  private async resolveTarget(): Promise<TopicPartitions[]> {
    const target = this.target ?? new Map<string, number[]>();
    let unknown = [...target.keys()].filter((id) => this.nameOf(id) === undefined);
    if (unknown.length > 0) {
      await this.cluster.metadata.refresh(null).catch((err) => {
        this.config.logger.warn('metadata refresh for assigned topic ids failed', {
          groupId: this.config.groupId,
          error: (err as Error).message,
        });
      });
      unknown = unknown.filter((id) => this.nameOf(id) === undefined);
    }
    clearTimeout(this.retryUnresolved);
    if (unknown.length > 0) {
      this.config.logger.warn('assigned topic ids are not in the metadata yet; taking them once they are', {
        groupId: this.config.groupId,
        topicIds: unknown,
      });
      this.retryUnresolved = setTimeout(
        () => this.onEvent({ type: 'rebalance' }),
        this.config.retryBackoffMs * 10,
      );
      this.retryUnresolved.unref();
    }
    const out: TopicPartitions[] = [];
    for (const [id, partitions] of target) {
      const topic = this.nameOf(id);
      if (topic !== undefined) out.push({ topic, partitions: [...partitions] });
    }
    this.cluster.metadata.track(out.map((t) => t.topic));
    return out;
  }

  private nameOf(topicId: string): string | undefined {
    const known = this.namesById.get(topicId);
    if (known !== undefined) return known;
    for (const [name, meta] of this.cluster.metadata.topics) {
      if (meta.topicId === topicId) {
        this.namesById.set(topicId, name);
        return name;
      }
    }
    return undefined;
  }

  /** Owned partitions by topic id, as heartbeats report them. */
  private topicIds(partitions: readonly TopicPartitions[]): TopicIdPartitions[] {
    const idsByName = new Map<string, string>();
    for (const [id, name] of this.namesById) idsByName.set(name, id);
    const out: TopicIdPartitions[] = [];
    for (const { topic, partitions: list } of partitions) {
      const topicId = idsByName.get(topic) ?? this.cluster.metadata.topics.get(topic)?.topicId;
      if (topicId === undefined) continue;
      out.push({ topicId, partitions: [...list].sort((a, b) => a - b) });
    }
    return out;
  }

  // ---------------------------------------------------------------- heartbeats

  startHeartbeats(): void {
    if (this.heartbeating) return;
    this.heartbeating = true;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.loop = this.heartbeatLoop(signal).finally(() => {
      this.loop = null;
    });
  }

  async stopHeartbeats(): Promise<void> {
    this.heartbeating = false;
    this.abort?.abort();
    this.abort = null;
    await this.loop;
  }

  /** One heartbeat of the loop, published on samsa:consumer:heartbeat when it has subscribers. */
  private async loopHeartbeat(signal: AbortSignal): Promise<ConsumerGroupHeartbeatResponse> {
    const body = { topicPartitions: this.topicIds(this.owned()) };
    if (!channels.heartbeat.hasSubscribers) return this.heartbeatRequest(body, signal);
    const event: HeartbeatEvent = {
      client: this.config.client ?? { type: 'consumer', clientId: '', groupId: this.config.groupId },
      groupId: this.config.groupId,
      groupProtocol: 'consumer',
      memberId: this.memberId,
      generationId: this.generationId,
    };
    started(channels.heartbeat, event);
    try {
      const response = await this.heartbeatRequest(body, signal);
      event.result = response.errorCode;
      settled(channels.heartbeat, event);
      return response;
    } catch (err) {
      settled(channels.heartbeat, event, err);
      throw err;
    }
  }

  private async heartbeatLoop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let delay = this.heartbeatIntervalMs;
    while (this.heartbeating && !signal.aborted) {
      try {
        await sleep(delay, signal);
      } catch {
        return;
      }
      if (!this.heartbeating || !this.inGroup) return;
      const backoff = async () => {
        failures++;
        delay = Math.min(this.heartbeatIntervalMs, this.config.retryBackoffMs * 2 ** Math.min(failures, 6));
      };
      let response: ConsumerGroupHeartbeatResponse;
      try {
        response = await this.loopHeartbeat(signal);
      } catch (err) {
        if (err instanceof RequestAbortedError || signal.aborted) return;
        if (err instanceof UnsupportedApiVersionError) {
          this.heartbeating = false;
          this.onEvent({ type: 'fatal', error: this.unsupported(err) });
          return;
        }
        this.config.logger.warn('heartbeat failed, retrying', {
          groupId: this.config.groupId,
          error: (err as Error).message,
        });
        await backoff();
        continue;
      }
      if (!this.heartbeating) return;
      const code = response.errorCode;
      if (code === ErrorCode.NONE) {
        failures = 0;
        const changed = this.accept(response);
        delay = this.heartbeatIntervalMs;
        this.onEvent({ type: 'heartbeat' });
        if (changed) this.onEvent({ type: 'rebalance' });
        continue;
      }
      if (code === ErrorCode.FENCED_MEMBER_EPOCH || code === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.heartbeating = false;
        this.onEvent({ type: 'lost', errorCode: code });
        return;
      }
      try {
        await this.handleError(response, 'heartbeat', backoff);
      } catch (err) {
        this.heartbeating = false;
        this.onEvent({ type: 'fatal', error: err as Error });
        return;
      }
    }
  }

  // ---------------------------------------------------------------- leaving

  /** Forgets the epoch and the assignment; the member id stays (the next join is at epoch 0 under it). */
  reset(_memberId: boolean): void {
    this.memberEpoch = -1;
    this.target = null;
    clearTimeout(this.retryUnresolved);
  }

  /**
   * Leaves with epoch -1 so the partitions move at once; a static member leaves with -2 and the
   * broker keeps its partitions until its session ends (unless it gave up because it overran
   * maxPollIntervalMs, when they must move now).
   */
  async leave(reason: string, options: { pollTimeout?: boolean } = {}): Promise<void> {
    clearTimeout(this.retryUnresolved);
    if (this.memberEpoch <= 0) {
      this.reset(false);
      return;
    }
    const epoch =
      this.config.groupInstanceId !== null && !options.pollTimeout
        ? LEAVE_GROUP_STATIC_EPOCH
        : LEAVE_GROUP_EPOCH;
    this.memberEpoch = epoch;
    try {
      const response = await this.heartbeatRequest({});
      if (response.errorCode !== ErrorCode.NONE && response.errorCode !== ErrorCode.UNKNOWN_MEMBER_ID) {
        this.config.logger.warn('leaving the group failed; the group moves on once the session times out', {
          groupId: this.config.groupId,
          error: createKafkaError(response.errorCode).message,
        });
      }
    } catch (err) {
      this.config.logger.warn('leaving the group failed; the group moves on once the session times out', {
        groupId: this.config.groupId,
        reason,
        error: (err as Error).message,
      });
    }
    this.reset(false);
  }

  // ---------------------------------------------------------------- offsets

  request: CoordinatorLink['request'] = (apiKey, build, options) => this.link.request(apiKey, build, options);

  coordinatorFailed(): void {
    this.link.coordinatorFailed();
  }
}

function sameAssignment(a: Map<string, number[]> | null, b: Map<string, number[]>): boolean {
  if (a === null || a.size !== b.size) return false;
  for (const [id, partitions] of b) {
    const other = a.get(id);
    if (!other || other.length !== partitions.length || other.some((p, i) => p !== partitions[i]))
      return false;
  }
  return true;
}
