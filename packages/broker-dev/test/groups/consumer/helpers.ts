/** Drives the KIP-848 coordinator directly: a topic table, heartbeat params, and simulated members. */

import { BrokerError } from '../../../src/broker-error.js';
import type { TopicIdPartitions } from '../../../src/groups/consumer/assignment.js';
import type { ConsumerGroupStore } from '../../../src/groups/consumer/consumer-group-store.js';
import type { HeartbeatParams, HeartbeatResult } from '../../../src/groups/consumer/membership.js';
import type { ClusterTopics } from '../../../src/groups/consumer/subscribed-topics.js';
import { GroupCoordinator } from '../../../src/groups/coordinator.js';
import { DEFAULT_GROUP_CONFIG, type GroupConfig } from '../../../src/groups/group-config.js';
import { MemoryOffsetStore, type OffsetStore } from '../../../src/groups/offset-store.js';
import { silentLogger } from '../../../src/logger.js';

/** A mutable topic table; ids are the topic names prefixed with "id-". */
export class FakeTopics implements ClusterTopics {
  private readonly partitions = new Map<string, number>();
  private changes = 0;

  constructor(topics: Record<string, number> = {}) {
    for (const [name, n] of Object.entries(topics)) this.partitions.set(name, n);
  }

  set(name: string, partitions: number): void {
    this.partitions.set(name, partitions);
    this.changes++;
  }

  delete(name: string): void {
    this.partitions.delete(name);
    this.changes++;
  }

  version(): number {
    return this.changes;
  }

  topic(name: string) {
    const partitions = this.partitions.get(name);
    return partitions === undefined ? undefined : { topicId: idOf(name), partitions };
  }

  topicName(topicId: string) {
    const name = topicId.slice(3);
    return this.partitions.has(name) ? name : undefined;
  }

  topicNames() {
    return this.partitions.keys();
  }
}

export const idOf = (topic: string) => `id-${topic}`;

export function newCoordinator(
  topics: ClusterTopics,
  config: Partial<GroupConfig> = {},
  stores: { offsets?: OffsetStore; consumerGroups?: ConsumerGroupStore } = {},
): GroupCoordinator {
  return new GroupCoordinator(
    stores.offsets ?? new MemoryOffsetStore(),
    { ...DEFAULT_GROUP_CONFIG, ...config },
    silentLogger,
    { topics, consumerGroupStore: stores.consumerGroups },
  );
}

export function heartbeatParams(overrides: Partial<HeartbeatParams> = {}): HeartbeatParams {
  return {
    apiVersion: 1,
    groupId: 'g',
    memberId: 'm1',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 60_000,
    subscribedTopicNames: ['t'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    ...overrides,
  };
}

/** The error code a heartbeat fails with (NONE when it succeeds). */
export function heartbeatError(
  coordinator: GroupCoordinator,
  p: HeartbeatParams,
): { code: number; message: string } {
  try {
    coordinator.consumerHeartbeat(p);
    return { code: 0, message: '' };
  } catch (err) {
    if (err instanceof BrokerError) return { code: err.errorCode, message: err.message };
    throw err;
  }
}

/** Partitions as "topic:partition" strings, sorted (topic ids mapped back to names). */
export function names(assignment: readonly TopicIdPartitions[] | null | undefined): string[] {
  return (assignment ?? []).flatMap((t) => t.partitions.map((p) => `${t.topicId.slice(3)}:${p}`)).sort();
}

/**
 * A well-behaved member as a client runs it: it owns what the last assignment said, acknowledges
 * by reporting it, and sends every field on every heartbeat (as @platformatic/kafka does).
 */
export class SimulatedMember {
  epoch = 0;
  owned: TopicIdPartitions[] = [];
  fenced = false;

  constructor(
    private readonly coordinator: GroupCoordinator,
    readonly memberId: string,
    /** What every heartbeat sends on top of the defaults; tests change it to resubscribe. */
    readonly options: Partial<HeartbeatParams> = {},
  ) {}

  heartbeat(overrides: Partial<HeartbeatParams> = {}): HeartbeatResult {
    const result = this.coordinator.consumerHeartbeat(
      heartbeatParams({
        memberId: this.memberId,
        memberEpoch: this.epoch,
        topicPartitions: this.epoch === 0 ? [] : this.owned,
        ...this.options,
        ...overrides,
      }),
    );
    this.epoch = result.memberEpoch;
    if (result.assignment) this.owned = result.assignment;
    return result;
  }

  leave(): void {
    this.coordinator.consumerHeartbeat(
      heartbeatParams({ memberId: this.memberId, memberEpoch: -1, ...this.options }),
    );
    this.epoch = -1;
    this.owned = [];
  }

  get partitions(): string[] {
    return names(this.owned);
  }
}

/** Heartbeats every member until nothing changes (bounded); returns the rounds it took. */
export function settle(members: readonly SimulatedMember[], maxRounds = 20): number {
  for (let round = 1; round <= maxRounds; round++) {
    const before = members.map((m) => `${m.epoch}|${m.partitions.join(',')}`);
    for (const m of members) m.heartbeat();
    const after = members.map((m) => `${m.epoch}|${m.partitions.join(',')}`);
    if (before.every((b, i) => b === after[i])) return round;
  }
  throw new Error(`the group did not settle within ${maxRounds} rounds`);
}
