/**
 * The producer's sticky partitioner for unkeyed records (KIP-480): records stay on one partition
 * until its batch is closed (full, or taken for sending), then move to a partition with a leader
 * and the least data waiting (the idea of KIP-794's adaptive partitioning), so a partition stuck
 * behind a slow broker gets less. Closing at the batch rather than every `batchSize` bytes (KIP-794)
 * lets a backlogged partition build one large batch, which measured faster here.
 *
 * The accumulator tells it when the sticky partition's batch closes (`batchClosed`); a record that
 * does not fit the sticky batch moves on at once (Java's abortOnNewBatch, see accumulator.ts).
 */
import type { MetadataCache } from '../cluster/metadata.js';
import { partitionsWithLeader } from './partitions-with-leader.js';

export class StickyPartitioner {
  /** The sticky partition, -1 before the first record. */
  private current = -1;
  /** Its batch was closed: the next record picks a new partition. */
  private moveOn = false;

  constructor(
    private readonly topic: string,
    private readonly metadata: Pick<MetadataCache, 'topic'>,
    /** Bytes waiting for a partition, in flight included. */
    private readonly queuedBytes: (partition: number) => number,
  ) {}

  /** The partition for the next unkeyed record of a topic with `count` partitions. */
  partition(count: number): number {
    if (this.current < 0 || this.current >= count || this.moveOn) {
      this.current = this.pick(count);
      this.moveOn = false;
    }
    return this.current;
  }

  /** A batch of `partition` was closed: if it is the sticky one, the next record moves on. */
  batchClosed(partition: number): void {
    if (partition === this.current) this.moveOn = true;
  }

  private pick(count: number): number {
    const available = partitionsWithLeader(this.metadata, this.topic, count);
    const pool = available.length > 0 ? available : Array.from({ length: count }, (_, i) => i);
    if (pool.length === 1) return pool[0];
    // Least queued bytes first; random among ties; not the previous one.
    let best: number[] = [];
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const p of pool) {
      if (p === this.current) continue;
      const load = this.queuedBytes(p);
      if (load < bestLoad) {
        bestLoad = load;
        best = [p];
      } else if (load === bestLoad) best.push(p);
    }
    return best[Math.floor(Math.random() * best.length)];
  }
}
