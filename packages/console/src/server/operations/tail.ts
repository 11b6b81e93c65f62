/**
 * Live tail: a consumer assigned to a topic's partitions from their end hands every new record, decoded and
 * filtered, to a bounded buffer; the HTTP stream drains the buffer in batches. When the page reads slower than
 * records arrive, the oldest buffered records are dropped (and counted), so memory stays bounded at any rate.
 */
import type { Consumer } from '@samsa/core-client';
import type { RecordView, TailBatch } from '../../api/types.js';
import { ApiError } from '../errors.js';
import { assignedConsumer } from './assigned-consumer.js';
import type { OperationsContext } from './context.js';
import { type RecordFilterSpec, recordFilter } from './record-filter.js';
import { toRecordView } from './record-view.js';

/** Most records held for a slow reader; older ones are dropped first. */
export const TAIL_BUFFER_RECORDS = 5000;
/** Most records in one batch sent to the page. */
export const TAIL_BATCH_RECORDS = 1000;
/** Most live tails at once (each holds a consumer with its connections). */
export const MAX_TAILS = 32;

let openTails = 0;

export class TailSession {
  private readonly consumer: Consumer;
  private buffer: RecordView[] = [];
  private matched = 0;
  private dropped = 0;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor(
    private readonly ctx: OperationsContext,
    private readonly topic: string,
    partitions: number[],
    private readonly filter: ReturnType<typeof recordFilter>,
  ) {
    this.consumer = assignedConsumer(ctx.kafka, {
      label: 'tail',
      autoOffsetReset: 'latest',
      fetchMaxWaitMs: 200,
      topic,
      partitions,
      onFatalError: (error) => {
        this.failure = error;
        this.wake();
      },
    });
    for (const partition of partitions) this.consumer.seek({ topic, partition, offset: -1 });
  }

  /** Starts tailing `topic` (one partition, or all) from its end. */
  static async start(
    ctx: OperationsContext,
    topic: string,
    options: RecordFilterSpec & { partition?: number },
    signal?: AbortSignal,
  ): Promise<TailSession> {
    const filter = recordFilter(options);
    if (openTails >= MAX_TAILS) {
      throw new ApiError(
        503,
        'TOO_MANY_TAILS',
        `${MAX_TAILS} live tails are open already; close one and try again`,
      );
    }
    const watermarks = await ctx.admin.fetchTopicOffsets(topic, { signal: ctx.signal(signal) });
    let partitions = watermarks.map((w) => w.partition);
    if (options.partition !== undefined) {
      if (!partitions.includes(options.partition)) {
        throw new ApiError(
          404,
          'PARTITION_NOT_FOUND',
          `${topic} has no partition ${options.partition} (it has ${partitions.length})`,
        );
      }
      partitions = [options.partition];
    }
    const session = new TailSession(ctx, topic, partitions, filter);
    openTails++;
    try {
      await session.consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (session.closed) return;
            session.push(await toRecordView(session.ctx.display, session.topic, message));
          }
        },
      });
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** The next batch: waits up to `waitMs` for records to arrive; null once the session is closed. */
  async next(waitMs: number): Promise<TailBatch | null> {
    if (this.buffer.length === 0 && !this.closed && this.failure === null) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, waitMs);
      });
      this.waiter = null;
    }
    if (this.failure) throw this.failure;
    if (this.closed) return null;
    const records = this.buffer.splice(0, TAIL_BATCH_RECORDS);
    return { records, matched: this.matched, dropped: this.dropped };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    openTails--;
    this.buffer = [];
    this.wake();
    await this.consumer.disconnect().catch(() => {});
  }

  private push(record: RecordView): void {
    if (this.filter && !this.filter(record)) return;
    this.matched++;
    this.buffer.push(record);
    if (this.buffer.length > TAIL_BUFFER_RECORDS) {
      const excess = this.buffer.length - TAIL_BUFFER_RECORDS;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.buffer.length >= TAIL_BATCH_RECORDS) this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }
}
