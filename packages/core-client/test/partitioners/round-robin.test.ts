import { describe, expect, it } from 'vitest';
import type { TopicMetadata } from '../../src/cluster/metadata.js';
import { RoundRobinPartitioner } from '../../src/partitioners/round-robin.js';

/** Metadata for topic `t` whose partitions have the given leaders (-1: none). */
const metadata = (leaders: number[]) => ({
  topic: () =>
    ({ partitions: leaders.map((leader, partition) => ({ partition, leader })) }) as unknown as TopicMetadata,
});

describe('RoundRobinPartitioner', () => {
  it('takes partitions with a leader in turn', () => {
    const rr = new RoundRobinPartitioner('t', metadata([1, -1, 1, 1]));
    const seen = Array.from({ length: 6 }, () => rr.partition(4));
    expect(new Set(seen)).toEqual(new Set([0, 2, 3]));
    for (let i = 3; i < 6; i++) expect(seen[i]).toBe(seen[i - 3]);
  });

  it('uses every partition when none has a leader', () => {
    const rr = new RoundRobinPartitioner('t', metadata([-1, -1]));
    expect(new Set([rr.partition(2), rr.partition(2)])).toEqual(new Set([0, 1]));
  });
});
