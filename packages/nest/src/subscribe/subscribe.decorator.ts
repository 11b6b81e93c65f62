import 'reflect-metadata';
import { isTopicDefinition, type TopicDefinition } from '../topics.js';
import { SUBSCRIBE_METADATA } from './constants.js';
import type { BatchOptions, SubscribeOptions } from './subscribe-options.js';

export type SubscribeTarget =
  | string
  | RegExp
  | TopicDefinition
  | readonly (string | RegExp | TopicDefinition)[];

export interface SubscribeMetadata {
  topics: (string | RegExp)[];
  /** Topic definitions among `topics`, for their schemas. */
  definitions: TopicDefinition[];
  options: SubscribeOptions;
}

/**
 * The decorator `@Subscribe(topicDefinition)` returns: TypeScript checks the method it decorates, and a
 * first parameter (the payload: `@Payload()`, or undecorated) that cannot take the topic's value type `P`
 * is an error naming both types. Parameters after it are not constrained.
 */
// biome-ignore lint/suspicious/noExplicitAny: the parameters after the payload are the handler's business
export type TypedSubscribeDecorator<P> = <M extends (payload: P, ...rest: any[]) => unknown>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void;

/**
 * Marks a method of any provider or controller as the handler of one or more topics. Found at
 * bootstrap; each decorated method gets its own consumer in its group.
 *
 * ```ts
 * @Subscribe('orders.created', { groupId: 'payments', retry: { attempts: 5 } })
 * async onOrder(@Payload() order: OrderCreated, @Ctx() ctx: SamsaContext) {}
 * ```
 *
 * With a `defineTopic()` result the payload is type-checked: the first parameter must take the topic's
 * value type (an array of it with `batch`), so `@Subscribe(OrderCreatedTopic)` on
 * `(@Payload() p: PaymentCompleted)` does not compile. (To take one property of the payload, declare the
 * whole payload first, or subscribe by the topic's name.)
 */
export function Subscribe<V>(
  target: TopicDefinition<V>,
  options: SubscribeOptions & { batch: true | BatchOptions },
): TypedSubscribeDecorator<V[]>;
export function Subscribe<V>(
  target: TopicDefinition<V>,
  options?: SubscribeOptions & { batch?: false },
): TypedSubscribeDecorator<V>;
export function Subscribe(target: SubscribeTarget, options?: SubscribeOptions): MethodDecorator;
export function Subscribe(target: SubscribeTarget, options: SubscribeOptions = {}): MethodDecorator {
  const list = (Array.isArray(target) ? target : [target]) as (string | RegExp | TopicDefinition)[];
  const topics: (string | RegExp)[] = [];
  const definitions: TopicDefinition[] = [];
  for (const entry of list) {
    if (isTopicDefinition(entry)) {
      topics.push(entry.topic);
      definitions.push(entry);
    } else {
      topics.push(entry);
    }
  }
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const existing: SubscribeMetadata[] = Reflect.getMetadata(SUBSCRIBE_METADATA, descriptor.value) ?? [];
    Reflect.defineMetadata(
      SUBSCRIBE_METADATA,
      [...existing, { topics, definitions, options }],
      descriptor.value,
    );
    return descriptor;
  };
}
