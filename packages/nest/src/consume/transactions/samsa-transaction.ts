import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  ConsumerLike,
  ProducerRecord,
  RecordMetadata,
  TransactionLike,
} from '../../client/kafka-like.js';
import { PublishError, TransactionClosedError } from '../../errors.js';
import { encodeRecord, type PublishOptions } from '../../produce/encode-records.js';
import type { ValueCodec } from '../../serde/value-codec.js';
import type { TopicDefinition } from '../../topics.js';

/** The transaction of the transactional handler call running in this async context. */
const running = new AsyncLocalStorage<SamsaTransaction>();

/**
 * The transaction a transactional handler call runs in (`ctx.transaction`), or undefined outside one.
 * `SamsaProducer` publishes into it on its own, so services called by the handler need no changes.
 */
export function currentTransaction(): SamsaTransaction | undefined {
  return running.getStore();
}

/** Runs `work` with `transaction` as the current one (for everything `work` starts, awaited or not). */
export function runInTransaction<T>(transaction: SamsaTransaction, work: () => T): T {
  return running.run(transaction, work);
}

/** Where the group's position moves when the transaction commits. */
export interface ConsumedOffset {
  groupId: string;
  consumer: ConsumerLike;
  topic: string;
  partition: number;
  /** The next offset to consume: one past the last record of the delivery. */
  offset: string;
}

/**
 * One handler call's transaction (`ctx.transaction` in a `@Subscribe(..., { transactional: true })`
 * handler): what it publishes becomes visible to read_committed consumers together with the commit of
 * the input offsets, when the handler returns, or never, when it throws. Publishes need not be
 * awaited; the commit waits for them, and one that failed fails the delivery.
 */
export class SamsaTransaction {
  private state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  private readonly pending = new Set<Promise<unknown>>();
  private failure: unknown;

  constructor(
    /** The transactional id of the producer it runs on. */
    readonly transactionalId: string,
    private readonly client: TransactionLike,
    private readonly codec: ValueCodec,
    /** What it is the transaction of (`Payments.charge orders[2]@17`), for error messages. */
    private readonly origin: string,
  ) {}

  /** Whether publishes still go in: the handler call has not ended. */
  isActive(): boolean {
    return this.state === 'open';
  }

  /** Publishes one typed event in this transaction. */
  publish<V>(topic: TopicDefinition<V>, event: V, options?: PublishOptions): Promise<RecordMetadata[]>;
  publish(topic: string, event: unknown, options?: PublishOptions): Promise<RecordMetadata[]>;
  publish(topic: string | TopicDefinition, event: unknown, options: PublishOptions = {}) {
    return this.publishMany(topic as string, [event], options);
  }

  /** Publishes several events of one topic in this transaction. */
  publishMany<V>(topic: TopicDefinition<V>, events: V[], options?: PublishOptions): Promise<RecordMetadata[]>;
  publishMany(topic: string, events: unknown[], options?: PublishOptions): Promise<RecordMetadata[]>;
  publishMany(
    topic: string | TopicDefinition,
    events: unknown[],
    options: PublishOptions = {},
  ): Promise<RecordMetadata[]> {
    const name = typeof topic === 'string' ? topic : topic.topic;
    if (this.state !== 'open') return Promise.reject(this.closed(name));
    return this.track(encodeRecord(this.codec, topic, events, options).then((record) => this.send(record)));
  }

  /** Sends already-encoded records in this transaction, as the client's `send()` does. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (this.state !== 'open') return Promise.reject(this.closed(record.topic));
    return this.track(
      this.client.send(record).catch((error: unknown) => {
        throw new PublishError(
          `publishing to ${record.topic} in transaction ${this.transactionalId} failed: ${(error as Error)?.message ?? error}`,
          { cause: error },
        );
      }),
    );
  }

  /** Waits for every publish made so far (awaited or not); throws the first that failed. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Commits (the container calls it when the handler call succeeded): waits for every publish, then
   * commits them with the group's offset past the delivery. Throws the first failed publish, or why
   * the transaction could not commit; the caller aborts then.
   */
  async commit(consumed: ConsumedOffset): Promise<void> {
    await this.settled();
    this.state = 'committing';
    const { groupId, consumer, topic, partition, offset } = consumed;
    await this.client.sendOffsets({
      consumerGroupId: groupId,
      consumer,
      topics: [{ topic, partitions: [{ partition, offset }] }],
    });
    await this.client.commit();
    this.state = 'committed';
  }

  /** Aborts (the container calls it when the handler call failed or the commit did): nothing becomes visible. */
  async abort(): Promise<void> {
    const wasOpen = this.state === 'open' || this.state === 'committing';
    this.state = 'aborted';
    if (wasOpen && this.client.isActive()) await this.client.abort();
  }

  /** Keeps `sent` for the commit to wait for; its failure fails the commit (and stays the caller's to see). */
  private track<T>(sent: Promise<T>): Promise<T> {
    this.pending.add(sent);
    sent.then(
      () => this.pending.delete(sent),
      (error: unknown) => {
        this.pending.delete(sent);
        this.failure ??= error;
      },
    );
    return sent;
  }

  private closed(topic: string): TransactionClosedError {
    const how = this.state === 'aborted' ? 'aborted' : 'committed';
    return new TransactionClosedError(
      `publishing to ${topic} after the transaction of ${this.origin} was ${how}: a transactional handler's ` +
        'publishes must be made before it returns (await them inside the handler); its transaction commits, ' +
        'with the input offset, when the handler returns',
    );
  }
}
