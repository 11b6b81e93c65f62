import type { ConsumedMessage, ConsumerLike, MessageHeaders } from '../client/kafka-like.js';
import type { SamsaTransaction } from '../consume/transactions/samsa-transaction.js';

/** Whatever can heartbeat for the handler (the client's eachBatch payload). */
export interface Heartbeats {
  heartbeat(): Promise<void>;
}

/** Everything a handler may want to know about the record it is handling. */
export class SamsaContext {
  /**
   * The handler call's transaction in a `transactional: true` subscription (publish into it, or through
   * `SamsaProducer`, which does so on its own); undefined otherwise.
   */
  transaction: SamsaTransaction | undefined = undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly message: ConsumedMessage,
    readonly groupId: string,
    /** 1 on the first delivery, 2 on the first retry, ... */
    readonly attempt: number,
    readonly consumer: ConsumerLike,
    private readonly heartbeats: Heartbeats,
  ) {}

  get offset(): string {
    return this.message.offset;
  }

  /** Milliseconds since the epoch, as a decimal string (as the client gives it). */
  get timestamp(): string {
    return this.message.timestamp;
  }

  get key(): string | null {
    return this.message.key === null || this.message.key === undefined
      ? null
      : this.message.key.toString('utf8');
  }

  get headers(): Record<string, string | undefined> {
    return decodeHeaders(this.message.headers);
  }

  header(name: string): string | undefined {
    return decodeHeader(this.message.headers?.[name]);
  }

  /** Tells the group coordinator this member is alive (only needed for very long handlers). */
  heartbeat(): Promise<void> {
    return this.heartbeats.heartbeat();
  }

  // The getters of @nestjs/microservices' KafkaContext, so handlers move over unchanged.
  getTopic(): string {
    return this.topic;
  }

  getPartition(): number {
    return this.partition;
  }

  getMessage(): ConsumedMessage {
    return this.message;
  }

  getConsumer(): ConsumerLike {
    return this.consumer;
  }

  getHeartbeat(): () => Promise<void> {
    return () => this.heartbeats.heartbeat();
  }
}

/** The context of a batch handler: one partition's records, in offset order. */
export class SamsaBatchContext {
  /** The batch's transaction in a `transactional: true` subscription; undefined otherwise. */
  transaction: SamsaTransaction | undefined = undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly messages: readonly ConsumedMessage[],
    readonly groupId: string,
    readonly attempt: number,
    readonly consumer: ConsumerLike,
    private readonly heartbeats: Heartbeats,
  ) {}

  get offsets(): string[] {
    return this.messages.map((m) => m.offset);
  }

  get keys(): (string | null)[] {
    return this.messages.map((m) => (m.key ? m.key.toString('utf8') : null));
  }

  get headers(): Record<string, string | undefined>[] {
    return this.messages.map((m) => decodeHeaders(m.headers));
  }

  heartbeat(): Promise<void> {
    return this.heartbeats.heartbeat();
  }
}

export function decodeHeader(value: MessageHeaders[string]): string | undefined {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined || last === null) return undefined;
  return typeof last === 'string' ? last : last.toString('utf8');
}

export function decodeHeaders(headers: MessageHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) out[name] = decodeHeader(value);
  return out;
}
