import { describe, expect, it } from 'vitest';
import { CooperativeStickyAssignor } from '../../src/assignors/cooperative-sticky.js';
import { rebalanceProtocolOf } from '../../src/assignors/index.js';
import { RangeAssignor } from '../../src/assignors/range.js';
import { KafkaJSRoundRobinAssignor } from '../../src/assignors/round-robin.js';
import { resolveConsumerConfig } from '../../src/consumer/config.js';
import { ConfigurationError } from '../../src/errors.js';

describe('consumer options', () => {
  it("takes Java's defaults", () => {
    const c = resolveConsumerConfig({ groupId: 'g' });
    expect(c).toMatchObject({
      groupId: 'g',
      groupInstanceId: null,
      sessionTimeoutMs: 45_000,
      heartbeatIntervalMs: 3000,
      maxPollIntervalMs: 300_000,
      rebalanceTimeoutMs: 300_000,
      autoOffsetReset: 'latest',
      enableAutoCommit: true,
      autoCommitIntervalMs: 5000,
      fetchMinBytes: 1,
      fetchMaxBytes: 52_428_800,
      maxPartitionFetchBytes: 1_048_576,
      fetchMaxWaitMs: 500,
      isolationLevel: 'read_uncommitted',
      clientRack: null,
      allowAutoTopicCreation: true,
      defaultApiTimeoutMs: 60_000,
    });
    expect(c.assignors.map((a) => a.name)).toEqual(['range', 'cooperative-sticky']);
    // Java's default assignor list stays eager until range is removed (the upgrade path).
    expect(rebalanceProtocolOf(c.assignors)).toBe('eager');
  });

  it("kafkajsCompatible takes KafkaJS's assignor and defaults, and explicit options still win", () => {
    const c = resolveConsumerConfig({ groupId: 'g', kafkajsCompatible: true });
    expect(c).toMatchObject({
      kafkajsCompatible: true,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3000,
      rebalanceTimeoutMs: 60_000,
      isolationLevel: 'read_committed',
      fetchMaxWaitMs: 5000,
      fetchMaxBytes: 10_485_760,
      maxPartitionFetchBytes: 1_048_576,
    });
    expect(c.assignors.map((a) => a.name)).toEqual(['RoundRobinAssigner']);
    const own = resolveConsumerConfig({
      groupId: 'g',
      kafkajsCompatible: true,
      readUncommitted: true,
      sessionTimeout: 12_000,
      partitionAssigners: ['RoundRobinAssigner', 'roundrobin'],
    });
    expect(own).toMatchObject({ isolationLevel: 'read_uncommitted', sessionTimeoutMs: 12_000 });
    expect(own.assignors.map((a) => a.name)).toEqual(['RoundRobinAssigner', 'roundrobin']);
    expect(() =>
      resolveConsumerConfig({ groupId: 'g', kafkajsCompatible: true, groupProtocol: 'consumer' }),
    ).toThrow(/KafkaJS consumers speak only the classic group protocol/);
    expect(() => resolveConsumerConfig({ groupId: 'g', kafkajsCompatible: 'yes' as never })).toThrow(
      ConfigurationError,
    );
  });

  it("accepts KafkaJS's option names", () => {
    const c = resolveConsumerConfig({
      groupId: 'g',
      sessionTimeout: 30_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 60_000,
      maxBytesPerPartition: 2048,
      minBytes: 10,
      maxBytes: 4096,
      maxWaitTimeInMs: 100,
      readUncommitted: false,
      rackId: 'r1',
      partitionAssigners: ['RoundRobinAssigner'],
      metadataMaxAge: 1000,
      maxInFlightRequests: 5,
    });
    expect(c).toMatchObject({
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 1000,
      rebalanceTimeoutMs: 60_000,
      maxPartitionFetchBytes: 2048,
      fetchMinBytes: 10,
      fetchMaxBytes: 4096,
      fetchMaxWaitMs: 100,
      isolationLevel: 'read_committed',
      clientRack: 'r1',
    });
    expect(c.assignors[0]).toBeInstanceOf(KafkaJSRoundRobinAssignor);
  });

  it("takes groupProtocol 'consumer' with a server assignor; 'classic' is the default", () => {
    expect(resolveConsumerConfig({ groupId: 'g' })).toMatchObject({
      groupProtocol: 'classic',
      groupRemoteAssignor: null,
    });
    expect(
      resolveConsumerConfig({ groupId: 'g', groupProtocol: 'consumer', groupRemoteAssignor: 'range' }),
    ).toMatchObject({ groupProtocol: 'consumer', groupRemoteAssignor: 'range' });
  });

  it('takes assignor objects, and runs cooperative only when every assignor supports it', () => {
    const custom = { name: 'mine', supportedProtocols: ['eager'] as const, assign: () => new Map() };
    const c = resolveConsumerConfig({ groupId: 'g', partitionAssignors: [custom, 'roundrobin'] });
    expect(c.assignors.map((a) => a.name)).toEqual(['mine', 'roundrobin']);
    expect(rebalanceProtocolOf([new CooperativeStickyAssignor()])).toBe('cooperative');
    expect(rebalanceProtocolOf([new CooperativeStickyAssignor(), new RangeAssignor()])).toBe('eager');
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['groupId', {}, /groupId: is required/],
    ['groupId', { groupId: 5 }, /groupId: expected a string/],
    ['sessionTimeoutMs', { sessionTimeoutMs: 0 }, /sessionTimeoutMs: 0 is out of range/],
    ['sessionTimeoutMs', { sessionTimeout: 'x' }, /sessionTimeoutMs: expected an integer/],
    [
      'heartbeatIntervalMs',
      { sessionTimeoutMs: 3000, heartbeatIntervalMs: 3000 },
      /lower than sessionTimeoutMs/,
    ],
    [
      'autoOffsetReset',
      { autoOffsetReset: 'smallest' },
      /"smallest" is not one of "earliest", "latest", "none"/,
    ],
    ['isolationLevel', { isolationLevel: 'committed' }, /isolationLevel/],
    ['isolationLevel', { isolationLevel: 'read_uncommitted', readUncommitted: false }, /disagree/],
    ['partitionAssignors', { partitionAssignors: [] }, /non-empty array/],
    [
      'partitionAssignors',
      { partitionAssignors: ['sticky'] },
      /unknown assignor "sticky"; known: range, roundrobin/,
    ],
    [
      'partitionAssigners',
      { partitionAssigners: [() => ({})] },
      /KafkaJS assigner factories are not supported/,
    ],
    ['partitionAssignors', { partitionAssignors: ['range', 'range'] }, /listed twice/],
    ['sessionTimeoutMs', { sessionTimeoutMs: 1000, sessionTimeout: 2000 }, /keep one/],
    ['groupProtocol', { groupProtocol: 'next' }, /"next" is not one of "classic", "consumer"/],
    ['groupRemoteAssignor', { groupRemoteAssignor: 'uniform' }, /set groupProtocol: 'consumer'/],
    ['groupRemoteAssignor', { groupProtocol: 'consumer', groupRemoteAssignor: '' }, /must not be empty/],
    ['fetchMaxWaitMs', { maxWaitTimeInMs: -1 }, /fetchMaxWaitMs/],
    ['keyDeserializer', { keyDeserializer: 'utf8' }, /keyDeserializer: expected a function/],
    [
      'sessiontimeout',
      { sessiontimeout: 1 },
      /unknown option 'sessiontimeout' \(did you mean 'sessionTimeoutMs'\?\)/,
    ],
  ];
  for (const [option, extra, message] of bad) {
    it(`rejects a bad ${option} (${JSON.stringify(extra)}) naming it`, () => {
      let error: unknown;
      try {
        resolveConsumerConfig({ groupId: 'g', ...extra } as never);
      } catch (err) {
        error = err;
      }
      if (!('groupId' in extra) && option === 'groupId') {
        try {
          resolveConsumerConfig({} as never);
        } catch (err) {
          error = err;
        }
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe(option);
      expect((error as Error).message).toMatch(message);
    });
  }
});
