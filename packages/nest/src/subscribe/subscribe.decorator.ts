import 'reflect-metadata';
import { isTopicDefinition, type TopicDefinition } from '../topics.js';
import { SUBSCRIBE_METADATA } from './constants.js';
import type { SubscribeOptions } from './subscribe-options.js';

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
 * Marks a method of any provider or controller as the handler of one or more topics. Found at
 * bootstrap; each decorated method gets its own consumer in its group.
 *
 * ```ts
 * @Subscribe('orders.created', { groupId: 'payments', retry: { attempts: 5 } })
 * async onOrder(@Payload() order: OrderCreated, @Ctx() ctx: SamsaContext) {}
 * ```
 */
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
