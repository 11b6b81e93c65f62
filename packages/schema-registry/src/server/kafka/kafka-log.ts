/**
 * The registry's durable log: a compacted single-partition `_schemas` topic, read and written through
 * @samsa/core-client the way Confluent's KafkaStore does it.
 *
 * - start(): creates the topic if missing (1 partition, cleanup.policy=compact) or verifies it, then reads it from
 *   the beginning with an assigned consumer (no group: every instance reads everything) and resolves once the
 *   reader has passed the end offset seen at start. The reader keeps tailing, so writes by any instance arrive.
 * - claimWriter(): the leader takes the topic's fixed transactional id before each write's catch-up (schemas-writer.ts),
 *   which fences an instance that still believes it leads: its appends are refused by the broker.
 * - append(): one transaction (acks=all, idempotent) per write, then waits until the reader has applied it, so the
 *   write is visible to reads on this instance when it resolves.
 * - catchUp(): waits until the reader has passed the topic's current end offset (Confluent's
 *   `waitUntilKafkaReaderReachesLastOffset`); the leader calls it before every write.
 * - The reader reads read_committed: a write aborted because its leader was fenced is never applied.
 *
 * "Passed" is measured by the consumer's position, which also moves over offsets with nothing to deliver
 * (records compacted away), so a compacted tail cannot leave the reader waiting for a record that is gone.
 */
import { type Admin, type Consumer, ConsumerEvents, type Kafka } from '@samsa/core-client';
import {
  RegistryStoreError,
  RegistryStoreTimeoutError,
  type RegistryWriterFencedError,
} from '../../errors.js';
import { decodeRecord, encodeKey, encodeValue, type RegistryRecord } from '../records.js';
import type { RegistryLog } from '../store.js';
import { ensureSchemasTopic } from './schemas-topic.js';
import { SchemasWriter } from './schemas-writer.js';

export interface KafkaRegistryLogOptions {
  /** The cluster (`new Kafka({ brokers })`); SSL and SASL come from its options. */
  kafka: Kafka;
  /** Default `_schemas` (Confluent's `kafkastore.topic`). */
  topic?: string;
  /** Replication factor of a topic the registry creates; capped at the number of brokers. Default 3. */
  replicationFactor?: number;
  /** How long start() may take: topic checks plus reading the whole topic. Default 60000. */
  initTimeoutMs?: number;
  /** How long a write (produce, then read back) or a catch-up may take before it fails with 50002. Default 10000. */
  timeoutMs?: number;
  /** Group id of the topic reader's consumer; it never joins nor commits (Confluent's `kafkastore.group.id`). */
  readerGroupId?: string;
  /**
   * The transactional id every instance of this registry writes with, so the broker fences a stale leader. Default
   * `<topic>-writer` (`_schemas-writer`). `false`: a plain idempotent producer, without that fencing (for clusters
   * where the registry may not use transactions).
   */
  transactionalId?: string | false;
  /** Told when another instance took the writer role over (this one should stop believing it leads). */
  onWriterFenced?: (error: RegistryWriterFencedError) => void;
  log?: (line: string) => void;
}

const PARTITION = 0;
/** While someone waits, how often the consumer's position is read (it moves without a record over compacted gaps). */
const POSITION_POLL_MS = 50;

interface Waiter {
  target: bigint;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class KafkaRegistryLog implements RegistryLog {
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly timeoutMs: number;
  private readonly initTimeoutMs: number;
  private readonly log: (line: string) => void;
  private admin: Admin | null = null;
  private readonly writer: SchemasWriter;
  private consumer: Consumer | null = null;
  private apply: ((record: RegistryRecord) => void) | null = null;
  /** One past the last offset the reader has applied (or moved over). */
  private position = 0n;
  private waiters: Waiter[] = [];
  private pollTimer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor(private readonly options: KafkaRegistryLogOptions) {
    this.kafka = options.kafka;
    this.topic = options.topic ?? '_schemas';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.initTimeoutMs = options.initTimeoutMs ?? 60_000;
    this.log = options.log ?? (() => {});
    this.writer = new SchemasWriter({
      kafka: this.kafka,
      topic: this.topic,
      transactionalId: options.transactionalId ?? `${this.topic}-writer`,
      onFenced: options.onWriterFenced,
      log: this.log,
    });
  }

  /** The transactional id writes use (false: none). */
  get transactionalId(): string | false {
    return this.writer.transactionalId;
  }

  /** One past the last offset applied locally (for diagnostics and tests). */
  get offset(): bigint {
    return this.position;
  }

  async start(apply: (record: RegistryRecord) => void): Promise<void> {
    this.apply = apply;
    const deadline = Date.now() + this.initTimeoutMs;
    try {
      await withTimeout(
        this.init(deadline),
        this.initTimeoutMs,
        `Timed out after ${this.initTimeoutMs} ms starting the Kafka store on topic ${this.topic}: check that the ` +
          'brokers are reachable (--kafka) and that this client may describe, create and read the topic',
      );
    } catch (error) {
      await this.close();
      if (error instanceof RegistryStoreError) throw error;
      throw new RegistryStoreError(
        `Could not start the Kafka store on topic ${this.topic}: ${(error as Error)?.message ?? error}`,
        { cause: error },
      );
    }
  }

  private async init(deadline: number): Promise<void> {
    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    this.throwIfClosed();
    await ensureSchemasTopic(admin, {
      topic: this.topic,
      replicationFactor: this.options.replicationFactor ?? 3,
      log: this.log,
    });
    const endAtStart = await this.endOffset();
    this.throwIfClosed();
    const consumer = this.kafka.consumer({
      groupId: this.options.readerGroupId ?? 'samsa-schema-registry-reader',
      allowAutoTopicCreation: false,
      autoOffsetReset: 'earliest',
      // Writes of a leader fenced mid-transaction are aborted: they must never be applied.
      isolationLevel: 'read_committed',
    });
    this.consumer = consumer;
    consumer.on(ConsumerEvents.CRASH, (event) => {
      const { error, restart } = event.payload as { error: Error; restart: boolean };
      this.log(`error: reading the schemas topic ${this.topic} failed: ${error?.message ?? error}`);
      if (!restart)
        this.fail(new RegistryStoreError(`The reader of ${this.topic} stopped: ${error?.message}`));
    });
    consumer.assign([{ topic: this.topic, partitions: [PARTITION] }]);
    // From the beginning of the log, whatever offsets a group might have committed.
    consumer.seek({ topic: this.topic, partition: PARTITION, offset: -2 });
    await consumer.run({
      eachMessage: async ({ message }) => this.onRecord(message.key, message.value, message.offset),
    });
    await this.waitFor(endAtStart, Math.max(1, deadline - Date.now()), 'Reading the schemas topic at start');
    this.log(`Read the schemas topic ${this.topic} up to offset ${this.position}`);
  }

  /** start() gave up (timeout) while a step was in flight: stop before opening more clients. */
  private throwIfClosed(): void {
    if (this.closed) throw new RegistryStoreError('The Kafka store was closed while starting');
  }

  private onRecord(key: Buffer | null, value: Buffer | null, offset: string): void {
    // Records this registry does not use (other key types, garbage) are skipped, as Confluent skips them.
    const record = key === null ? undefined : decodeRecord(key, value);
    if (record && record.key.keytype !== 'NOOP') {
      try {
        this.apply?.(record);
      } catch (error) {
        this.log(
          `error: could not apply the record at offset ${offset} of ${this.topic}: ${(error as Error).message}`,
        );
      }
    }
    this.advance(BigInt(offset) + 1n);
  }

  private advance(next: bigint): void {
    if (next <= this.position) return;
    this.position = next;
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.target > this.position) return true;
      clearTimeout(waiter.timer);
      waiter.resolve();
      return false;
    });
    if (this.waiters.length === 0) this.stopPolling();
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.stopPolling();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  /** Resolves once the reader has passed `target` (one past the offset that must be applied). */
  private waitFor(target: bigint, timeoutMs: number, what: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (target <= this.position) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        target,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          if (this.waiters.length === 0) this.stopPolling();
          reject(
            new RegistryStoreTimeoutError(
              `${what} timed out after ${timeoutMs} ms: the reader of ${this.topic} is at offset ${this.position}, ` +
                `short of ${target}. Check the brokers' health, or raise the store timeout.`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      if (!this.pollTimer) {
        this.pollTimer = setInterval(() => {
          const position = this.consumer?.position({ topic: this.topic, partition: PARTITION });
          if (position !== null && position !== undefined) this.advance(BigInt(position));
        }, POSITION_POLL_MS);
        this.pollTimer.unref();
      }
    });
  }

  private async endOffset(): Promise<bigint> {
    if (!this.admin) throw new RegistryStoreError('The Kafka store is not started');
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    const partition = offsets.find((o) => o.partition === PARTITION);
    if (!partition)
      throw new RegistryStoreError(`The schemas topic ${this.topic} has no partition ${PARTITION}`);
    return BigInt(partition.high);
  }

  async claimWriter(): Promise<void> {
    if (this.closed) throw new RegistryStoreError('The Kafka store is closed');
    await withTimeout(
      this.writer.claim(),
      this.timeoutMs,
      `Taking over ${this.topic} as its writer (InitProducerId) took over ${this.timeoutMs} ms; check the brokers' health`,
    );
  }

  async append(records: readonly RegistryRecord[]): Promise<void> {
    if (this.closed) throw new RegistryStoreError('The Kafka store is closed');
    if (this.failure) throw this.failure;
    if (records.length === 0) return;
    // One transaction, one batch: the records of a write (a permanent delete's tombstones) land together, in order.
    const written = this.writer.write(
      records.map((record) => ({
        key: encodeKey(record.key),
        value: encodeValue(record),
        partition: PARTITION,
      })),
    );
    const last = await withTimeout(
      written,
      this.timeoutMs,
      `Writing to ${this.topic} was not acknowledged within ${this.timeoutMs} ms; check the brokers' health`,
    );
    await this.waitFor(last + 1n, this.timeoutMs, `Reading back the write at offset ${last}`);
  }

  async catchUp(): Promise<void> {
    if (this.closed) throw new RegistryStoreError('The Kafka store is closed');
    const started = Date.now();
    const end = await withTimeout(
      this.endOffset(),
      this.timeoutMs,
      `Looking up the end offset of ${this.topic} took over ${this.timeoutMs} ms; check the brokers' health`,
    );
    const left = Math.max(1, this.timeoutMs - (Date.now() - started));
    await this.waitFor(end, left, 'Catching up with the schemas topic');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new RegistryStoreError('The Kafka store is closed'));
    const results = await Promise.allSettled([
      this.consumer?.disconnect(),
      this.writer.close(),
      this.admin?.disconnect(),
    ]);
    for (const result of results) {
      if (result.status === 'rejected') this.log(`warning: closing the Kafka store: ${result.reason}`);
    }
  }
}

/** `promise`, or a RegistryStoreTimeoutError after `ms` (the operation itself is left to finish or fail). */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RegistryStoreTimeoutError(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
