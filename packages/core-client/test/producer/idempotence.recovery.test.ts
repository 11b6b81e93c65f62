/**
 * KIP-360 recovery of the idempotent producer end to end, against a fake cluster with Kafka's
 * sequence and epoch checks: a partition whose producer state the broker lost starts over at
 * sequence 0 one epoch up (no new producer id), other partitions keep their sequences until their
 * next batch, and nothing acknowledged is sent again.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, LogLevel, type Producer } from '../../src/index.js';
import {
  type FakeTransactionalCluster,
  startFakeTransactionalCluster,
} from '../helpers/fake-transactional-cluster.js';

let fake: FakeTransactionalCluster | null = null;
const producers: Producer[] = [];

afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => {});
  await fake?.stop();
  fake = null;
});

async function setup(): Promise<{ producer: Producer; fake: FakeTransactionalCluster }> {
  fake = await startFakeTransactionalCluster({ topics: { t: 2 } });
  const producer = new Kafka({ brokers: fake.bootstrap, logLevel: LogLevel.NOTHING }).producer({
    lingerMs: 0,
    retryBackoffMs: 5,
  });
  producers.push(producer);
  await producer.connect();
  return { producer, fake };
}

/** [partition, epoch, baseSequence, records] of every batch sent, in order. */
const sent = (f: FakeTransactionalCluster) =>
  f.produced.flat().map((b) => [b.partition, b.epoch, b.baseSequence, b.count]);

describe('idempotent producer recovery (KIP-360)', () => {
  it('bumps the epoch for the partition the broker forgot and starts it over at 0; the other partition follows with its next batch', async () => {
    const { producer, fake } = await setup();
    await producer.send({
      topic: 't',
      messages: [
        { value: 'a0', partition: 0 },
        { value: 'a1', partition: 1 },
      ],
    });
    await producer.send({
      topic: 't',
      messages: [
        { value: 'b0', partition: 0 },
        { value: 'b1', partition: 1 },
      ],
    });
    // Partition 0's leader loses this producer's state.
    fake.txns.sequences.delete('1000/t/0');
    fake.txns.epochs.delete('1000/t/0');
    await producer.send({
      topic: 't',
      messages: [
        { value: 'c0', partition: 0 },
        { value: 'c1', partition: 1 },
      ],
    });
    await producer.send({
      topic: 't',
      messages: [
        { value: 'd0', partition: 0 },
        { value: 'd1', partition: 1 },
      ],
    });

    expect(fake.requests.filter((r) => r.apiKey === ApiKey.InitProducerId)).toHaveLength(1);
    expect(sent(fake)).toEqual([
      [0, 0, 0, 1],
      [1, 0, 0, 1],
      [0, 0, 1, 1],
      [1, 0, 1, 1],
      [0, 0, 2, 1], // refused: UNKNOWN_PRODUCER_ID
      [1, 0, 2, 1], // accepted (same request)
      [0, 1, 0, 1], // c0 again, epoch 1, sequence 0
      [0, 1, 1, 1],
      [1, 1, 0, 1], // partition 1 moves to epoch 1 with its next batch
    ]);
    expect(fake.records('t', 0).map((r) => r.value)).toEqual(['a0', 'b0', 'c0', 'd0']);
    expect(fake.records('t', 1).map((r) => r.value)).toEqual(['a1', 'b1', 'c1', 'd1']);
  });

  it('recovers from OUT_OF_ORDER_SEQUENCE_NUMBER on the first unacknowledged batch without duplicating what was acknowledged', async () => {
    const { producer, fake } = await setup();
    await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
    fake.failNext(ApiKey.Produce, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 1, { topic: 't', partition: 0 });
    await producer.send({ topic: 't', messages: [{ value: 'b', partition: 0 }] });
    await producer.send({ topic: 't', messages: [{ value: 'c', partition: 0 }] });
    expect(sent(fake)).toEqual([
      [0, 0, 0, 1],
      [0, 0, 1, 1], // refused
      [0, 1, 0, 1],
      [0, 1, 1, 1],
    ]);
    expect(fake.records('t', 0).map((r) => r.value)).toEqual(['a', 'b', 'c']);
  });
});
