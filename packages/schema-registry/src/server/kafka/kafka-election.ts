/**
 * Leader election through a Kafka group, as Confluent's KafkaGroupLeaderElector does it: every instance joins the
 * group (`schema-registry` by default) with protocol type "sr", advertising its URL and whether it may lead; the
 * group leader picks the leader-eligible member with the smallest URL and tells everyone. Whenever the group
 * rebalances (an instance starts, stops or stops heartbeating), the leader is forgotten until the new result
 * arrives, so two instances never both believe they lead within one generation.
 */
import { type GroupJoinResult, GroupMember, type Kafka, RequestAbortedError } from '@samsa/core-client';
import { RegistryStoreError } from '../../errors.js';
import type { LeaderElection } from '../store.js';
import {
  DUPLICATE_URLS,
  decodeElection,
  decodeIdentity,
  electLeader,
  encodeElection,
  encodeIdentity,
  identityFromUrl,
  identityUrl,
  type RegistryIdentity,
  SR_PROTOCOL_TYPE,
  SR_SUBPROTOCOL,
} from './sr-protocol.js';

export interface KafkaLeaderElectionOptions {
  kafka: Kafka;
  /** Default `schema-registry` (Confluent's `schema.registry.group.id`). Instances of one registry share it. */
  groupId?: string;
  /** The URL other instances forward writes to. Default: the URL the server listens on. */
  advertisedUrl?: string;
  /** Whether this instance may become the leader (Confluent's `leader.eligibility`). Default true. */
  leaderEligibility?: boolean;
  /** How long start() waits for the first election. Default 60000. */
  initTimeoutMs?: number;
  /** Confluent's defaults: 10000, 3000 and 300000. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Leader {
  memberId: string;
  url: string;
}

export class KafkaLeaderElection implements LeaderElection {
  readonly groupId: string;
  private readonly log: (line: string) => void;
  private member: GroupMember | null = null;
  private identity: RegistryIdentity | null = null;
  private leader: Leader | undefined;
  /** The leader last logged, so a rebalance that keeps the leader stays quiet. */
  private announced: string | undefined;
  /** The last election result's error (DUPLICATE_URLS), for start() to report. */
  private electionError: string | null = null;
  /** Writes waiting for a leader (other than a given URL): woken whenever the election result changes. */
  private leaderWaiters = new Set<() => void>();

  constructor(private readonly options: KafkaLeaderElectionOptions) {
    this.groupId = options.groupId ?? 'schema-registry';
    this.log = options.log ?? (() => {});
  }

  /** The URL this instance advertises (known once started). */
  get advertisedUrl(): string | undefined {
    return this.identity ? identityUrl(this.identity) : undefined;
  }

  async start(selfUrl: string): Promise<void> {
    const identity = identityFromUrl(
      this.options.advertisedUrl ?? selfUrl,
      this.options.leaderEligibility ?? true,
    );
    this.identity = identity;
    const member = new GroupMember(this.options.kafka, {
      groupId: this.groupId,
      protocolType: SR_PROTOCOL_TYPE,
      protocols: () => [{ name: SR_SUBPROTOCOL, metadata: encodeIdentity(identity) }],
      assign: ({ members }) => {
        const result = encodeElection(
          electLeader(members.map((m) => ({ memberId: m.memberId, identity: decodeIdentity(m.metadata) }))),
        );
        // Every member gets the same result: who leads.
        return new Map(members.map((m) => [m.memberId, result]));
      },
      onAssigned: (joined) => this.onElected(joined),
      onRevoked: () => {
        // A rebalance started: nobody leads until the new result arrives (Confluent's onRevoked).
        this.leader = undefined;
        this.wakeWaiters();
      },
      onError: (error) =>
        this.log(`error: leader election in group ${this.groupId} stopped: ${error.message}`),
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 3000,
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs ?? 300_000,
    });
    this.member = member;
    const initTimeoutMs = this.options.initTimeoutMs ?? 60_000;
    try {
      await member.start({ signal: AbortSignal.timeout(initTimeoutMs) });
    } catch (error) {
      await this.close();
      if (error instanceof RequestAbortedError) {
        throw new RegistryStoreError(
          `Timed out after ${initTimeoutMs} ms joining the leader election group ${this.groupId}: check that the ` +
            'brokers are reachable and that this client may join the group',
          { cause: error },
        );
      }
      throw new RegistryStoreError(
        `Joining the leader election group ${this.groupId} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (this.electionError) {
      const message = this.electionError;
      await this.close();
      throw new RegistryStoreError(message);
    }
  }

  private onElected(joined: GroupJoinResult): void {
    let result: ReturnType<typeof decodeElection>;
    try {
      result = decodeElection(joined.assignment);
    } catch (error) {
      this.leader = undefined;
      this.log(`error: leader election in group ${this.groupId}: ${(error as Error).message}`);
      return;
    }
    if (result.error === DUPLICATE_URLS) {
      this.leader = undefined;
      this.electionError =
        `Several schema registry instances in group ${this.groupId} advertise the same URL ` +
        `(${this.advertisedUrl}), so no leader can be elected and writes cannot be forwarded. Give each instance ` +
        'a URL the others can reach: --advertised-url or --host-name.';
      this.log(`error: ${this.electionError}`);
      return;
    }
    this.electionError = null;
    this.leader =
      result.leaderMemberId !== null && result.leader !== null
        ? { memberId: result.leaderMemberId, url: identityUrl(result.leader) }
        : undefined;
    if (!this.leader) {
      this.log(
        `warning: no leader-eligible schema registry instance is in group ${this.groupId}: reads are served, ` +
          'writes fail (50004) until an eligible instance joins',
      );
    } else if (this.announced !== `${this.leader.memberId} ${this.leader.url}`) {
      this.announced = `${this.leader.memberId} ${this.leader.url}`;
      this.log(
        this.isLeader()
          ? `This instance (${this.advertisedUrl}) is the leader of group ${this.groupId} (generation ${joined.generationId})`
          : `Leader of group ${this.groupId}: ${this.leader.url} (generation ${joined.generationId})`,
      );
    }
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    for (const wake of [...this.leaderWaiters]) wake();
  }

  isLeader(): boolean {
    const member = this.member;
    return member !== null && this.leader !== undefined && this.leader.memberId === member.memberId;
  }

  leaderUrl(): string | undefined {
    return this.leader?.url;
  }

  waitForLeader(timeoutMs: number, other?: string): Promise<void> {
    const settled = () => !this.member || (this.leader !== undefined && this.leader.url !== other);
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.leaderWaiters.delete(check);
        resolve();
      };
      const check = () => {
        if (settled()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.leaderWaiters.add(check);
    });
  }

  /**
   * This instance found out it is not the leader any more though the last result said so (its writes were fenced:
   * another instance took the writer role over). It forgets the leader, so writes wait for the next result, and
   * asks the group for a new election, which tells it who leads now.
   */
  stepDown(reason: string): void {
    if (!this.member) return;
    this.log(`Stepping down as the leader of group ${this.groupId} and asking for a new election: ${reason}`);
    this.leader = undefined;
    this.announced = undefined;
    this.wakeWaiters();
    this.member.rejoin();
  }

  /** Leaves the group, so the others elect a new leader at once. */
  async close(): Promise<void> {
    const member = this.member;
    this.member = null;
    this.leader = undefined;
    this.wakeWaiters();
    await member?.stop();
  }
}
