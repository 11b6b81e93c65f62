import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { KafkaLike, ProducerLike, ProducerRecord, RecordMetadata } from '../client/kafka-like.js';
import { currentTransaction, type SamsaTransaction } from '../consume/transactions/samsa-transaction.js';
import { PublishError } from '../errors.js';
import type { ResolvedSamsaOptions } from '../module/samsa-module-options.js';
import { SAMSA_CODEC, SAMSA_KAFKA, SAMSA_OPTIONS } from '../module/tokens.js';
import type { ValueCodec } from '../serde/value-codec.js';
import type { TopicDefinition } from '../topics.js';
import { encodeRecord, type PublishOptions } from './encode-records.js';

export type { PublishOptions } from './encode-records.js';

/** The events `publish` takes for `topic`: a definition's value type, anything for a topic name. */
export type EventOf<T> = T extends TopicDefinition<infer V> ? V : unknown;

/**
 * Injectable producer. `publish(OrderCreated, event)` type-checks `event` against the topic's type and
 * encodes it (Avro through the registry when the topic has a schema, JSON otherwise).
 *
 * Called while a `transactional: true` handler runs (from the handler or anything it calls), it
 * publishes into that handler call's transaction instead: the records become visible with the commit
 * of the input offset, or never.
 */
@Injectable()
export class SamsaProducer implements OnApplicationShutdown {
  private producer: ProducerLike | undefined;
  private connecting: Promise<ProducerLike> | undefined;
  private closed = false;

  constructor(
    @Inject(SAMSA_KAFKA) private readonly kafka: KafkaLike,
    @Inject(SAMSA_OPTIONS) private readonly options: ResolvedSamsaOptions,
    @Inject(SAMSA_CODEC) private readonly codec: ValueCodec,
  ) {}

  /** The transaction publishes go into right now (in a transactional handler call), or undefined. */
  get transaction(): SamsaTransaction | undefined {
    return currentTransaction();
  }

  /**
   * Publishes one event; resolves when the broker acknowledged it. For a `defineTopic()` result the event is
   * type-checked against the topic's value type (a mistake is reported against that type); a topic name
   * takes a JSON (or string / Buffer) value.
   */
  // One signature rather than overloads: with overloads a wrong event was reported against the last one.
  // biome-ignore lint/suspicious/noExplicitAny: any topic definition; its value type is read by EventOf
  publish<T extends string | TopicDefinition<any>>(
    topic: T,
    event: EventOf<T>,
    options: PublishOptions = {},
  ): Promise<RecordMetadata[]> {
    return this.publishMany(topic, [event], options);
  }

  /** Publishes several events of one topic in one request. */
  // biome-ignore lint/suspicious/noExplicitAny: as publish
  publishMany<T extends string | TopicDefinition<any>>(
    topic: T,
    events: EventOf<T>[],
    options: PublishOptions = {},
  ): Promise<RecordMetadata[]> {
    // Not async: in a transaction, the caller gets the transaction's own promise, whose failure the
    // commit reports, so a publish left unawaited is no unhandled rejection.
    const transaction = currentTransaction();
    if (transaction) return transaction.publishMany(topic as string, events, options);
    return encodeRecord(this.codec, topic, events, options).then((record) => this.sendNow(record));
  }

  /** Sends already-encoded records, as `producer.send()` of the client does. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const transaction = currentTransaction();
    return transaction ? transaction.send(record) : this.sendNow(record);
  }

  private async sendNow(record: ProducerRecord): Promise<RecordMetadata[]> {
    const producer = await this.connected();
    try {
      return await producer.send(record);
    } catch (error) {
      throw new PublishError(`publishing to ${record.topic} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Whether the client producer is connected (something was published). */
  isConnected(): boolean {
    return this.producer !== undefined;
  }

  /** The connected client producer (connects on first use); it never takes part in a transaction. */
  connected(): Promise<ProducerLike> {
    if (this.producer) return Promise.resolve(this.producer);
    if (this.closed)
      return Promise.reject(new PublishError('the Samsa producer is closed (the application shut down)'));
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ ...this.options.producer });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Closes last, after every consumer has stopped and every module's destroy hooks ran. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect();
  }
}
