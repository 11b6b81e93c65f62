/**
 * Reads offset ranges of a topic's partitions with a consumer that is assigned them (no group: nothing is joined or
 * committed). The message browser asks for ranges round after round (forward from a start, or backward from the
 * end); a partition is paused once its range is read, so finished partitions are not fetched again.
 */

import type { Consumer, Kafka, KafkaMessage } from '@samsa/core-client';
import { assignedConsumer } from './assigned-consumer.js';

export interface OffsetRange {
  partition: number;
  /** First offset to read. */
  from: bigint;
  /** One past the last offset to read. */
  to: bigint;
}

interface Pending {
  to: bigint;
  records: KafkaMessage[];
}

/** How often a read checks positions that moved past offsets without records (transaction markers, compaction). */
const POSITION_CHECK_MS = 100;

export class PartitionReader {
  private readonly consumer: Consumer;
  private readonly pending = new Map<number, Pending>();
  private started: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    partitions: number[],
  ) {
    this.consumer = assignedConsumer(kafka, {
      label: 'reader',
      autoOffsetReset: 'earliest',
      fetchMaxWaitMs: 100,
      topic,
      partitions,
      onFatalError: (error) => {
        this.failure = error;
        this.wake?.();
      },
    });
    this.consumer.pause([{ topic }]);
  }

  /** Reads the ranges; resolves with their records by partition once all are read or `deadline` passes. */
  async read(
    ranges: OffsetRange[],
    deadline: number,
  ): Promise<{ records: Map<number, KafkaMessage[]>; complete: boolean }> {
    const records = new Map<number, KafkaMessage[]>();
    const toResume: number[] = [];
    for (const range of ranges) {
      const list: KafkaMessage[] = [];
      records.set(range.partition, list);
      if (range.from >= range.to) continue;
      this.pending.set(range.partition, { to: range.to, records: list });
      this.consumer.seek({ topic: this.topic, partition: range.partition, offset: range.from });
      toResume.push(range.partition);
    }
    if (toResume.length === 0) return { records, complete: true };
    this.consumer.resume([{ topic: this.topic, partitions: toResume }]);
    this.started ??= this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch }) => this.onBatch(batch.partition, batch.messages),
    });
    await this.started;
    while (this.pending.size > 0 && this.failure === null && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, Math.min(POSITION_CHECK_MS, Math.max(0, deadline - Date.now())));
      });
      this.wake = null;
      this.checkPositions();
    }
    if (this.failure) throw this.failure;
    const complete = this.pending.size === 0;
    // Whatever did not finish in time stops here; the next read seeks again.
    const unfinished = [...this.pending.keys()];
    this.pending.clear();
    if (unfinished.length > 0) this.consumer.pause([{ topic: this.topic, partitions: unfinished }]);
    return { records, complete };
  }

  async close(): Promise<void> {
    await this.consumer.disconnect().catch(() => {});
  }

  private onBatch(partition: number, messages: KafkaMessage[]): void {
    const wanted = this.pending.get(partition);
    if (!wanted) return;
    for (const message of messages) {
      const offset = BigInt(message.offset);
      if (offset >= wanted.to) {
        this.finish(partition);
        return;
      }
      wanted.records.push(message);
      if (offset + 1n >= wanted.to) {
        this.finish(partition);
        return;
      }
    }
  }

  private checkPositions(): void {
    for (const [partition, wanted] of this.pending) {
      const position = this.consumer.position({ topic: this.topic, partition });
      if (position !== null && BigInt(position) >= wanted.to) this.finish(partition);
    }
  }

  private finish(partition: number): void {
    this.pending.delete(partition);
    this.consumer.pause([{ topic: this.topic, partitions: [partition] }]);
    if (this.pending.size === 0) this.wake?.();
  }
}
