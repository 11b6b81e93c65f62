/** KafkaJS's consumer event names and envelope, so instrumentation written for KafkaJS keeps working. */
import {
  InstrumentationEmitter,
  type InstrumentationEvent,
  networkEvents,
} from '../diagnostics/instrumentation-emitter.js';

export const ConsumerEvents = {
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  ...networkEvents('consumer'),
} as const;

export type ConsumerEventName = (typeof ConsumerEvents)[keyof typeof ConsumerEvents];

export type ConsumerEvent<T = Record<string, unknown>> = InstrumentationEvent<T, ConsumerEventName>;

export class ConsumerEventEmitter extends InstrumentationEmitter<ConsumerEventName> {}
