import { randomUUID } from 'node:crypto';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { ConsumerLike, KafkaLike, ProducedMessage } from '../client/kafka-like.js';
import { createKafkaClient } from '../module/kafka-client.js';
import type { ResolvedSamsaOptions, SamsaModuleOptions } from '../module/samsa-module-options.js';
import { validateSamsaOptions } from '../module/validate-samsa-options.js';
import { decodeHeaders } from '../subscribe/samsa.context.js';
import { ReplyHeaders } from './reply-headers.js';

export type SamsaClientStatus = 'connected' | 'disconnected';

/**
 * `ClientProxy` on Samsa: `emit(topic, data)` publishes an event; `send(pattern, data)` is
 * request/response through `<pattern>.reply` (call `subscribeToResponseOf(pattern)` before
 * `connect()`). Each client reads its replies in a group of its own, so no reply partition has to be
 * assigned to it. Register with `ClientsModule.register([{ name, customClass: SamsaClientProxy, options }])`.
 */
export class SamsaClientProxy extends ClientProxy<Record<never, never>, SamsaClientStatus> {
  readonly options: ResolvedSamsaOptions;
  private kafka: KafkaLike | undefined;
  private producer: Awaited<ReturnType<KafkaLike['producer']>> | undefined;
  private replies: ConsumerLike | undefined;
  private connecting: Promise<void> | undefined;
  private readonly responsePatterns = new Set<string>();

  constructor(options: SamsaModuleOptions) {
    super();
    this.options = validateSamsaOptions(options);
  }

  /** Request/response patterns whose replies this client must read; call before `connect()`. */
  subscribeToResponseOf(pattern: string): void {
    this.responsePatterns.add(this.normalizePattern(pattern));
  }

  connect(): Promise<void> {
    this.connecting ??= this.open().catch((error) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const kafka = this.options.client ?? (await createKafkaClient(this.options));
    this.kafka = kafka;
    const producer = kafka.producer({ ...this.options.producer });
    await producer.connect();
    this.producer = producer;
    if (this.responsePatterns.size > 0) {
      const replies = kafka.consumer({
        ...this.options.consumer,
        groupId: `${this.options.clientId}-replies-${randomUUID()}`,
      });
      await replies.connect();
      await replies.subscribe({
        topics: [...this.responsePatterns].map((p) => `${p}.reply`),
        fromBeginning: false,
      });
      await replies.run({
        eachBatch: async ({ batch, resolveOffset }) => {
          for (const message of batch.messages) {
            this.route(message.value, decodeHeaders(message.headers));
            resolveOffset(message.offset);
          }
        },
      });
      this.replies = replies;
    }
    this._status$.next('connected');
  }

  private route(value: Buffer | null, headers: Record<string, string | undefined>): void {
    const id = headers[ReplyHeaders.CORRELATION_ID];
    const callback = id ? this.routingMap.get(id) : undefined;
    if (!callback) return;
    const errText = headers[ReplyHeaders.ERROR];
    let err: unknown = errText;
    if (errText?.startsWith('{')) {
      try {
        err = JSON.parse(errText);
      } catch {
        // a plain message that happens to start with a brace
      }
    }
    let response: unknown;
    if (value !== null) {
      const text = value.toString('utf8');
      try {
        response = JSON.parse(text);
      } catch {
        response = text;
      }
    }
    callback({
      err,
      response,
      isDisposed: headers[ReplyHeaders.IS_DISPOSED] !== undefined,
    } satisfies WritePacket);
  }

  async close(): Promise<void> {
    const { replies, producer } = this;
    this.replies = undefined;
    this.producer = undefined;
    this.connecting = undefined;
    await replies?.disconnect();
    await producer?.disconnect();
    this._status$.next('disconnected');
  }

  /** `[kafkaClient, producer]` */
  unwrap<T>(): T {
    if (!this.kafka) throw new Error('SamsaClientProxy is not connected yet; call connect() first');
    return [this.kafka, this.producer] as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    if (!this.responsePatterns.has(pattern)) {
      callback({
        err: `call subscribeToResponseOf('${pattern}') before connect() to read replies of ${pattern}`,
        isDisposed: true,
      });
      return () => {};
    }
    const id = randomUUID();
    this.routingMap.set(id, callback);
    const message = toMessage(packet.data);
    message.headers = {
      ...message.headers,
      [ReplyHeaders.CORRELATION_ID]: id,
      [ReplyHeaders.REPLY_TOPIC]: `${pattern}.reply`,
    };
    this.producer!.send({ topic: pattern, messages: [message] }).catch((error) => {
      this.routingMap.delete(id);
      callback({ err: (error as Error).message, isDisposed: true });
    });
    return () => this.routingMap.delete(id);
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const pattern = this.normalizePattern(packet.pattern);
    return (await this.producer!.send({ topic: pattern, messages: [toMessage(packet.data)] })) as T;
  }
}

/** `{ key, value, headers }` objects are sent as Kafka messages (as Nest's Kafka client does); anything else is JSON. */
function toMessage(data: unknown): ProducedMessage {
  if (data !== null && typeof data === 'object' && 'value' in data && ('key' in data || 'headers' in data)) {
    const { key, value, headers } = data as {
      key?: unknown;
      value: unknown;
      headers?: Record<string, string>;
    };
    return {
      key:
        key === undefined || key === null
          ? null
          : typeof key === 'string' || Buffer.isBuffer(key)
            ? key
            : String(key),
      value: encode(value),
      headers: { ...headers },
    };
  }
  return { value: encode(data), headers: {} };
}

function encode(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}
