/**
 * A deterministic in-memory stand-in for a KafkaJS-shaped client, for tests of the handler pipeline
 * (retries, dead letters, ordering, shutdown) without a broker. Semantics follow KafkaJS: eachBatch per
 * partition, re-fetch from the last resolved offset, commits per group, eager rebalances. Producers
 * with a `transactionalId` have transactions: records and offsets apply on commit only (what a
 * read_committed reader sees), a newer producer with the same id fences the older one.
 */
import { ProducerFencedError, TransactionAbortableError } from '@samsa/core-client';
import type {
  AdminLike,
  ConsumedMessage,
  ConsumerLike,
  ConsumerRunOptions,
  KafkaLike,
  ProducerLike,
  ProducerRecord,
  RecordMetadata,
  TopicPartitionOffset,
  TopicPartitions,
  TransactionLike,
  TransactionOffsets,
} from '../../src/client/kafka-like.js';

interface StoredMessage extends ConsumedMessage {}

class Group {
  readonly committed = new Map<string, bigint>();
  readonly members: MemoryConsumer[] = [];

  rebalance(kafka: MemoryKafka): void {
    const owners = new Map<MemoryConsumer, Set<string>>();
    for (const member of this.members) owners.set(member, new Set());
    for (const [topic, partitions] of kafka.topics) {
      const interested = this.members.filter((m) => m.subscribes(topic));
      if (interested.length === 0) continue;
      partitions.forEach((_, partition) => {
        owners.get(interested[partition % interested.length]!)!.add(`${topic}\u0000${partition}`);
      });
    }
    for (const [member, assignment] of owners) member.assign(assignment);
  }
}

export class MemoryKafka implements KafkaLike {
  readonly topics = new Map<string, StoredMessage[][]>();
  readonly groups = new Map<string, Group>();
  private roundRobin = 0;
  readonly consumers: MemoryConsumer[] = [];

  /** How long an offset commit takes to be answered (a broker round trip); 0 answers at once. */
  commitDelayMs = 0;

  constructor(readonly defaultPartitions = 3) {}

  createTopic(topic: string, partitions = this.defaultPartitions): void {
    if (this.topics.has(topic)) return;
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => []),
    );
    for (const group of this.groups.values()) group.rebalance(this);
  }

  group(groupId: string): Group {
    const existing = this.groups.get(groupId);
    if (existing) return existing;
    const group = new Group();
    this.groups.set(groupId, group);
    return group;
  }

  append(record: ProducerRecord): RecordMetadata[] {
    this.createTopic(record.topic);
    const partitions = this.topics.get(record.topic)!;
    const out: RecordMetadata[] = [];
    for (const message of record.messages) {
      const key = message.key === undefined || message.key === null ? null : Buffer.from(message.key);
      let partition = message.partition;
      if (partition === undefined) {
        partition = key ? hash(key) % partitions.length : this.roundRobin++ % partitions.length;
      }
      const log = partitions[partition]!;
      const headers: Record<string, Buffer> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Buffer.from(value);
      log.push({
        key,
        value: message.value === null ? null : Buffer.from(message.value),
        headers,
        offset: String(log.length),
        timestamp: String(Date.now()),
      });
      out.push({ topicName: record.topic, partition, baseOffset: String(log.length - 1) });
    }
    return out;
  }

  /** Every message of a topic, all partitions, in partition then offset order. */
  messages(topic: string): (StoredMessage & { partition: number })[] {
    return (this.topics.get(topic) ?? []).flatMap((log, partition) => log.map((m) => ({ ...m, partition })));
  }

  /** Every transaction that ended, in order. */
  readonly transactions: EndedTransaction[] = [];
  /** The current epoch of each transactional id (a producer that connects bumps it). */
  readonly epochs = new Map<string, number>();
  /** Commits that fail (abortable) before reaching the log: the next `failCommits` of them. */
  failCommits = 0;

  producer(config: Record<string, unknown> = {}): ProducerLike {
    const transactionalId = config.transactionalId as string | undefined;
    if (transactionalId !== undefined) return new MemoryTransactionalProducer(this, transactionalId);
    return {
      connect: async () => {},
      disconnect: async () => {},
      send: async (record) => this.append(record),
    };
  }

  /** Another producer took `transactionalId` over: its current owner is fenced. */
  fence(transactionalId: string): void {
    this.epochs.set(transactionalId, (this.epochs.get(transactionalId) ?? 0) + 1);
  }

  /** What a read_committed reader sees of committed transactions' records and what was aborted. */
  committedRecords(topic: string): ProducerRecord['messages'] {
    return this.transactions
      .filter((t) => t.outcome === 'committed')
      .flatMap((t) => t.records.filter((r) => r.topic === topic).flatMap((r) => r.messages));
  }

  consumer(config: { groupId: string } & Record<string, unknown>): ConsumerLike {
    const consumer = new MemoryConsumer(
      this,
      config.groupId,
      (config.maxBatchSize as number | undefined) ?? 50,
    );
    this.consumers.push(consumer);
    return consumer;
  }

  admin(): AdminLike {
    return {
      connect: async () => {},
      disconnect: async () => {},
      listTopics: async () => [...this.topics.keys()],
      createTopics: async ({ topics }) => {
        for (const t of topics) this.createTopic(t.topic, t.numPartitions);
        return true;
      },
      fetchTopicOffsets: async (topic) =>
        (this.topics.get(topic) ?? []).map((log, partition) => ({
          partition,
          offset: String(log.length),
          high: String(log.length),
          low: '0',
        })),
      fetchOffsets: async ({ groupId, topics }) =>
        (topics ?? []).map((topic) => ({
          topic,
          partitions: (this.topics.get(topic) ?? []).map((_, partition) => ({
            partition,
            offset: String(this.group(groupId).committed.get(`${topic}\u0000${partition}`) ?? -1n),
          })),
        })),
    };
  }
}

function hash(key: Buffer): number {
  let h = 0;
  for (const byte of key) h = (h * 31 + byte) >>> 0;
  return h;
}

export class MemoryConsumer implements ConsumerLike {
  private topicsSubscribed: (string | RegExp)[] = [];
  private fromBeginning = false;
  private assignment = new Set<string>();
  private readonly positions = new Map<string, bigint>();
  private readonly paused = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  readonly commits: TopicPartitionOffset[] = [];
  errors: unknown[] = [];

  constructor(
    private readonly kafka: MemoryKafka,
    readonly groupId: string,
    private readonly maxBatch: number,
  ) {}

  subscribes(topic: string): boolean {
    return this.topicsSubscribed.some((t) =>
      typeof t === 'string' ? t === topic : new RegExp(t).test(topic),
    );
  }

  assign(assignment: Set<string>): void {
    this.assignment = assignment;
    for (const key of this.positions.keys()) if (!assignment.has(key)) this.positions.delete(key);
    this.emit('consumer.group_join', { payload: { memberAssignment: [...assignment] } });
  }

  on(event: string, listener: (event: unknown) => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  private emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  async connect(): Promise<void> {}

  async subscribe(subscription: { topics: (string | RegExp)[]; fromBeginning?: boolean }): Promise<void> {
    this.topicsSubscribed.push(...subscription.topics);
    this.fromBeginning = subscription.fromBeginning ?? false;
    for (const topic of subscription.topics) if (typeof topic === 'string') this.kafka.createTopic(topic);
  }

  async run(options: ConsumerRunOptions): Promise<void> {
    const group = this.kafka.group(this.groupId);
    group.members.push(this);
    group.rebalance(this.kafka);
    this.running = true;
    this.loopDone = this.loop(options);
  }

  private position(key: string): bigint {
    let position = this.positions.get(key);
    if (position === undefined) {
      const committed = this.kafka.group(this.groupId).committed.get(key);
      const [topic, partition] = key.split('\u0000') as [string, string];
      const end = BigInt(this.kafka.topics.get(topic)?.[Number(partition)]?.length ?? 0);
      position = committed ?? (this.fromBeginning ? 0n : end);
      this.positions.set(key, position);
    }
    return position;
  }

  private async loop(options: ConsumerRunOptions): Promise<void> {
    const concurrency = options.partitionsConsumedConcurrently ?? 1;
    while (this.running) {
      let started = false;
      for (const key of this.assignment) {
        if (this.inFlight.size >= concurrency) break;
        if (this.inFlight.has(key) || this.paused.has(key)) continue;
        const [topic, partitionText] = key.split('\u0000') as [string, string];
        if (this.paused.has(`${topic}\u0000*`)) continue;
        const partition = Number(partitionText);
        const log = this.kafka.topics.get(topic)?.[partition] ?? [];
        const position = this.position(key);
        if (position >= BigInt(log.length)) continue;
        const messages = log.slice(Number(position), Number(position) + this.maxBatch);
        started = true;
        const run = this.runBatch(key, topic, partition, messages, options).finally(() =>
          this.inFlight.delete(key),
        );
        this.inFlight.set(key, run);
      }
      await new Promise((resolve) => setTimeout(resolve, started ? 0 : 2));
    }
  }

  private async runBatch(
    key: string,
    topic: string,
    partition: number,
    messages: StoredMessage[],
    options: ConsumerRunOptions,
  ): Promise<void> {
    let resolved: bigint | undefined;
    let failed = false;
    const owner = this.assignment;
    try {
      await options.eachBatch({
        batch: {
          topic,
          partition,
          messages,
          highWatermark: String(this.kafka.topics.get(topic)![partition]!.length),
        },
        resolveOffset: (offset) => {
          resolved = BigInt(offset);
        },
        heartbeat: async () => {},
        isRunning: () => this.running,
        isStale: () => owner !== this.assignment && !this.assignment.has(key),
      });
    } catch (error) {
      failed = true;
      this.errors.push(error);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (resolved === undefined && options.eachBatchAutoResolve !== false && !failed) {
      resolved = BigInt(messages[messages.length - 1]!.offset);
    }
    if (resolved !== undefined && this.assignment.has(key)) this.positions.set(key, resolved + 1n);
  }

  async commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    if (this.kafka.commitDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.kafka.commitDelayMs));
    const group = this.kafka.group(this.groupId);
    for (const o of offsets) {
      group.committed.set(`${o.topic}\u0000${o.partition}`, BigInt(o.offset));
      this.commits.push(o);
    }
  }

  pause(topics: TopicPartitions[]): void {
    for (const t of topics) {
      if (!t.partitions) this.paused.add(`${t.topic}\u0000*`);
      else for (const p of t.partitions) this.paused.add(`${t.topic}\u0000${p}`);
    }
  }

  resume(topics: TopicPartitions[]): void {
    for (const t of topics) {
      this.paused.delete(`${t.topic}\u0000*`);
      for (const p of t.partitions ?? []) this.paused.delete(`${t.topic}\u0000${p}`);
    }
  }

  async disconnect(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loopDone;
    await Promise.all(this.inFlight.values());
    const group = this.kafka.group(this.groupId);
    group.members.splice(group.members.indexOf(this), 1);
    this.assignment = new Set();
    group.rebalance(this.kafka);
  }
}

export interface EndedTransaction {
  transactionalId: string;
  outcome: 'committed' | 'aborted';
  records: ProducerRecord[];
  offsets: TransactionOffsets[];
}

/** A transactional producer: writes and offsets wait in the transaction until it commits. */
class MemoryTransactionalProducer implements ProducerLike {
  private epoch = -1;
  transactionState = 'UNINITIALIZED';
  private open: MemoryTransaction | null = null;

  constructor(
    private readonly kafka: MemoryKafka,
    readonly transactionalId: string,
  ) {}

  async connect(): Promise<void> {
    this.kafka.fence(this.transactionalId);
    this.epoch = this.kafka.epochs.get(this.transactionalId)!;
    this.transactionState = 'READY';
  }

  async disconnect(): Promise<void> {
    this.transactionState = 'UNINITIALIZED';
  }

  async send(): Promise<RecordMetadata[]> {
    throw new Error('send() outside a transaction on a transactional producer');
  }

  async transaction(): Promise<TransactionLike> {
    this.checkFenced();
    if (this.open) throw new Error('a transaction is already open');
    const transaction = new MemoryTransaction(this.kafka, this, () => {
      this.open = null;
    });
    this.open = transaction;
    this.transactionState = 'IN_TRANSACTION';
    return transaction;
  }

  checkFenced(): void {
    if (this.kafka.epochs.get(this.transactionalId) !== this.epoch) {
      this.transactionState = 'FATAL_ERROR';
      throw new ProducerFencedError(this.transactionalId, new Error('PRODUCER_FENCED'));
    }
  }
}

class MemoryTransaction implements TransactionLike {
  private readonly records: ProducerRecord[] = [];
  private readonly offsets: TransactionOffsets[] = [];
  private ended = false;

  constructor(
    private readonly kafka: MemoryKafka,
    private readonly producer: MemoryTransactionalProducer,
    private readonly onEnd: () => void,
  ) {}

  isActive(): boolean {
    return !this.ended;
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (this.ended) throw new Error('transaction ended');
    this.producer.checkFenced();
    this.records.push(record);
    return record.messages.map(() => ({ topicName: record.topic, partition: 0 }));
  }

  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    if (this.ended) throw new Error('transaction ended');
    this.producer.checkFenced();
    this.offsets.push(offsets);
  }

  async commit(): Promise<void> {
    this.producer.checkFenced();
    if (this.kafka.failCommits > 0) {
      this.kafka.failCommits--;
      this.producer.transactionState = 'ABORTABLE_ERROR';
      throw new TransactionAbortableError(
        this.producer.transactionalId,
        new Error('injected commit failure'),
      );
    }
    for (const record of this.records) this.kafka.append(record);
    for (const { consumerGroupId, topics } of this.offsets) {
      const group = this.kafka.group(consumerGroupId);
      for (const { topic, partitions } of topics) {
        for (const { partition, offset } of partitions) {
          group.committed.set(`${topic}\u0000${partition}`, BigInt(offset));
        }
      }
    }
    this.end('committed');
  }

  async abort(): Promise<void> {
    this.end('aborted');
  }

  private end(outcome: 'committed' | 'aborted'): void {
    this.ended = true;
    if (this.producer.transactionState !== 'FATAL_ERROR') this.producer.transactionState = 'READY';
    this.kafka.transactions.push({
      transactionalId: this.producer.transactionalId,
      outcome,
      records: this.records,
      offsets: this.offsets,
    });
    this.onEnd();
  }
}
