/** KafkaJS's consumer event names and envelope, so instrumentation written for KafkaJS keeps working. */
import { EventEmitter } from 'node:events';

export const ConsumerEvents = {
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH: 'consumer.fetch',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
} as const;

export type ConsumerEventName = (typeof ConsumerEvents)[keyof typeof ConsumerEvents];

export interface ConsumerEvent<T = Record<string, unknown>> {
  id: number;
  type: ConsumerEventName;
  timestamp: number;
  payload: T;
}

export class ConsumerEventEmitter {
  private readonly emitter = new EventEmitter();
  private nextId = 0;

  constructor() {
    // A 'crash' listener is optional; EventEmitter only treats 'error' specially, so nothing throws.
    this.emitter.setMaxListeners(0);
  }

  on(type: ConsumerEventName, listener: (event: ConsumerEvent) => void): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }

  emit(type: ConsumerEventName, payload: Record<string, unknown>): void {
    if (this.emitter.listenerCount(type) === 0) return;
    const event: ConsumerEvent = { id: this.nextId++, type, timestamp: Date.now(), payload };
    for (const listener of this.emitter.listeners(type)) {
      try {
        (listener as (e: ConsumerEvent) => void)(event);
      } catch {
        // A failing listener must not break consumption.
      }
    }
  }
}
