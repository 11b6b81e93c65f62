/**
 * KafkaJS's instrumentation events: `client.on(client.events.X, listener)` with the envelope
 * `{ id, type, timestamp, payload }`, so listeners and dashboards written for KafkaJS keep working.
 * Emitting costs one lookup when nobody listens; `listening(type)` lets callers skip building payloads.
 */
import { EventEmitter } from 'node:events';

export interface InstrumentationEvent<T = Record<string, unknown>, Name extends string = string> {
  id: number;
  type: Name;
  timestamp: number;
  payload: T;
}

let nextId = 0;

export class InstrumentationEmitter<Name extends string = string> {
  private readonly emitter = new EventEmitter();

  constructor() {
    // An unhandled 'error' is the only special event name, and none of ours is called that.
    this.emitter.setMaxListeners(0);
  }

  on(type: Name, listener: (event: InstrumentationEvent<Record<string, unknown>, Name>) => void): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }

  listening(type: Name): boolean {
    return this.emitter.listenerCount(type) > 0;
  }

  emit(type: Name, payload: unknown): void {
    if (this.emitter.listenerCount(type) === 0) return;
    const event = { id: nextId++, type, timestamp: Date.now(), payload } as InstrumentationEvent;
    if (nextId === Number.MAX_SAFE_INTEGER) nextId = 0;
    for (const listener of this.emitter.listeners(type)) {
      try {
        (listener as (e: InstrumentationEvent) => void)(event);
      } catch {
        // A failing listener must not break the client.
      }
    }
  }
}

/** KafkaJS's network events, which producer, consumer and admin each emit under their own prefix. */
export interface NetworkEventNames {
  REQUEST: string;
  REQUEST_TIMEOUT: string;
  REQUEST_QUEUE_SIZE: string;
}

/** `producer.network.request`, ... (KafkaJS's names). */
export function networkEvents<P extends string>(prefix: P) {
  return {
    REQUEST: `${prefix}.network.request`,
    REQUEST_TIMEOUT: `${prefix}.network.request_timeout`,
    REQUEST_QUEUE_SIZE: `${prefix}.network.request_queue_size`,
  } as const;
}
