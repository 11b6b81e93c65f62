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

  /** Publishes one typed event; resolves when the broker acknowledged it. */
  publish<V>(topic: TopicDefinition<V>, event: V, options?: PublishOptions): Promise<RecordMetadata[]>;
  /** Publishes a JSON (or string / Buffer) value to a topic by name. */
  publish(topic: string, event: unknown, options?: PublishOptions): Promise<RecordMetadata[]>;
  async publish(topic: string | TopicDefinition, event: unknown, options: PublishOptions = {}) {
    return this.publishMany(topic as string, [event], options);
  }

  /** Publishes several events of one topic in one request. */
  publishMany<V>(topic: TopicDefinition<V>, events: V[], options?: PublishOptions): Promise<RecordMetadata[]>;
  publishMany(topic: string, events: unknown[], options?: PublishOptions): Promise<RecordMetadata[]>;
  async publishMany(topic: string | TopicDefinition, events: unknown[], options: PublishOptions = {}) {
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

  /** Whether the client producer is connected (something was published). */
  isConnected(): boolean {
    return this.producer !== undefined;
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
