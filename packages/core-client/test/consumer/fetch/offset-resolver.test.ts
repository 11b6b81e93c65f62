import { ApiKey, type ListOffsetsRequest } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { resolveOffsets } from '../../../src/consumer/fetch/offset-resolver.js';
import { PartitionState } from '../../../src/consumer/partition-state.js';
import { nullLogger } from '../../../src/logger.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

describe('resolveOffsets', () => {
  it('seeks each of many partitions to its own offset, whatever order the answer lists them in', async () => {
    const count = 2000;
    const cluster = new FakeCluster({ a: count, b: 3 });
    await cluster.metadata.refresh(['a', 'b']);
    cluster.on(
      ApiKey.ListOffsets,
      (req: ListOffsetsRequest) => ({
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: [...t.partitions].reverse().map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: 0,
            timestamp: -1n,
            offset: BigInt((t.name === 'a' ? 1000 : 5000) + p.partitionIndex),
            leaderEpoch: 0,
          })),
        })),
      }),
      5,
    );
    const partitions = [
      ...Array.from({ length: count }, (_, i) => new PartitionState('a', i)),
      ...Array.from({ length: 3 }, (_, i) => new PartitionState('b', i)),
    ];
    for (const p of partitions) p.requestReset('earliest');
    const result = await resolveOffsets(cluster, partitions, 'read_uncommitted', nullLogger);
    expect(result).toEqual({ retry: [], errors: [] });
    expect(cluster.requests(ApiKey.ListOffsets)).toHaveLength(1);
    for (const p of partitions) {
      expect(p.position).toBe(BigInt((p.topic === 'a' ? 1000 : 5000) + p.partition));
    }
  });
});
