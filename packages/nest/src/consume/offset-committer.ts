import type { LoggerService } from '@nestjs/common';
import type { ConsumerLike } from '../client/kafka-like.js';
import type { DeliverySource } from './delivery.js';

/** Where a strategy reports what it finished: the group's position moves past the last finished record. */
export interface OffsetCommits {
  /**
   * The partition's records up to and including `lastOffset` finished. Returns at once: the commit goes
   * out in the background (see `flush`), so the next records never wait for a commit round trip.
   */
  commit(source: Pick<DeliverySource, 'topic' | 'partition'>, lastOffset: string): void;
  /** Resolves once every commit asked for so far went out and was answered (or failed and was logged). */
  flush(): Promise<void>;
}

/** One partition's commits: at most one in flight; what finishes meanwhile goes in the next one. */
interface PartitionCommits {
  topic: string;
  partition: number;
  /** The offset to commit once the one in flight is answered (the latest asked for wins). */
  next: bigint | null;
  sending: boolean;
}

/**
 * Commits what a strategy finished, with the consumer's offset commit, in the background. Each
 * partition has at most one commit in flight; offsets finished meanwhile are merged into the next,
 * so a fast partition costs one commit per round trip, not one per fetched batch, and its handler
 * never waits for one (an awaited commit per batch held a 1,000 records/s stream to the commit
 * round trip; see the README's latency benchmark).
 */
export class OffsetCommitter implements OffsetCommits {
  private readonly partitions = new Map<string, PartitionCommits>();
  private sending = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly handlerId: string,
    private readonly consumer: () => ConsumerLike,
    private readonly logger: LoggerService,
  ) {}

  commit({ topic, partition }: Pick<DeliverySource, 'topic' | 'partition'>, lastOffset: string): void {
    const key = `${topic}\u0000${partition}`;
    let state = this.partitions.get(key);
    if (!state) {
      state = { topic, partition, next: null, sending: false };
      this.partitions.set(key, state);
    }
    // The latest wins, not the highest: after the partition came back in a rebalance, an older
    // position is the true one.
    state.next = BigInt(lastOffset) + 1n;
    this.send(state);
  }

  flush(): Promise<void> {
    if (this.sending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private send(state: PartitionCommits): void {
    if (state.sending || state.next === null) return;
    const offset = state.next;
    state.next = null;
    state.sending = true;
    this.sending++;
    void this.commitNow(state, offset).finally(() => {
      state.sending = false;
      this.sending--;
      this.send(state);
      if (this.sending === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  /** Commits the partition up to `offset` (exclusive); a failed commit is logged, not thrown. */
  private async commitNow(state: PartitionCommits, offset: bigint): Promise<void> {
    const { topic, partition } = state;
    try {
      await this.consumer().commitOffsets([{ topic, partition, offset: offset.toString() }]);
    } catch (error) {
      // A rebalance took the partition; its next owner starts from the last commit (at-least-once).
      this.logger.warn?.(
        `${this.handlerId}: commit of ${topic}[${partition}] up to ${offset - 1n} failed: ${(error as Error).message}`,
      );
    }
  }
}
