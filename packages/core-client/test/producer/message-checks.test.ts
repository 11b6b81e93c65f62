/** send()'s argument checks: near misses of option and field names, and header values that are not bytes. */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidMessageError, Kafka, LogLevel, type Producer } from '../../src/index.js';
import { checkHeaders, missingValueProblem } from '../../src/producer/message-checks.js';

describe('checkHeaders', () => {
  it('takes strings, Buffers, arrays of them, and undefined', () => {
    expect(() =>
      checkHeaders({ a: 'x', b: Buffer.from('y'), c: ['1', Buffer.from('2')], d: undefined }, 0, 't'),
    ).not.toThrow();
  });

  it('names the header, what it is and what to send instead', () => {
    expect(() => checkHeaders({ retries: 3 }, 2, 'orders')).toThrow(
      new InvalidMessageError(
        'message 2 for orders: header "retries" is a number (3); header values must be strings or Buffers (or ' +
          'arrays of them): send String(3) instead',
      ),
    );
    expect(() => checkHeaders({ ok: true }, 0, 't')).toThrow(
      /header "ok" is a boolean \(true\).*String\(true\)/,
    );
    expect(() => checkHeaders({ n: null }, 0, 't')).toThrow(/header "n" is null/);
    expect(() => checkHeaders({ list: ['a', 1] }, 0, 't')).toThrow(
      /header "list" is an array with a value that is neither a string nor a Buffer/,
    );
    expect(() => checkHeaders('x-trace', 0, 't')).toThrow(/headers must be an object/);
  });
});

describe('missingValueProblem', () => {
  it('points at a misspelled field, else at null for a tombstone', () => {
    expect(missingValueProblem({ vlaue: 'x' }, 0, 't')).toBe(
      "message 0 for t has no value but has 'vlaue' (did you mean 'value'?)",
    );
    expect(missingValueProblem({ key: 'k' }, 1, 't')).toBe(
      'message 1 for t has no value; use null for a tombstone',
    );
  });
});

describe('send() against a broker', () => {
  let broker: RunningBroker;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0, partitions: 1 });
    // Long timeouts: a send that got as far as the broker and waited would fail by the tests' own 15 s.
    producer = new Kafka({
      brokers: broker.bootstrap,
      logLevel: LogLevel.NOTHING,
      requestTimeout: 60_000,
    }).producer({
      maxBlockMs: 10 * 60_000,
    });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it('a number as a header value: a typed error naming it, at once (not a RangeError from the encoder)', async () => {
    const error = await producer
      .send({ topic: 'headers', messages: [{ value: 'x', headers: { attempt: 1 as never } }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as Error).message).toBe(
      'message 0 for headers: header "attempt" is a number (1); header values must be strings or Buffers (or ' +
        'arrays of them): send String(1) instead',
    );
  }, 15_000);

  it("send({ ack }) and sendBatch's near misses: did you mean", async () => {
    const error = await producer
      .send({ topic: 'headers', messages: [{ value: 'x' }], ack: 1 } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      "Invalid option ack: send(): unknown option 'ack' (did you mean 'acks'?)",
    );
    await expect(
      producer.sendBatch({ topicMessages: [{ topic: 'headers', mesages: [] } as never] }),
    ).rejects.toThrow(/unknown option 'mesages' \(did you mean 'messages'\?\)/);
    await expect(producer.send({ topic: 'headers', messages: [{ vlaue: 'x' } as never] })).rejects.toThrow(
      "message 0 for headers has no value but has 'vlaue' (did you mean 'value'?)",
    );
  });
});
