/**
 * One transaction, as `producer.transaction()` returns it (KafkaJS's shape): `send`/`sendBatch`
 * put records in it, `sendOffsets` commits consumer offsets with it, `commit`/`abort` end it. Once
 * ended, every call is a TransactionStateError; the producer takes the next transaction.
 * Also the checks of the offsets callers hand `sendOffsets` / `sendOffsetsToTransaction`.
 */
import { describe } from '../config/validate.js';
import { toOffset } from '../consumer/arguments.js';
import { ConfigurationError } from '../errors.js';
import { TransactionStateError } from './transaction-errors.js';
import type { ConsumerGroupMetadata, TransactionManager, TransactionOffset } from './transaction-manager.js';
import type { ProducerBatch, ProducerRecord, SendResult } from './types.js';

/** Offsets per topic, KafkaJS's shape: `offset` is the next offset to consume (last handled + 1). */
export interface TransactionTopicOffsets {
  topic: string;
  partitions: {
    partition: number;
    offset: string | number | bigint;
    metadata?: string | null;
    leaderEpoch?: number;
  }[];
}

/** Anything that can tell its consumer group metadata: a Samsa `Consumer` (KIP-447 fencing). */
export interface GroupMetadataSource {
  groupMetadata(): ConsumerGroupMetadata;
}

export interface SendOffsetsOptions {
  /** The consumer whose group and generation the offsets are committed under (KIP-447: preferred). */
  consumer?: GroupMetadataSource;
  /** The group id alone (KafkaJS): no fencing of a consumer that lost its partitions. */
  consumerGroupId?: string;
  topics: TransactionTopicOffsets[];
}

/** What a transaction needs of its producer. */
export interface TransactionalSender<K, V> {
  send(record: ProducerRecord<K, V>): Promise<SendResult>;
  sendBatch(batch: ProducerBatch<K, V>): Promise<SendResult>;
}

export class Transaction<K = Buffer | string | null, V = Buffer | string | null> {
  private ended: 'committed' | 'aborted' | null = null;

  constructor(
    private readonly producer: TransactionalSender<K, V>,
    private readonly manager: TransactionManager,
    /** The transaction's number with its producer. */
    readonly id: number,
  ) {}

  /** Whether the transaction is still open: neither committed nor aborted. */
  isActive(): boolean {
    return this.ended === null && this.manager.isOpen(this.id);
  }

  send(record: ProducerRecord<K, V>): Promise<SendResult> {
    const refused = this.refusal('send');
    return refused ? Promise.reject(refused) : this.producer.send(record);
  }

  sendBatch(batch: ProducerBatch<K, V>): Promise<SendResult> {
    const refused = this.refusal('sendBatch');
    return refused ? Promise.reject(refused) : this.producer.sendBatch(batch);
  }

  /**
   * Commits consumer offsets with this transaction: they become the group's committed offsets only
   * if the transaction commits. Pass `consumer` (its generation fences a member that lost its
   * partitions in a rebalance, KIP-447) or `consumerGroupId`.
   */
  async sendOffsets(options: SendOffsetsOptions): Promise<void> {
    const refused = this.refusal('sendOffsets');
    if (refused) throw refused;
    if (options === null || typeof options !== 'object') {
      throw new ConfigurationError('sendOffsets', 'expected { consumerGroupId | consumer, topics }');
    }
    const group = groupMetadataOf(options.consumer ?? options.consumerGroupId, 'sendOffsets');
    await this.manager.sendOffsets(offsetsFromTopics(options.topics, 'topics'), group);
  }

  /** Commits: waits for every send, then makes records and offsets visible (read_committed) at once. */
  async commit(): Promise<void> {
    const refused = this.refusal('commit');
    if (refused) throw refused;
    await this.manager.commit();
    this.ended = 'committed';
  }

  /** Aborts: records not sent yet are dropped, the rest is never visible to read_committed consumers. */
  async abort(): Promise<void> {
    const refused = this.refusal('abort');
    if (refused) throw refused;
    await this.manager.abort();
    this.ended = 'aborted';
  }

  private refusal(what: string): Error | null {
    if (this.ended !== null) {
      return new TransactionStateError(
        `This transaction was ${this.ended}; ${what}() needs a new one: await producer.transaction()`,
      );
    }
    if (this.manager.currentTransaction !== this.id) {
      return new TransactionStateError(
        `This transaction is over; ${what}() needs a new one: await producer.transaction()`,
      );
    }
    return null;
  }
}

/** Group metadata from a consumer, a ConsumerGroupMetadata, or a bare group id (generation -1, no member). */
export function groupMetadataOf(
  source: GroupMetadataSource | ConsumerGroupMetadata | string | undefined,
  option: string,
): ConsumerGroupMetadata {
  if (typeof source === 'string' && source.length > 0) {
    return { groupId: source, generationId: -1, memberId: '', groupInstanceId: null };
  }
  if (source !== null && typeof source === 'object') {
    const metadata =
      typeof (source as GroupMetadataSource).groupMetadata === 'function'
        ? (source as GroupMetadataSource).groupMetadata()
        : (source as ConsumerGroupMetadata);
    if (typeof metadata.groupId === 'string' && metadata.groupId.length > 0) {
      return {
        groupId: metadata.groupId,
        generationId: Number.isInteger(metadata.generationId) ? metadata.generationId : -1,
        memberId: typeof metadata.memberId === 'string' ? metadata.memberId : '',
        groupInstanceId: metadata.groupInstanceId ?? null,
      };
    }
  }
  throw new ConfigurationError(
    option === 'sendOffsets' ? 'consumerGroupId' : option,
    `${option} needs the consumer group: consumerGroupId, or the consumer (consumer.groupMetadata()), got ${describe(source)}`,
  );
}

/** KafkaJS's `[{ topic, partitions: [{ partition, offset }] }]` as a list of offsets. */
export function offsetsFromTopics(topics: unknown, option: string): TransactionOffset[] {
  if (!Array.isArray(topics)) {
    throw new ConfigurationError(option, 'expected [{ topic, partitions: [{ partition, offset }] }]');
  }
  const out: TransactionOffset[] = [];
  topics.forEach((t: TransactionTopicOffsets, i) => {
    if (t === null || typeof t !== 'object' || typeof t.topic !== 'string' || !Array.isArray(t.partitions)) {
      throw new ConfigurationError(
        `${option}[${i}]`,
        'expected { topic, partitions: [{ partition, offset }] }',
      );
    }
    t.partitions.forEach((p, j) => {
      out.push(offsetOf(t.topic, p, `${option}[${i}].partitions[${j}]`));
    });
  });
  return out;
}

/** Java's flat `[{ topic, partition, offset }]` list as offsets. */
export function offsetsFromList(list: unknown, option: string): TransactionOffset[] {
  if (!Array.isArray(list)) throw new ConfigurationError(option, 'expected [{ topic, partition, offset }]');
  return list.map((o, i) => {
    if (o === null || typeof o !== 'object' || typeof o.topic !== 'string') {
      throw new ConfigurationError(`${option}[${i}]`, 'expected { topic, partition, offset }');
    }
    return offsetOf(o.topic, o, `${option}[${i}]`);
  });
}

function offsetOf(
  topic: string,
  p: { partition?: unknown; offset?: unknown; metadata?: unknown; leaderEpoch?: unknown },
  where: string,
): TransactionOffset {
  if (p === null || typeof p !== 'object' || !Number.isInteger(p.partition) || (p.partition as number) < 0) {
    throw new ConfigurationError(
      `${where}.partition`,
      `expected a partition number, got ${describe(p?.partition)}`,
    );
  }
  if (p.metadata !== undefined && p.metadata !== null && typeof p.metadata !== 'string') {
    throw new ConfigurationError(`${where}.metadata`, 'expected a string or null');
  }
  return {
    topic,
    partition: p.partition as number,
    offset: toOffset(`${where}.offset`, p.offset),
    leaderEpoch: Number.isInteger(p.leaderEpoch) ? (p.leaderEpoch as number) : -1,
    metadata: (p.metadata as string | null | undefined) ?? null,
  };
}
