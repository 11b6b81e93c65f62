import type { LoggerService } from '@nestjs/common';
import type { ConsumerLike } from '../client/kafka-like.js';
import type { DeliverySource } from './delivery.js';

/** Where a strategy reports what it finished: the group's position moves past the last finished record. */
export interface OffsetCommits {
  commit(source: DeliverySource, lastOffset: string): Promise<void>;
}

/** Commits what a strategy finished, with the consumer's offset commit. */
export class OffsetCommitter implements OffsetCommits {
  constructor(
    private readonly handlerId: string,
    private readonly consumer: () => ConsumerLike,
    private readonly logger: LoggerService,
  ) {}

  /** Commits the partition up to and including `lastOffset`; a failed commit is logged, not thrown. */
  async commit({ topic, partition }: DeliverySource, lastOffset: string): Promise<void> {
    try {
      await this.consumer().commitOffsets([
        { topic, partition, offset: (BigInt(lastOffset) + 1n).toString() },
      ]);
    } catch (error) {
      // A rebalance took the partition; its next owner starts from the last commit (at-least-once).
      this.logger.warn?.(
        `${this.handlerId}: commit of ${topic}[${partition}] up to ${lastOffset} failed: ${(error as Error).message}`,
      );
    }
  }
}
