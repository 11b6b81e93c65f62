import { ApiKey, type ListOffsetsRequest } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import type { AutoOffsetReset } from '../../src/consumer/config.js';
import { NoOffsetForPartitionError } from '../../src/consumer/errors.js';
import { PartitionState } from '../../src/consumer/partition-state.js';
import { StartPositions } from '../../src/consumer/start-positions.js';
import { Subscription } from '../../src/consumer/subscription.js';
import { nullLogger } from '../../src/logger.js';
import { FakeCluster } from '../helpers/fake-cluster.js';
import { fakeMembership } from '../helpers/fake-membership.js';

/** Committed offsets the fake coordinator reports for topic t, by partition (missing: none). */
function setup(committed: Record<number, bigint>, autoOffsetReset: AutoOffsetReset = 'latest') {
  const cluster = new FakeCluster({ t: 3, u: 1 }).on(
    ApiKey.OffsetFetch,
    (req) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: (t.partitionIndexes ?? []).map((n) => ({
          partitionIndex: n,
          committedOffset: committed[n] ?? -1n,
          committedLeaderEpoch: -1,
          metadata: null,
          errorCode: 0,
        })),
      })),
    }),
    7,
  );
  const subscription = new Subscription(cluster, autoOffsetReset, nullLogger);
  const failures: string[] = [];
  const positions = new StartPositions(
    cluster,
    fakeMembership(cluster),
    subscription,
    { isolationLevel: 'read_uncommitted', defaultApiTimeoutMs: 5000, retryBackoffMs: 1 },
    nullLogger,
    (err, p) => failures.push(`${p.partition}: ${err.message}`),
  );
  let recounts = 0;
  const lookup = { signal: new AbortController().signal, fetcher: { recount: () => recounts++ } };
  return { cluster, subscription, positions, lookup, failures, recounts: () => recounts };
}

describe('StartPositions.initialize', () => {
  it('starts at the committed offset, else asks for the reset the subscription names', async () => {
    const { subscription, positions, lookup, recounts } = setup({ 0: 42n });
    subscription.subscribe({ topics: ['t'], fromBeginning: true });
    const [p0, p1] = [new PartitionState('t', 0), new PartitionState('t', 1)];
    expect(await positions.initialize(lookup, [p0, p1])).toBe(true);
    expect([p0.position, p0.committed, p0.finished, p0.resetStrategy]).toEqual([42n, 42n, 42n, null]);
    expect([p1.position, p1.resetStrategy]).toEqual([null, 'earliest']);
    expect(recounts()).toBe(1);
  });

  it('asks nothing for partitions that have a position, wait for a reset or are revoked', async () => {
    const { cluster, positions, lookup } = setup({});
    const seeked = new PartitionState('t', 0);
    seeked.seek(3n);
    const resetting = new PartitionState('t', 1);
    resetting.requestReset('latest');
    const revoked = new PartitionState('t', 2);
    revoked.revoked = true;
    expect(await positions.initialize(lookup, [seeked, resetting, revoked])).toBe(false);
    expect(cluster.sent).toEqual([]);
  });

  it('an assign() consumer reads no group offsets; with autoOffsetReset none it cannot start', async () => {
    const { cluster, subscription, positions, lookup } = setup({ 0: 42n }, 'none');
    subscription.assign([{ topic: 't', partitions: [0] }]);
    const err = await positions.initialize(lookup, [new PartitionState('t', 0)]).catch((e) => e);
    expect(err).toBeInstanceOf(NoOffsetForPartitionError);
    expect(err.message).toContain('no seek() before run()');
    expect(cluster.requests(ApiKey.OffsetFetch)).toEqual([]);
  });
});

describe('StartPositions.resolveResets', () => {
  it('seeks partitions to the offsets ListOffsets reports, and retries those without a leader', async () => {
    const { cluster, positions, lookup, failures } = setup({});
    await cluster.metadata.refresh(['t']);
    cluster.on(
      ApiKey.ListOffsets,
      (req: ListOffsetsRequest) => ({
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: 0,
            timestamp: -1n,
            offset: p.timestamp === -2n ? 5n : 77n,
            leaderEpoch: 0,
          })),
        })),
      }),
      5,
    );
    const earliest = new PartitionState('t', 0);
    earliest.requestReset('earliest');
    const latest = new PartitionState('t', 1);
    latest.requestReset('latest');
    const untouched = new PartitionState('t', 2);
    untouched.seek(9n);
    expect(await positions.resolveResets(lookup, [earliest, latest, untouched])).toBe(false);
    expect([earliest.position, earliest.finished]).toEqual([5n, 5n]);
    expect([latest.position, latest.finished]).toEqual([77n, 77n]);
    expect(untouched.position).toBe(9n);
    expect(failures).toEqual([]);

    // Topic u is not in the metadata yet (no leader known): try again later.
    const orphan = new PartitionState('u', 0);
    orphan.requestReset('earliest');
    expect(await positions.resolveResets(lookup, [orphan])).toBe(true);
    expect(orphan.position).toBeNull();
  });
});
