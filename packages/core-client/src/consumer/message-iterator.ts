/**
 * `for await (const message of consumer)`: the consumer runs with an eachMessage handler that hands
 * each message to the loop and returns once the loop asks for the next one, so a message counts as
 * handled (and becomes committable) then. Leaving the loop stops the consumer; a crash ends it with
 * the error.
 */
import type { KafkaMessage } from './message.js';
import type { RunOptions } from './run-options.js';

export interface ConsumerMessagesOptions {
  signal?: AbortSignal;
  partitionsConsumedConcurrently?: number;
}

/** What the iterator drives: the consumer's run/stop and its stop and crash notifications. */
export interface IteratedConsumer<K, V> {
  run(options: RunOptions<K, V>): Promise<void>;
  stop(): Promise<void>;
  /** Returns the unsubscribe function. */
  onStop(listener: () => void): () => void;
  /** Returns the unsubscribe function. */
  onCrash(listener: (err: Error) => void): () => void;
}

export function messageIterator<K, V>(
  consumer: IteratedConsumer<K, V>,
  options: ConsumerMessagesOptions,
): AsyncIterableIterator<KafkaMessage<K, V>> {
  type Waiter = { resolve: (r: IteratorResult<KafkaMessage<K, V>>) => void; reject: (e: unknown) => void };
  const ready: { message: KafkaMessage<K, V>; release: () => void }[] = [];
  let waiter: Waiter | null = null;
  let current: (() => void) | null = null;
  let failure: unknown = null;
  let finished = false;
  let started: Promise<void> | null = null;
  let unsubscribeCrash: (() => void) | null = null;
  const finish = () => {
    finished = true;
    if (waiter) {
      const w = waiter;
      waiter = null;
      if (failure) w.reject(failure);
      else w.resolve({ done: true, value: undefined });
    }
  };
  const onCrash = (err: Error) => {
    failure = err;
    finish();
  };
  const unsubscribeStop = consumer.onStop(() => finish());
  const start = () => {
    unsubscribeCrash = consumer.onCrash(onCrash);
    started = consumer.run({
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      signal: options.signal,
      eachMessage: ({ message }) =>
        new Promise<void>((release) => {
          if (finished) return release();
          if (waiter) {
            const w = waiter;
            waiter = null;
            current = release;
            w.resolve({ done: false, value: message });
          } else ready.push({ message, release });
        }),
    });
    started.catch((err) => {
      failure = err;
      finish();
    });
  };
  const cleanup = () => {
    unsubscribeCrash?.();
    unsubscribeStop();
  };
  const iterator: AsyncIterableIterator<KafkaMessage<K, V>> = {
    next: () => {
      if (current) {
        const release = current;
        current = null;
        release();
      }
      if (!started) start();
      const next = ready.shift();
      if (next) {
        current = next.release;
        return Promise.resolve({ done: false, value: next.message });
      }
      if (failure) {
        cleanup();
        return Promise.reject(failure);
      }
      if (finished) {
        cleanup();
        return Promise.resolve({ done: true, value: undefined });
      }
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    return: async () => {
      if (current) {
        const release = current;
        current = null;
        release();
      }
      // A next() still waiting (return() called from elsewhere, e.g. on a timer) ends now, not never.
      finish();
      for (const r of ready.splice(0)) r.release();
      cleanup();
      if (started) await consumer.stop();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
