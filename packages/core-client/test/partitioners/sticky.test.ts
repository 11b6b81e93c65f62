import { describe, expect, it } from 'vitest';
import type { TopicMetadata } from '../../src/cluster/metadata.js';
import { StickyPartitioner } from '../../src/partitioners/sticky.js';

/** Metadata for topic `t` whose partitions have the given leaders (-1: none). */
function metadata(leaders: number[]) {
  const topic = {
    name: 't',
    partitions: leaders.map((leader, partition) => ({ partition, leader })),
  } as unknown as TopicMetadata;
  return { topic: (name: string) => (name === 't' ? topic : undefined) };
}

describe('StickyPartitioner', () => {
  it('stays on one partition until its batch closes, then moves to another', () => {
    const sticky = new StickyPartitioner('t', metadata([1, 1, 1, 1]), () => 0);
    const first = sticky.partition(4);
    for (let i = 0; i < 10; i++) expect(sticky.partition(4)).toBe(first);
    sticky.batchClosed((first + 1) % 4); // another partition's batch: no move
    expect(sticky.partition(4)).toBe(first);
    sticky.batchClosed(first);
    const second = sticky.partition(4);
    expect(second).not.toBe(first);
    expect(sticky.partition(4)).toBe(second);
  });

  it('moves to the partition with the least data waiting', () => {
    const load = [500, 300, 0, 300];
    const sticky = new StickyPartitioner('t', metadata([1, 1, 1, 1]), (p) => load[p]);
    expect(sticky.partition(4)).toBe(2);
    sticky.batchClosed(2);
    load[2] = 1000;
    // 1 and 3 tie at 300: either, never 2 again.
    for (let i = 0; i < 20; i++) {
      const p = sticky.partition(4);
      expect([1, 3]).toContain(p);
      sticky.batchClosed(p);
      load[p] = 300;
    }
  });

  it('only picks partitions with a leader while there are some', () => {
    const sticky = new StickyPartitioner('t', metadata([-1, 1, -1]), () => 0);
    for (let i = 0; i < 10; i++) {
      expect(sticky.partition(3)).toBe(1);
      sticky.batchClosed(1);
    }
    const leaderless = new StickyPartitioner('t', metadata([-1, -1]), () => 0);
    expect([0, 1]).toContain(leaderless.partition(2));
  });

  it('picks again when the partition count shrank below the sticky partition', () => {
    const load = [1, 1, 1, 0];
    const sticky = new StickyPartitioner('t', metadata([1, 1, 1, 1]), (p) => load[p]);
    expect(sticky.partition(4)).toBe(3);
    expect(sticky.partition(3)).toBeLessThan(3);
  });
});
