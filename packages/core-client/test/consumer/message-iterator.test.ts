import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../../src/consumer/message.js';
import { type IteratedConsumer, messageIterator } from '../../src/consumer/message-iterator.js';
import type { RunOptions } from '../../src/consumer/run-options.js';

type Message = KafkaMessage<Buffer | null, Buffer | null>;

const message = (offset: number): Message => ({
  topic: 't',
  partition: 0,
  key: null,
  value: null,
  headers: {},
  offset: String(offset),
  timestamp: '0',
  attributes: 0,
  leaderEpoch: 0,
});

/** A consumer whose run() hands messages to eachMessage on request, recording what happened. */
function fakeConsumer() {
  const log: string[] = [];
  let options: RunOptions<Buffer | null, Buffer | null> | null = null;
  const stopListeners = new Set<() => void>();
  const crashListeners = new Set<(err: Error) => void>();
  let failRun: ((err: Error) => void) | null = null;
  const consumer: IteratedConsumer<Buffer | null, Buffer | null> = {
    run: (o) => {
      options = o;
      log.push('run');
      return new Promise((_, reject) => {
        failRun = reject;
      });
    },
    stop: async () => {
      log.push('stop');
      for (const l of stopListeners) l();
    },
    onStop: (l) => {
      stopListeners.add(l);
      return () => stopListeners.delete(l);
    },
    onCrash: (l) => {
      crashListeners.add(l);
      return () => crashListeners.delete(l);
    },
  };
  /** Delivers a message like the runner: resolves once the handler returned. */
  const deliver = async (offset: number) => {
    await options!.eachMessage!({
      topic: 't',
      partition: 0,
      message: message(offset),
      heartbeat: async () => {},
      pause: () => () => {},
    });
    log.push(`handled ${offset}`);
  };
  const crash = (err: Error) => {
    for (const l of crashListeners) l(err);
  };
  return { consumer, log, deliver, crash, failRun: (err: Error) => failRun!(err), listeners: crashListeners };
}

describe('messageIterator', () => {
  it('starts the consumer on the first next() and counts a message handled when the next is asked for', async () => {
    const fake = fakeConsumer();
    const messages = messageIterator(fake.consumer, {});
    expect(fake.log).toEqual([]);
    const first = messages.next();
    expect(fake.log).toEqual(['run']);
    const handled0 = fake.deliver(0);
    expect((await first).value?.offset).toBe('0');
    const handled1 = fake.deliver(1);
    await Promise.resolve();
    expect(fake.log).toEqual(['run']);
    expect((await messages.next()).value?.offset).toBe('1');
    await handled0;
    expect(fake.log).toEqual(['run', 'handled 0']);
    // Leaving the loop releases the message in hand and stops the consumer.
    await messages.return!();
    await handled1;
    expect(fake.log.slice(2).sort()).toEqual(['handled 1', 'stop']);
  });

  it('ends a next() still waiting when return() is called from elsewhere', async () => {
    const fake = fakeConsumer();
    const messages = messageIterator(fake.consumer, {});
    const waiting = messages.next();
    await messages.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(fake.log).toEqual(['run', 'stop']);
  });

  it('ends with the error when the consumer crashes, and stops listening', async () => {
    const fake = fakeConsumer();
    const messages = messageIterator(fake.consumer, {});
    const pending = messages.next();
    fake.crash(new Error('boom'));
    await expect(pending).rejects.toThrow('boom');
    await expect(messages.next()).rejects.toThrow('boom');
    expect(fake.listeners.size).toBe(0);
  });

  it('ends when run() fails to start, and when the consumer stops', async () => {
    const failing = fakeConsumer();
    const a = messageIterator(failing.consumer, {});
    const pending = a.next();
    failing.failRun(new Error('no broker'));
    await expect(pending).rejects.toThrow('no broker');

    const stopped = fakeConsumer();
    const b = messageIterator(stopped.consumer, {});
    const next = b.next();
    await stopped.consumer.stop();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
