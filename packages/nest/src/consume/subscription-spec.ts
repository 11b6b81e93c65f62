import type { SamsaBatchContext, SamsaContext } from '../subscribe/samsa.context.js';
import type { ValueFormat } from '../subscribe/subscribe-options.js';
import type { AvroSchema, TopicDefinition } from '../topics.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * Calls the user's handler (through Nest's pipeline) with a payload and its context. May return a
 * plain value, a promise or an Observable.
 */
export type HandlerInvoker = (payload: unknown, context: SamsaContext | SamsaBatchContext) => unknown;

/** One consumer's worth of work: a handler, its topics and its resolved options. */
export interface SubscriptionSpec {
  /** `ClassName.method`, for logs and health. */
  id: string;
  topics: (string | RegExp)[];
  groupId: string;
  /** Set when the handler or the module asked for one; otherwise the consumer's default (classic). */
  groupProtocol?: 'classic' | 'consumer';
  fromBeginning: boolean;
  partitionsConcurrently: number;
  keysPerPartition: number;
  batch: false | { maxSize: number };
  retry: RetryPolicy;
  /** Topic to dead-letter a record of `topic` to, or undefined to log and skip. */
  deadLetterTopic: ((topic: string) => string) | undefined;
  /**
   * Each delivery in a producer transaction of its own: the handler's publishes (or the dead letters)
   * commit together with the group's offset past the delivered records.
   */
  transactional: boolean;
  value: ValueFormat;
  readerSchema?: AvroSchema;
  /** The topic definitions the subscription names, by topic: their zod schemas check payloads on consume. */
  definitions?: ReadonlyMap<string, TopicDefinition>;
  invoke: HandlerInvoker;
}
