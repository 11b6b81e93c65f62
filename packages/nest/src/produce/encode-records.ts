import type { ProducedMessage, ProducerRecord } from '../client/kafka-like.js';
import type { ValueCodec } from '../serde/value-codec.js';
import type { KeyValue, TopicDefinition } from '../topics.js';

export interface PublishOptions {
  /** Overrides the topic definition's key function. */
  key?: KeyValue;
  headers?: Record<string, string | Buffer>;
  partition?: number;
}

/**
 * Events of one topic as a record to send: each value encoded (Avro through the registry when the
 * topic has a schema, JSON otherwise), keyed by `options.key` or the topic definition's key function.
 */
export async function encodeRecord(
  codec: ValueCodec,
  topic: string | TopicDefinition,
  events: readonly unknown[],
  options: PublishOptions,
): Promise<ProducerRecord> {
  const messages: ProducedMessage[] = [];
  for (const event of events) {
    const encoded = codec.encode(topic, event);
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
  return { topic: typeof topic === 'string' ? topic : topic.topic, messages };
}
