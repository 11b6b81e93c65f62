/** InitProducerId and idempotent produce: deduplicated retries, sequence and epoch checks. */
import { ErrorCode } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, fetchRecords, values } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'idem', 1);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

async function initProducer(version = 4, producerId = -1n, producerEpoch = -1) {
  return client.request(22, version, {
    transactionalId: null,
    transactionTimeoutMs: 60_000,
    producerId,
    producerEpoch,
  });
}

async function send(producerId: bigint, producerEpoch: number, baseSequence: number, values: string[]) {
  const response = await client.request(0, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [
      {
        name: 'idem',
        partitionData: [
          {
            index: 0,
            records: buildBatch(
              values.map((value) => ({ key: null, value })),
              { producerId, producerEpoch, baseSequence },
            ),
          },
        ],
      },
    ],
  });
  return response.responses[0].partitionResponses[0];
}

describe('idempotent producers', () => {
  it('hands out producer ids with every InitProducerId version v0-v5', async () => {
    const ids = new Set<bigint>();
    for (let version = 0; version <= 5; version++) {
      const response = await initProducer(version);
      expect(response).toMatchObject({ errorCode: 0, producerEpoch: 0 });
      ids.add(response.producerId);
    }
    expect(ids.size).toBe(6);
  });

  it('writes a retried batch once and answers it with the original offset', async () => {
    const { producerId } = await initProducer();
    expect(await send(producerId, 0, 0, ['a', 'b'])).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await send(producerId, 0, 0, ['a', 'b'])).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await send(producerId, 0, 2, ['c'])).toMatchObject({ errorCode: 0, baseOffset: 2n });
    expect(values((await fetchRecords(client, 'idem', 0, 0)).records)).toEqual(['a', 'b', 'c']);
  });

  it('answers a retry of any of the last five batches with its original offset; older ones are out of order', async () => {
    const { producerId } = await initProducer();
    const sent: { seq: number; values: string[]; baseOffset: bigint }[] = [];
    let seq = 0;
    for (let i = 0; i < 7; i++) {
      const batchValues = Array.from({ length: i + 1 }, (_, j) => `b${i}-${j}`);
      const result = await send(producerId, 0, seq, batchValues);
      expect(result.errorCode).toBe(0);
      sent.push({ seq, values: batchValues, baseOffset: result.baseOffset });
      seq += batchValues.length;
    }
    const end = (await fetchRecords(client, 'idem', 0, 0)).highWatermark;
    for (const batch of sent.slice(-5)) {
      expect(await send(producerId, 0, batch.seq, batch.values)).toMatchObject({
        errorCode: 0,
        baseOffset: batch.baseOffset,
      });
    }
    const old = sent[1];
    expect((await send(producerId, 0, old.seq, old.values)).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect((await fetchRecords(client, 'idem', 0, 0)).highWatermark).toBe(end);
  });

  it('refuses sequence gaps and fenced epochs', async () => {
    const { producerId } = await initProducer();
    expect((await send(producerId, 0, 0, ['x'])).errorCode).toBe(0);
    expect((await send(producerId, 0, 5, ['gap'])).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // Like Kafka, InitProducerId without a transactional id always hands out a new producer id;
    // Java producers bump their epoch locally instead, which the partition accepts from sequence 0.
    const again = await initProducer(3, producerId, 0);
    expect(again).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(again.producerId).not.toBe(producerId);
    expect((await send(producerId, 1, 0, ['new epoch'])).errorCode).toBe(0);
    expect((await send(producerId, 0, 1, ['old epoch'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('serves an idempotent KafkaJS producer', async () => {
    const kafka = new Kafka({
      clientId: 'idempotent',
      brokers: broker.bootstrap,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await createTopic(client, 'idem-kafkajs', 1);
    for (let i = 0; i < 5; i++) {
      await producer.send({
        topic: 'idem-kafkajs',
        acks: -1,
        messages: [{ value: `m${i}` }, { value: `n${i}` }],
      });
    }
    await producer.disconnect();
    expect(values((await fetchRecords(client, 'idem-kafkajs', 0, 0)).records)).toHaveLength(10);
  });
});
