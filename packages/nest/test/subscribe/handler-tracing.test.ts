import { AsyncLocalStorage } from 'node:async_hooks';
import { defer, of, throwError } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumedMessage, ConsumerLike } from '../../src/client/kafka-like.js';
import { resolveRetryPolicy } from '../../src/consume/retry-policy.js';
import type { SubscriptionSpec } from '../../src/consume/subscription-spec.js';
import { BatchRecordError, NonRetryableError } from '../../src/errors.js';
import {
  HANDLE_CHANNEL,
  type HandleEvent,
  handleChannel,
  inFailedAttemptScope,
  traceHandler,
} from '../../src/subscribe/handler-tracing.js';
import { SamsaBatchContext, SamsaContext } from '../../src/subscribe/samsa.context.js';

const message = (offset: string): ConsumedMessage => ({
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  offset,
  timestamp: '0',
});
const heartbeats = { heartbeat: async () => {} };
const consumer = {} as ConsumerLike;
const recordContext = (attempt: number) =>
  new SamsaContext('orders', 2, message('7'), 'payments', attempt, consumer, heartbeats as never);
const batchContext = (attempt: number) =>
  new SamsaBatchContext(
    'orders',
    2,
    [message('7'), message('8')],
    'payments',
    attempt,
    consumer,
    heartbeats as never,
  );

function spec(invoke: SubscriptionSpec['invoke'], deadLetter = true): SubscriptionSpec {
  return {
    id: 'Payments.charge',
    topics: ['orders'],
    groupId: 'payments',
    fromBeginning: false,
    partitionsConcurrently: 1,
    keysPerPartition: 1,
    batch: false,
    transactional: false,
    retry: resolveRetryPolicy({ attempts: 3 }),
    deadLetterTopic: deadLetter ? (topic) => `${topic}.dlq` : undefined,
    value: 'json',
    invoke,
  };
}

/** Every message published on the channel, as [phase, outcome]. */
function record(): { phases: [string, HandleEvent['outcome']][]; events: HandleEvent[]; stop(): void } {
  const phases: [string, HandleEvent['outcome']][] = [];
  const events: HandleEvent[] = [];
  const on = (phase: string) => (event: HandleEvent) => {
    phases.push([phase, event.outcome]);
    if (phase === 'start') events.push(event);
  };
  const handlers = {
    start: on('start'),
    end: on('end'),
    asyncStart: on('asyncStart'),
    asyncEnd: on('asyncEnd'),
    error: on('error'),
  };
  handleChannel.subscribe(handlers as never);
  return { phases, events, stop: () => handleChannel.unsubscribe(handlers as never) };
}

let recorder: ReturnType<typeof record> | undefined;
afterEach(() => {
  recorder?.stop();
  recorder = undefined;
});

describe('traceHandler', () => {
  it('calls the handler straight through while nobody subscribes', () => {
    expect(handleChannel.hasSubscribers).toBe(false);
    let calls = 0;
    const invoke = traceHandler(spec(() => ++calls));
    expect(invoke('payload', recordContext(1))).toBe(1);
    expect(calls).toBe(1);
  });

  it('publishes a handled invocation with its handler, record and attempt', async () => {
    recorder = record();
    const invoke = traceHandler(spec(async (payload) => `charged ${payload}`));
    await expect(invoke('o-1', recordContext(1))).resolves.toBe('charged o-1');
    expect(recorder.phases).toEqual([
      ['start', undefined],
      ['end', undefined],
      ['asyncStart', 'handled'],
      ['asyncEnd', 'handled'],
    ]);
    expect(recorder.events[0]).toMatchObject({
      handler: 'Payments.charge',
      groupId: 'payments',
      topic: 'orders',
      partition: 2,
      attempt: 1,
      maxAttempts: 3,
      message: { offset: '7' },
      outcome: 'handled',
      result: 'charged o-1',
    });
    expect(HANDLE_CHANNEL).toBe('samsa:nest:handle');
  });

  it('gives the retry policy verdict: retry while attempts are left, then the dead letter', async () => {
    recorder = record();
    const failure = new Error('down');
    const invoke = traceHandler(spec(async () => Promise.reject(failure)));
    await expect(invoke('o-1', recordContext(2))).rejects.toBe(failure);
    await expect(invoke('o-1', recordContext(3))).rejects.toBe(failure);
    const [second, third] = recorder.events;
    expect(second).toMatchObject({ attempt: 2, outcome: 'retry', error: failure });
    expect(second!.deadLetterTopic).toBeUndefined();
    expect(third).toMatchObject({ attempt: 3, outcome: 'dead-letter', deadLetterTopic: 'orders.dlq' });
    expect(recorder.phases.filter(([phase]) => phase === 'error').map(([, outcome]) => outcome)).toEqual([
      'retry',
      'dead-letter',
    ]);
  });

  it('a synchronous throw that is not retryable is skipped when dead-lettering is off', () => {
    recorder = record();
    const failure = new NonRetryableError('bad order');
    const invoke = traceHandler(
      spec(() => {
        throw failure;
      }, false),
    );
    expect(() => invoke('o-1', recordContext(1))).toThrow(failure);
    expect(recorder.phases).toEqual([
      ['start', undefined],
      ['error', 'skip'],
      ['end', 'skip'],
      ['asyncStart', 'skip'],
      ['asyncEnd', 'skip'],
    ]);
  });

  it('subscribes an Observable inside the invocation and settles with its last value', async () => {
    recorder = record();
    const storage = new AsyncLocalStorage<string>();
    handleChannel.start.bindStore(storage, (event) => (event as HandleEvent).handler);
    try {
      let seen: string | undefined;
      // defer's factory runs when the Observable is subscribed: inside the invocation's stores.
      const ok = traceHandler(
        spec(() =>
          defer(() => {
            seen = storage.getStore();
            return of(1, 2);
          }),
        ),
      );
      await expect(ok('o-1', recordContext(1))).resolves.toBe(2);
      expect(seen).toBe('Payments.charge');
      const failing = traceHandler(spec(() => throwError(() => new Error('no'))));
      await expect(failing('o-1', recordContext(3))).rejects.toThrow('no');
      expect(recorder.events.map((e) => e.outcome)).toEqual(['handled', 'dead-letter']);
    } finally {
      handleChannel.start.unbindStore(storage);
    }
  });

  it('gives up on a dead-lettered attempt in its own async context, a retried one not', async () => {
    recorder = record();
    const storage = new AsyncLocalStorage<string>();
    handleChannel.start.bindStore(storage, (event) => `attempt ${(event as HandleEvent).attempt}`);
    try {
      const retried = new Error('retried');
      const dead = new Error('dead');
      const invoke = traceHandler(spec(async (payload) => Promise.reject(payload)));
      await expect(invoke(retried, recordContext(1))).rejects.toBe(retried);
      await expect(invoke(dead, recordContext(3))).rejects.toBe(dead);
      expect(storage.getStore()).toBeUndefined();
      expect(inFailedAttemptScope(dead, () => storage.getStore())).toBe('attempt 3');
      expect(inFailedAttemptScope(retried, () => storage.getStore())).toBeUndefined();
      expect(inFailedAttemptScope('not an object', () => storage.getStore())).toBeUndefined();
    } finally {
      handleChannel.start.unbindStore(storage);
    }
  });

  it("a batch handler's failure past its first record is that record's first attempt", async () => {
    recorder = record();
    const batchSpec = { ...spec(async () => Promise.reject(new BatchRecordError(1, new Error('record 1')))) };
    batchSpec.batch = { maxSize: 10 };
    const invoke = traceHandler(batchSpec);
    await expect(invoke(['a', 'b'], batchContext(3))).rejects.toThrow(BatchRecordError);
    const failingFirst = traceHandler({
      ...batchSpec,
      invoke: async () => Promise.reject(new BatchRecordError(0, new Error('record 0'))),
    });
    await expect(failingFirst(['a', 'b'], batchContext(3))).rejects.toThrow(BatchRecordError);
    expect(recorder.events.map((e) => [e.messages?.length, e.attempt, e.outcome])).toEqual([
      [2, 3, 'retry'],
      [2, 3, 'dead-letter'],
    ]);
  });
});
