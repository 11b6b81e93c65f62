import type { MetadataCache } from '../cluster/metadata.js';
import { partitionsWithLeader } from './partitions-with-leader.js';

/** The producer's round-robin partitioner: every record, keyed or not, to the next partition with a leader. */
export class RoundRobinPartitioner {
  private next = Math.floor(Math.random() * 1e6);

  constructor(
    private readonly topic: string,
    private readonly metadata: Pick<MetadataCache, 'topic'>,
  ) {}

  partition(count: number): number {
    const available = partitionsWithLeader(this.metadata, this.topic, count);
    if (available.length === 0) return this.next++ % count;
    return available[this.next++ % available.length];
  }
}
