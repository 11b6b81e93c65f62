import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type {
  KafkaLike,
  ProducedMessage,
  ProducerLike,
  ProducerRecord,
  RecordMetadata,
} from '../client/kafka-like.js';
import { PublishError } from '../errors.js';
import type { ResolvedSamsaOptions } from '../module/samsa-module-options.js';
import { SAMSA_CODEC, SAMSA_KAFKA, SAMSA_OPTIONS } from '../module/tokens.js';
import type { ValueCodec } from '../serde/value-codec.js';
import type { KeyValue, TopicDefinition } from '../topics.js';

export interface PublishOptions {
  /** Overrides the topic definition's key function. */
  key?: KeyValue;
  headers?: Record<string, string | Buffer>;
  partition?: number;
}

/** The events `publish` takes for `topic`: a definition's value type, anything for a topic name. */
export type EventOf<T> = T extends TopicDefinition<infer V> ? V : unknown;

/**
 * Injectable producer. `publish(OrderCreated, event)` type-checks `event` against the topic's type and
 * encodes it (Avro through the registry when the topic has a schema, JSON otherwise).
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

  /**
   * Publishes one event; resolves when the broker acknowledged it. For a `defineTopic()` result the event is
   * type-checked against the topic's value type (a mistake is reported against that type); a topic name
   * takes a JSON (or string / Buffer) value.
   */
  // One signature rather than overloads: with overloads a wrong event was reported against the last one.
  // biome-ignore lint/suspicious/noExplicitAny: any topic definition; its value type is read by EventOf
  async publish<T extends string | TopicDefinition<any>>(
    topic: T,
    event: EventOf<T>,
    options: PublishOptions = {},
  ): Promise<RecordMetadata[]> {
    return this.publishMany(topic, [event], options);
  }

  /** Publishes several events of one topic in one request. */
  // biome-ignore lint/suspicious/noExplicitAny: as publish
  async publishMany<T extends string | TopicDefinition<any>>(
    topic: T,
    events: EventOf<T>[],
    options: PublishOptions = {},
  ): Promise<RecordMetadata[]> {
    const name = typeof topic === 'string' ? topic : topic.topic;
    const messages: ProducedMessage[] = [];
    for (const event of events) {
      const encoded = this.codec.encode(topic, event);
      const value = encoded instanceof Promise ? await encoded : encoded;
      const key =
        options.key !== undefined ? options.key : typeof topic === 'string' ? undefined : topic.key?.(event);
      messages.push({
        value,
        ...(key !== undefined && key !== null ? { key } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.partition !== undefined ? { partition: options.partition } : {}),
      });
    }
    return this.send({ topic: name, messages });
  }

  /** Sends already-encoded records, as `producer.send()` of the client does. */
  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const producer = await this.connected();
    try {
      return await producer.send(record);
    } catch (error) {
      throw new PublishError(`publishing to ${record.topic} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** The connected client producer (connects on first use). */
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
