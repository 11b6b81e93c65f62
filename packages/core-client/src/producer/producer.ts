/**
 * The producer: KafkaJS's `send`/`sendBatch` on top of Java-style batching. Each call is one promise
 * however many messages it carries; messages go straight into per-partition RecordBatch buffers and
 * are sent by the accumulator (see accumulator.ts). `send()` waits only when the buffer is full
 * (`bufferMemory`, up to `maxBlockMs`) or the topic's metadata is not known yet (topic-metadata.ts).
 * `disconnect()` delivers every send it accepted before closing, unless its timeout runs out first.
 */
import { setMaxListeners } from 'node:events';
import type { RecordInput } from '@samsa/protocol/on-demand';
import type { Cluster } from '../cluster/cluster.js';
import type { PartitionMetadata } from '../cluster/metadata.js';
import { parseAcks, parseCompression, type ResolvedProducerConfig } from '../config/producer-options.js';
import { describe } from '../config/validate.js';
import { type ClientInfo, channels, type SendEvent } from '../diagnostics/channels.js';
import {
  InstrumentationEmitter,
  type InstrumentationEvent,
  networkEvents,
} from '../diagnostics/instrumentation-emitter.js';
import { type ProducerMetrics, ProducerMetricsRecorder } from '../diagnostics/metrics/producer-metrics.js';
import { traceOperation } from '../diagnostics/trace.js';
import { ConfigurationError, NotConnectedError, ProducerDisconnectedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { javaPartitionForKey, type PartitionerFunction } from '../partitioners/index.js';
import { validateTopicName } from '../topic-name.js';
import { Accumulator } from './accumulator.js';
import {
  checkHeaders,
  checkSendBatchOptions,
  checkSendOptions,
  InvalidMessageError,
  missingValueProblem,
} from './message-checks.js';
import { SendCall } from './send-call.js';
import { waitForTopicMetadata } from './topic-metadata.js';
import {
  type GroupMetadataSource,
  groupMetadataOf,
  offsetsFromList,
  offsetsFromTopics,
  Transaction,
  type TransactionTopicOffsets,
} from './transaction.js';
import { TransactionStateError } from './transaction-errors.js';
import {
  type ConsumerGroupMetadata,
  TransactionManager,
  type TransactionState,
} from './transaction-manager.js';
import type {
  Bytes,
  Message,
  ProducerBatch,
  ProducerRecord,
  SendOptions,
  SendResult,
  TopicMessages,
} from './types.js';

export { InvalidMessageError } from './message-checks.js';

/** KafkaJS's producer events (`producer.on(producer.events.REQUEST, e => ...)`), with its payloads. */
export const ProducerEvents = {
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  ...networkEvents('producer'),
} as const;

export type ProducerEventName = (typeof ProducerEvents)[keyof typeof ProducerEvents];

/** KafkaJS's event envelope, as the consumer's events have it. */
export type ProducerEvent = InstrumentationEvent<Record<string, unknown>, ProducerEventName>;

type Topicish = { topic: string; messages: Message<unknown, unknown>[] };

export class Producer<K = Bytes, V = Bytes> {
  readonly events = ProducerEvents;
  private readonly emitter = new InstrumentationEmitter<ProducerEventName>();
  /** Who this producer is in diagnostics events (docs/observability.md). */
  private readonly info: ClientInfo;
  private readonly accumulator: Accumulator;
  private readonly partitioner: PartitionerFunction | null;
  private connected = false;
  private closing: Promise<void> | null = null;
  /** Calls waiting to append behind one that waits for buffer memory (null when none waits). */
  private blocked: (() => void)[] | null = null;
  private blocking = false;
  /** The next call of `blocked` to resume. */
  private blockedHead = 0;
  /** resumeBlocked() is working through `blocked`. */
  private resuming = false;
  /** Calls with messages still to append (waiting for topic metadata or buffer memory). */
  private appending = 0;
  private appendingDone: (() => void)[] = [];
  private readonly callSealed = (): void => {
    if (--this.appending === 0) for (const resolve of this.appendingDone.splice(0)) resolve();
  };
  /** Aborted, with the error pending sends then fail with, when disconnect() stops waiting for them. */
  private giveUp = sendsGiveUpController();
  /** Reused for every record: the accumulator copies it into the batch at once. */
  /** Topics a send waits for that the cluster does not have, each warned about once until it appears. */
  private readonly missingTopicsWarned = new Set<string>();
  private readonly scratch: RecordInput = { key: null, value: null, headers: undefined, timestamp: 0 };
  /** Transactional producers only (`transactionalId`). */
  private readonly transactions: TransactionManager | null = null;

  constructor(
    private readonly cluster: Cluster,
    readonly config: ResolvedProducerConfig,
    private readonly log: Logger,
  ) {
    this.info = {
      type: 'producer',
      clientId: cluster.config.clientId,
      ...(config.transactionalId !== null && { transactionalId: config.transactionalId }),
    };
    cluster.requestMetrics.client = this.info;
    cluster.requestMetrics.emitTo(this.emitter, ProducerEvents);
    this.accumulator = new Accumulator(config, cluster, log, new ProducerMetricsRecorder());
    this.partitioner = config.builtInPartitioner ? null : config.partitioner();
    if (config.transactionalId !== null) {
      const acc = this.accumulator;
      this.transactions = new TransactionManager(
        {
          transactionalId: config.transactionalId,
          transactionTimeoutMs: config.transactionTimeoutMs,
          retryBackoffMs: config.retryBackoffMs,
          retryBackoffMaxMs: config.retryBackoffMaxMs,
          maxBlockMs: config.maxBlockMs,
          deliveryTimeoutMs: config.deliveryTimeoutMs,
        },
        cluster,
        acc.idempotence,
        {
          abortUndrained: (err) => acc.abortUndrained(err),
          flush: () => acc.flush(),
          scheduleDrain: () => acc.scheduleDrain(),
        },
        log,
      );
      acc.transactions = this.transactions;
    }
    if (channels.clientCreated.hasSubscribers)
      channels.clientCreated.publish({ client: this.info, instance: this });
  }

  logger(): Logger {
    return this.log;
  }

  /** KafkaJS's instrumentation events (ProducerEvents); returns a function that removes the listener. */
  on(event: ProducerEventName, listener: (e: ProducerEvent) => void): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * The Java client's most used producer metrics, as numbers (docs/observability.md): records and
   * bytes sent, errors, retries, batch sizes, request latency per broker, buffer memory.
   */
  metrics(): ProducerMetrics {
    const memory = this.accumulator.memory;
    return this.accumulator.metrics.snapshot(this.info, this.cluster.requestMetrics.snapshot(), {
      total: memory.total,
      used: memory.used,
      waiting: memory.waiting,
    });
  }

  /** Connects; a transactional producer also initializes its transactions (fencing older instances). */
  async connect(): Promise<void> {
    if (this.giveUp.signal.aborted) this.giveUp = sendsGiveUpController();
    await this.cluster.connect();
    if (this.transactions) {
      try {
        await this.transactions.initialize();
      } catch (err) {
        await this.cluster.disconnect();
        throw err;
      }
    }
    this.connected = true;
    this.closing = null;
    this.emitter.emit(ProducerEvents.CONNECT, null);
  }

  /**
   * Delivers every send already made, then closes the connections (Java's `close()`). New sends are
   * rejected at once. Sends still waiting for topic metadata or buffer memory go on waiting (each up to
   * `maxBlockMs`, as they would have) and are sent; buffered records go out without lingering, and
   * each batch is waited for up to `deliveryTimeoutMs`.
   *
   * `timeout` (ms, Java's `close(Duration)`) bounds the whole wait: whatever is not acknowledged by
   * then fails with ProducerDisconnectedError; `timeout: 0` fails every pending send at once.
   */
  disconnect(options: { timeout?: number } = {}): Promise<void> {
    if (!this.closing) {
      const timeout = options?.timeout;
      if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0)) {
        return Promise.reject(
          new ConfigurationError('timeout', `expected milliseconds >= 0, got ${describe(timeout)}`),
        );
      }
      this.closing = this.close(timeout === undefined || timeout === Infinity ? undefined : timeout);
    }
    return this.closing;
  }

  private async close(timeoutMs: number | undefined): Promise<void> {
    this.connected = false;
    this.accumulator.beginClose();
    let timer: NodeJS.Timeout | undefined;
    try {
      if (timeoutMs === undefined) await this.deliverAccepted();
      else if (timeoutMs > 0) {
        const expired = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        });
        await Promise.race([this.deliverAccepted(), expired]);
      }
    } finally {
      clearTimeout(timer);
      const err = new ProducerDisconnectedError(timeoutMs ?? 0);
      this.giveUp.abort(err);
      this.accumulator.abortAll(err);
      this.transactions?.close();
      this.accumulator.close();
      await this.cluster.disconnect();
      this.emitter.emit(ProducerEvents.DISCONNECT, null);
    }
  }

  /** Resolves once every send made so far is appended and every batch is acknowledged or failed. */
  private async deliverAccepted(): Promise<void> {
    while (this.appending > 0 || this.accumulator.incomplete.size > 0) await this.flush();
  }

  /** Resolves when no call has messages left to append (none waits for metadata or buffer memory). */
  private appended(): Promise<void> {
    if (this.appending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.appendingDone.push(resolve));
  }

  /**
   * Sends everything buffered now, without lingering, and resolves when it is acknowledged (or failed).
   * Sends still waiting for topic metadata or buffer memory are waited for and sent too.
   */
  async flush(): Promise<void> {
    await this.appended();
    await this.accumulator.flush();
  }

  isIdempotent(): boolean {
    return this.config.enableIdempotence;
  }

  isTransactional(): boolean {
    return this.transactions !== null;
  }

  /**
   * Where the transactional producer stands (Java's TransactionManager states): 'READY' between
   * transactions, 'IN_TRANSACTION', 'ABORTABLE_ERROR' (abort to go on), 'FATAL_ERROR' (fenced or
   * otherwise broken: create a new producer), ... Null without `transactionalId`.
   */
  get transactionState(): TransactionState | null {
    return this.transactions?.state ?? null;
  }

  /**
   * Starts a transaction (KafkaJS's `producer.transaction()`): send and sendBatch on it, sendOffsets
   * for consume-transform-produce, then commit() or abort(). One at a time per producer.
   */
  async transaction(): Promise<Transaction<K, V>> {
    const manager = this.requireTransactions('transaction()');
    if (!this.connected) throw new NotConnectedError('The producer is not connected; call connect() first');
    await manager.initialize();
    return new Transaction<K, V>(this, manager, manager.begin());
  }

  /** Java's initTransactions(): connect() already does it; resolves at once when done. */
  async initTransactions(): Promise<void> {
    const manager = this.requireTransactions('initTransactions()');
    if (!this.connected) throw new NotConnectedError('The producer is not connected; call connect() first');
    await manager.initialize();
  }

  /** Java's beginTransaction(): `send()`/`sendBatch()` then go into the transaction until commit or abort. */
  beginTransaction(): void {
    this.requireTransactions('beginTransaction()').begin();
  }

  /** Java's commitTransaction(): waits for every send of the transaction, then commits it. */
  commitTransaction(): Promise<void> {
    try {
      return this.requireTransactions('commitTransaction()').commit();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Java's abortTransaction(). */
  abortTransaction(): Promise<void> {
    try {
      return this.requireTransactions('abortTransaction()').abort();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Java's sendOffsetsToTransaction(offsets, groupMetadata): `offsets` as `[{ topic, partition,
   * offset }]` (next offset to consume) or KafkaJS's `[{ topic, partitions }]`; `group` as
   * `consumer.groupMetadata()` (KIP-447), the consumer itself, or a group id.
   */
  async sendOffsetsToTransaction(
    offsets:
      | { topic: string; partition: number; offset: string | number | bigint; metadata?: string | null }[]
      | TransactionTopicOffsets[],
    group: ConsumerGroupMetadata | GroupMetadataSource | string,
  ): Promise<void> {
    const manager = this.requireTransactions('sendOffsetsToTransaction()');
    const list =
      Array.isArray(offsets) && offsets.some((o) => Array.isArray((o as TransactionTopicOffsets)?.partitions))
        ? offsetsFromTopics(offsets, 'offsets')
        : offsetsFromList(offsets, 'offsets');
    await manager.sendOffsets(list, groupMetadataOf(group, 'groupMetadata'));
  }

  private requireTransactions(what: string): TransactionManager {
    if (this.transactions === null) {
      throw new TransactionStateError(
        `${what} needs a transactional producer: kafka.producer({ transactionalId: '...' })`,
      );
    }
    return this.transactions;
  }

  send(record: ProducerRecord<K, V>): Promise<SendResult> {
    if (record === null || typeof record !== 'object') {
      return Promise.reject(new InvalidMessageError('send() expects { topic, messages }'));
    }
    try {
      checkSendOptions(record);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.sendGroups([record as unknown as Topicish], record, 'send');
  }

  sendBatch(batch: ProducerBatch<K, V>): Promise<SendResult> {
    if (batch === null || typeof batch !== 'object' || !Array.isArray(batch.topicMessages)) {
      return Promise.reject(
        new InvalidMessageError('sendBatch() expects { topicMessages: [{ topic, messages }] }'),
      );
    }
    try {
      checkSendBatchOptions(batch);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.sendGroups(
      batch.topicMessages as unknown as TopicMessages<unknown, unknown>[] as Topicish[],
      batch,
      'sendBatch',
    );
  }

  private sendGroups(
    groups: Topicish[],
    options: SendOptions,
    operation: SendEvent['operation'],
  ): Promise<SendResult> {
    if (!this.connected) {
      return Promise.reject(
        new NotConnectedError(
          this.closing
            ? 'The producer is disconnected'
            : 'The producer is not connected; call connect() first',
        ),
      );
    }
    let acks: number;
    let compression: number;
    let total = 0;
    try {
      acks =
        options.acks === undefined ? this.config.acks : parseAcks('acks', options.acks, this.config.acks);
      if (acks !== -1 && this.config.enableIdempotence) {
        throw new InvalidMessageError(
          `acks=${acks} cannot be used with an idempotent producer (it needs acks=-1). Idempotence is on by ` +
            'default (as in Java): to send with acks=1 set it on the producer, kafka.producer({ acks: 1 }), which ' +
            'turns idempotence off, or pass enableIdempotence: false',
        );
      }
      compression =
        options.compression === undefined
          ? this.config.compression
          : parseCompression('compression', options.compression, this.config.compression);
      for (const g of groups) {
        if (typeof g?.topic !== 'string' || g.topic.length === 0) {
          throw new InvalidMessageError('Each send needs a non-empty `topic` string');
        }
        if (!Array.isArray(g.messages)) {
          throw new InvalidMessageError(`messages for topic ${g.topic} must be an array`);
        }
        total += g.messages.length;
      }
    } catch (err) {
      return Promise.reject(err);
    }
    if (channels.send.hasSubscribers) {
      const event: SendEvent = {
        client: this.info,
        operation,
        topicMessages: groups,
        messageCount: total,
        acks,
      };
      return traceOperation(channels.send, event, () =>
        this.startSend(groups, options, acks, compression, total),
      ) as Promise<SendResult>;
    }
    return this.startSend(groups, options, acks, compression, total);
  }

  /** Sends a validated call: waits for metadata where needed, then appends its messages in call order. */
  private startSend(
    groups: Topicish[],
    options: SendOptions,
    acks: number,
    compression: number,
    total: number,
  ): Promise<SendResult> {
    const metadata = this.cluster.metadata;
    let missing: string[] | null = null;
    for (const g of groups) {
      if (metadata.partitionCount(g.topic) === 0) {
        // A topic with metadata has a name the broker took; others are checked before asking for it.
        try {
          validateTopicName(g.topic);
        } catch (err) {
          return Promise.reject(err);
        }
        missing ??= [];
        missing.push(g.topic);
      }
    }
    const txn = this.transactions;
    if (txn !== null) {
      const refused = txn.sendRefusal();
      if (refused) return Promise.reject(refused);
    }
    const timeoutMs = options.timeout ?? this.config.requestTimeoutMs;
    const call = new SendCall(total, this.callSealed);
    this.appending++;
    if (txn !== null) {
      call.transaction = txn.currentTransaction;
      txn.trackSend(call.promise);
    }
    let start = 0;
    for (const g of groups) {
      call.groups.push({ topic: g.topic, messages: g.messages, start });
      start += g.messages.length;
    }
    const begin = () => this.appendFrom(call, 0, 0, acks, compression, timeoutMs, options.signal);
    if (missing) {
      waitForTopicMetadata(metadata, missing, {
        maxBlockMs: this.config.maxBlockMs,
        retry: this.config.retry,
        log: this.log,
        signal: options.signal,
        closed: this.giveUp.signal,
        warned: this.missingTopicsWarned,
      }).then(
        () => this.startInOrder(begin),
        (err) => call.abort(err),
      );
    } else {
      this.startInOrder(begin);
    }
    return call.promise;
  }

  /**
   * Calls append in the order they were made: while one waits for buffer memory, later calls queue
   * behind it instead of slipping records in ahead of its remaining ones (Java's send() blocks).
   */
  private startInOrder(start: () => void): void {
    if (this.blocked === null) start();
    else this.blocked.push(start);
  }

  private resumeBlocked(): void {
    this.blocking = false;
    // A call resumed below ends by resuming the queue again: the loop already running goes on with
    // the next one, so thousands of queued sends do not nest thousands of stack frames.
    if (this.resuming) return;
    this.resuming = true;
    try {
      while (this.blocked !== null && !this.blocking) {
        const next = this.blocked[this.blockedHead];
        if (next === undefined) {
          this.blocked = null;
          this.blockedHead = 0;
          break;
        }
        // Taken from the front by index (shift() would copy the rest each time); the taken slots
        // are dropped once they are half of the queue.
        this.blocked[this.blockedHead++] = undefined as never;
        if (this.blockedHead >= 1024 && this.blockedHead * 2 >= this.blocked.length) {
          this.blocked = this.blocked.slice(this.blockedHead);
          this.blockedHead = 0;
        }
        next();
      }
    } finally {
      this.resuming = false;
    }
  }

  /** Appends messages from (group gi, message mi) on; on a full buffer, waits and resumes. */
  private appendFrom(
    call: SendCall,
    gi: number,
    mi: number,
    acks: number,
    compression: number,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): void {
    const acc = this.accumulator;
    if (this.transactions !== null && !this.transactions.acceptsAppend(call.transaction)) {
      // The transaction was aborted (or broke) while this call waited for metadata or memory.
      call.abort(this.transactions.appendRefusal(call.transaction));
      if (this.blocked !== null && !this.blocking) this.resumeBlocked();
      return;
    }
    const record = this.scratch;
    const keySerializer = this.config.keySerializer;
    const valueSerializer = this.config.valueSerializer;
    const builtIn = this.config.builtInPartitioner;
    const ignoreKeys = this.config.partitionerIgnoreKeys;
    try {
      // disconnect() stopped waiting for pending sends while this one waited for its turn.
      if (this.giveUp.signal.aborted) throw this.giveUp.signal.reason;
      for (; gi < call.groups.length; gi++, mi = 0) {
        const g = call.groups[gi];
        const topic = g.topic;
        const t = acc.topicState(topic);
        const meta = this.cluster.metadata.topic(topic);
        if (!meta) throw new InvalidMessageError(`Topic ${topic} has no metadata`);
        const count = meta.partitions.length;
        const messages = g.messages;
        for (; mi < messages.length; mi++) {
          const m = messages[mi];
          if (m === null || typeof m !== 'object') {
            throw new InvalidMessageError(`message ${mi} for ${topic} is not an object`);
          }
          let key = keySerializer ? keySerializer(m.key, topic) : (m.key as Bytes | undefined);
          const value = valueSerializer ? valueSerializer(m.value, topic) : (m.value as Bytes | undefined);
          if (value !== null && typeof value !== 'string' && !Buffer.isBuffer(value)) {
            throw new InvalidMessageError(
              value === undefined
                ? missingValueProblem(m, mi, topic)
                : `message ${mi} for ${topic}: value must be a Buffer, a string or null (set a valueSerializer for other types)`,
            );
          }
          if (key != null && typeof key !== 'string' && !Buffer.isBuffer(key)) {
            throw new InvalidMessageError(
              `message ${mi} for ${topic}: key must be a Buffer, a string or null (set a keySerializer for other types)`,
            );
          }
          let partition: number;
          let sticky = 0;
          const explicit = m.partition;
          if (explicit !== undefined && explicit !== null) {
            if (!Number.isInteger(explicit) || explicit < 0 || explicit >= count) {
              throw new InvalidMessageError(
                `message ${mi} for ${topic}: partition ${explicit} does not exist (the topic has ${count})`,
              );
            }
            partition = explicit;
          } else if (builtIn === 'default') {
            if (key != null && !ignoreKeys) {
              if (typeof key === 'string') key = Buffer.from(key, 'utf8');
              partition = javaPartitionForKey(key, count);
            } else {
              partition = t.sticky.partition(count);
              sticky = count;
            }
          } else if (builtIn === 'roundRobin') {
            partition = t.roundRobin.partition(count);
          } else {
            partition = this.partitioner!({
              topic,
              partitionMetadata: meta.partitions as PartitionMetadata[],
              message: { ...m, key, value } as Message,
            });
            if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
              throw new InvalidMessageError(
                `the partitioner returned ${partition} for a message to ${topic}, which has ${count} partitions`,
              );
            }
          }
          const ts = m.timestamp;
          record.key = key ?? null;
          record.value = value;
          if (m.headers !== undefined) checkHeaders(m.headers, mi, topic);
          record.headers = m.headers as RecordInput['headers'];
          if (ts === undefined || ts === null) record.timestamp = call.now;
          else {
            const n = typeof ts === 'number' ? ts : Number(ts);
            if (!Number.isFinite(n))
              throw new InvalidMessageError(`message ${mi} for ${topic}: bad timestamp ${ts}`);
            record.timestamp = n;
          }
          const need = acc.append(call, t, partition, record, acks, compression, timeoutMs, sticky);
          // The sticky partitioner may have moved the record on (its batch was full).
          partition = acc.appendedPartition;
          call.setPartition(g.start + mi, partition);
          if (need > 0) {
            // Buffer full: wait for room, then append this record into a new batch and go on.
            const saved: RecordInput = { ...record };
            this.blocking = true;
            this.blocked ??= [];
            acc.memory.reserve(need, signal).then(
              () => {
                this.blocking = false;
                if (this.giveUp.signal.aborted) {
                  acc.memory.release(need);
                  call.abort(this.giveUp.signal.reason);
                  this.resumeBlocked();
                  return;
                }
                try {
                  if (this.transactions !== null && !this.transactions.acceptsAppend(call.transaction))
                    throw this.transactions.appendRefusal(call.transaction);
                  acc.appendReserved(need, call, t, partition, saved, acks, compression, timeoutMs);
                } catch (err) {
                  acc.memory.release(need);
                  call.abort(err as Error);
                  this.resumeBlocked();
                  return;
                }
                acc.scheduleDrain();
                this.appendFrom(call, gi, mi + 1, acks, compression, timeoutMs, signal);
              },
              (err) => {
                acc.scheduleDrain();
                call.abort(err);
                this.resumeBlocked();
              },
            );
            return;
          }
        }
      }
    } catch (err) {
      call.abort(err as Error);
      acc.scheduleDrain();
      if (this.blocked !== null && !this.blocking) this.resumeBlocked();
      return;
    } finally {
      record.key = null;
      record.value = null;
      record.headers = undefined;
    }
    call.seal();
    acc.scheduleDrain();
    if (this.blocked !== null && !this.blocking) this.resumeBlocked();
  }
}

/**
 * The controller behind `giveUp`: every send waiting for its topic's metadata listens to its signal,
 * and any number may wait at once (a broker restart), so Node's MaxListenersExceededWarning (at 11)
 * would be a false leak report. Each wait removes its listener when it ends.
 */
function sendsGiveUpController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
