/**
 * `GroupMember`: membership of a Kafka group with a protocol of your own (Java's AbstractCoordinator),
 * for the things Kafka groups coordinate besides consumers: a schema registry's leader election
 * (protocol type "sr"), Kafka Connect workers ("connect"), or any set of processes that must agree on
 * who does what. You say what each member advertises and how the group leader assigns; it joins,
 * heartbeats on its own timer, rejoins on every rebalance and leaves on `stop()`.
 */

import { FencedInstanceIdError } from '../../cluster/group-errors.js';
import { rejectUnknown } from '../../config/validate.js';
import { ConfigurationError, ErrorCode, RequestAbortedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { sleep } from '../../retry.js';
import type { ConsumerCluster } from '../cluster-like.js';
import { GroupJoinError } from '../errors.js';
import { Wakeup } from '../wakeup.js';
import { ClassicGroupMembership, type GroupJoinResult, type GroupMemberMetadata } from './classic-group.js';
import { type HeartbeatEvent, Heartbeater } from './heartbeat.js';

export type { GroupMemberMetadata } from './classic-group.js';

/** What the group leader's `assign` returns: each member's assignment, by member id. */
export type GroupAssignments =
  | Map<string, Buffer | string>
  | Record<string, Buffer | string>
  | Promise<Map<string, Buffer | string> | Record<string, Buffer | string>>;

/** Why the last assignment stopped holding. */
export type GroupRevokeReason = 'rebalance' | 'lost' | 'stop';

export interface GroupMemberConfig {
  /** The group to join. */
  groupId: string;
  /** JoinGroup's protocol type ("sr", "connect", ...). Members of one group must all use the same. */
  protocolType: string;
  /**
   * The protocols this member offers, preferred first, each with this member's metadata (what it
   * advertises to the group leader). Asked before every join, so it may change between rebalances.
   */
  protocols: () => { name: string; metadata: Buffer | string }[];
  /** Runs on the member the coordinator picks as group leader: every member's assignment. */
  assign: (context: {
    protocolName: string;
    members: GroupMemberMetadata[];
    generationId: number;
  }) => GroupAssignments;
  /** After every completed join, with this member's assignment. May be async: heartbeats go on meanwhile. */
  onAssigned: (joined: GroupJoinResult) => void | Promise<void>;
  /**
   * The last assignment no longer holds: the group is rebalancing (called before rejoining), the
   * membership was lost (session expired, fenced by a newer generation), or the member is stopping.
   */
  onRevoked?: (reason: GroupRevokeReason) => void | Promise<void>;
  /** A fatal error (fenced static member, a group error retrying cannot fix): the member stopped. */
  onError?: (error: Error) => void;
  /** Static membership (KIP-345). */
  groupInstanceId?: string;
  /** Default 10000. */
  sessionTimeoutMs?: number;
  /** How long the coordinator waits for every member to rejoin. Default 60000. */
  rebalanceTimeoutMs?: number;
  /** Default 3000 (at most a third of `sessionTimeoutMs`). */
  heartbeatIntervalMs?: number;
  /** Default 100. */
  retryBackoffMs?: number;
}

const KNOWN = [
  'groupId',
  'protocolType',
  'protocols',
  'assign',
  'onAssigned',
  'onRevoked',
  'onError',
  'groupInstanceId',
  'sessionTimeoutMs',
  'rebalanceTimeoutMs',
  'heartbeatIntervalMs',
  'retryBackoffMs',
];

/** What `new GroupMember()` needs of the client: `new Kafka({...})` serves. */
export interface GroupMemberClient {
  createCluster(options?: { allowAutoTopicCreation?: boolean; namespace?: string }): ConsumerCluster;
}

const toBuffer = (value: Buffer | string): Buffer =>
  typeof value === 'string' ? Buffer.from(value, 'utf8') : value;

function positiveInt(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new ConfigurationError(option, `expected a positive integer (milliseconds), got ${String(value)}`);
  }
  return value;
}

export class GroupMember {
  private readonly cluster: ConsumerCluster;
  private readonly membership: ClassicGroupMembership;
  private readonly heartbeater: Heartbeater;
  private readonly logger: Logger;
  private readonly retryBackoffMs: number;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private abort = new AbortController();
  private rejoinNeeded = true;
  private lost: number | null = null;
  private fatal: Error | null = null;
  private assigned = false;
  private readonly wakeup = new Wakeup();
  private started: { resolve: () => void; reject: (error: Error) => void; settled: boolean } | null = null;

  constructor(
    client: GroupMemberClient,
    private readonly config: GroupMemberConfig,
  ) {
    if (config === null || typeof config !== 'object') {
      throw new ConfigurationError(
        'config',
        'new GroupMember() needs { groupId, protocolType, protocols, ... }',
      );
    }
    rejectUnknown('new GroupMember()', config, KNOWN);
    for (const name of ['groupId', 'protocolType'] as const) {
      if (typeof config[name] !== 'string' || config[name] === '')
        throw new ConfigurationError(name, 'is required: a non-empty string');
    }
    for (const name of ['protocols', 'assign', 'onAssigned'] as const) {
      if (typeof config[name] !== 'function') throw new ConfigurationError(name, 'is required: a function');
    }
    const sessionTimeoutMs = positiveInt('sessionTimeoutMs', config.sessionTimeoutMs, 10_000);
    const heartbeatIntervalMs = positiveInt(
      'heartbeatIntervalMs',
      config.heartbeatIntervalMs,
      Math.min(3000, Math.max(1, Math.floor(sessionTimeoutMs / 3))),
    );
    if (heartbeatIntervalMs >= sessionTimeoutMs) {
      throw new ConfigurationError(
        'heartbeatIntervalMs',
        `must be below sessionTimeoutMs (${sessionTimeoutMs}); a third of it is usual`,
      );
    }
    this.retryBackoffMs = positiveInt('retryBackoffMs', config.retryBackoffMs, 100);
    this.cluster = client.createCluster({ allowAutoTopicCreation: false, namespace: 'group' });
    this.logger = this.cluster.config.logger;
    this.membership = new ClassicGroupMembership(this.cluster, {
      groupId: config.groupId,
      protocolType: config.protocolType,
      groupInstanceId: config.groupInstanceId ?? null,
      sessionTimeoutMs,
      rebalanceTimeoutMs: positiveInt('rebalanceTimeoutMs', config.rebalanceTimeoutMs, 60_000),
      retryBackoffMs: this.retryBackoffMs,
      requestTimeoutMs: this.cluster.config.requestTimeoutMs,
      logger: this.logger,
    });
    this.heartbeater = new Heartbeater(
      this.membership,
      heartbeatIntervalMs,
      this.retryBackoffMs,
      this.logger,
      (event) => this.onHeartbeat(event),
    );
  }

  get groupId(): string {
    return this.config.groupId;
  }

  /** This member's id ('' while not in the group). */
  get memberId(): string {
    return this.membership.memberId;
  }

  /** The current generation (-1 while not in the group). */
  get generationId(): number {
    return this.membership.generationId;
  }

  /** Whether this member holds a generation right now. */
  get inGroup(): boolean {
    return this.membership.inGroup && !this.rejoinNeeded;
  }

  /**
   * Connects, joins the group and keeps the membership until `stop()`. Resolves after the first
   * completed join (once `onAssigned` returned); rejects on a fatal error, or when `signal` aborts.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.running) throw new GroupJoinError(`The member of group ${this.groupId} is already started`);
    try {
      await this.cluster.connect();
    } catch (err) {
      await this.cluster.disconnect();
      throw err;
    }
    this.running = true;
    this.abort = new AbortController();
    this.rejoinNeeded = true;
    this.lost = null;
    this.fatal = null;
    const started = new Promise<void>((resolve, reject) => {
      this.started = { resolve, reject, settled: false };
    });
    this.loop = this.control();
    const signal = options.signal;
    if (!signal) return started;
    if (signal.aborted) {
      await this.stop();
      throw new RequestAbortedError('Joining the group', signal.reason);
    }
    const onAbort = () => {
      this.settleStarted(new RequestAbortedError('Joining the group', signal.reason));
      void this.stop();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return started.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** Asks for a rebalance (e.g. what this member advertises changed). */
  rejoin(): void {
    this.rejoinNeeded = true;
    this.wakeup.wake();
  }

  /** Leaves the group (the others rebalance at once) and closes the connections. */
  async stop(): Promise<void> {
    if (!this.running) {
      await this.loop;
      return;
    }
    this.running = false;
    this.abort.abort();
    this.wakeup.wake();
    await this.loop;
    await this.heartbeater.stop();
    await this.revoke('stop');
    await this.membership.leave('the member is stopping');
    this.settleStarted(new RequestAbortedError('Joining the group', 'the member was stopped'));
    await this.cluster.disconnect();
  }

  private settleStarted(error?: Error): void {
    const started = this.started;
    if (!started || started.settled) return;
    started.settled = true;
    if (error) started.reject(error);
    else started.resolve();
  }

  private onHeartbeat(event: HeartbeatEvent): void {
    switch (event.type) {
      case 'rebalance':
        if (!this.rejoinNeeded)
          this.logger.info('group is rebalancing; rejoining', { groupId: this.groupId });
        this.rejoin();
        return;
      case 'lost':
        this.lost = event.errorCode;
        this.wakeup.wake();
        return;
      case 'fatal':
        this.fatal = event.error;
        this.wakeup.wake();
        return;
      case 'heartbeat':
        return;
    }
  }

  private async revoke(reason: GroupRevokeReason): Promise<void> {
    if (!this.assigned) return;
    this.assigned = false;
    await this.callback('onRevoked', () => this.config.onRevoked?.(reason));
  }

  private async callback(name: string, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.logger.error(`${name} callback threw`, { groupId: this.groupId, error: (err as Error)?.message });
    }
  }

  /** Owns the membership: join, rejoin on rebalances and lost generations, stop on fatal errors. */
  private async control(): Promise<void> {
    let retryDelay = 0;
    while (this.running) {
      try {
        if (this.fatal) throw this.fatal;
        if (this.lost !== null) {
          const code = this.lost;
          this.lost = null;
          await this.heartbeater.stop();
          this.membership.reset(code !== ErrorCode.ILLEGAL_GENERATION);
          this.logger.warn('group membership lost; rejoining', { groupId: this.groupId, errorCode: code });
          await this.revoke('lost');
          this.rejoinNeeded = true;
          continue;
        }
        if (this.rejoinNeeded || !this.membership.inGroup) {
          await this.revoke('rebalance');
          await this.heartbeater.stop();
          this.rejoinNeeded = false;
          const joined = await this.membership.joinGroup(
            {
              protocols: () =>
                this.config.protocols().map((p) => ({ name: p.name, metadata: toBuffer(p.metadata) })),
              assign: async (protocolName, members, generationId) => {
                const result = await this.config.assign({ protocolName, members, generationId });
                const entries = result instanceof Map ? [...result] : Object.entries(result);
                return new Map(entries.map(([memberId, value]) => [memberId, toBuffer(value)]));
              },
            },
            this.abort.signal,
          );
          if (!this.running) break;
          this.heartbeater.start();
          this.assigned = true;
          retryDelay = 0;
          await this.callback('onAssigned', () => this.config.onAssigned(joined));
          this.settleStarted();
          continue;
        }
        await this.wakeup.sleep();
      } catch (err) {
        if (!this.running || (err instanceof RequestAbortedError && this.abort.signal.aborted)) break;
        if (err instanceof GroupJoinError || err instanceof FencedInstanceIdError || err === this.fatal) {
          this.crash(err as Error);
          break;
        }
        // Anything else (brokers away, coordinator moving) is retried: the group outlives outages.
        this.rejoinNeeded = true;
        retryDelay = Math.min(5000, Math.max(this.retryBackoffMs, retryDelay * 2));
        this.logger.warn('group membership failed, retrying', {
          groupId: this.groupId,
          error: (err as Error).message,
          retryInMs: retryDelay,
        });
        try {
          await sleep(retryDelay, this.abort.signal);
        } catch {
          break;
        }
      }
    }
  }

  private crash(error: Error): void {
    this.logger.error('group member stopped on a fatal error', {
      groupId: this.groupId,
      error: error.message,
    });
    this.settleStarted(error);
    try {
      this.config.onError?.(error);
    } catch {
      // The member is stopping either way.
    }
    void this.stop();
  }
}
