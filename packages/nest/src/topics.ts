/** An Avro schema as JSON (what an `.avsc` file holds). */
export type AvroSchema = string | object;

/** A schema object that carries the TypeScript type it describes (generated code, TS-defined schemas). */
export interface TypedAvroSchema<T> {
  readonly schema: AvroSchema;
  /** Never set at run time; only carries `T` for inference. */
  readonly __type?: T;
}

export type KeyValue = string | Buffer | null | undefined;

/**
 * A topic and the type of its events. Publishing to it and `@Subscribe(topic)` to it are type-checked
 * against `V`; with a schema, values are Avro in the registry's wire format.
 */
export interface TopicDefinition<V = unknown> {
  readonly topic: string;
  readonly schema?: AvroSchema;
  /** The record key for an event (keeps each key's events in one partition, in order). */
  key?(event: V): KeyValue;
  /** Registry subject of the value schema. Default `<topic>-value`. */
  readonly subject?: string;
  /** Never set at run time; only carries `V`. */
  readonly __value?: V;
}

export interface DefineTopicOptions<V> {
  schema?: AvroSchema | TypedAvroSchema<V>;
  key?: (event: V) => KeyValue;
  subject?: string;
}

/**
 * Declares a topic of events of type `V`:
 * `const OrderCreated = defineTopic<OrderCreatedEvent>('orders.created', { schema, key: (e) => e.customerId })`.
 */
export function defineTopic<V>(topic: string, options: DefineTopicOptions<V> = {}): TopicDefinition<V> {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new TypeError(`defineTopic needs a topic name, got ${String(topic)}`);
  }
  const schema = options.schema;
  const plain =
    schema !== undefined && typeof schema === 'object' && isTyped(schema) ? schema.schema : schema;
  return Object.freeze({
    topic,
    ...(plain !== undefined ? { schema: plain } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(options.subject ? { subject: options.subject } : {}),
  }) as TopicDefinition<V>;
}

function isTyped<V>(schema: object): schema is TypedAvroSchema<V> {
  return !Array.isArray(schema) && 'schema' in schema && !('type' in schema);
}

export function isTopicDefinition(value: unknown): value is TopicDefinition {
  return typeof value === 'object' && value !== null && typeof (value as TopicDefinition).topic === 'string';
}

export function topicName(topic: string | TopicDefinition): string {
  return typeof topic === 'string' ? topic : topic.topic;
}
