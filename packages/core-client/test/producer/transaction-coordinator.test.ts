/** The transaction coordinator's requests against the dev broker, which speaks AddPartitionsToTxn up to v5. */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, LogLevel } from '../../src/index.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ brokers: 1, port: 0, partitions: 1 });
});

afterAll(async () => {
  await broker?.stop();
});

describe('TransactionCoordinatorClient', () => {
  it("adds partitions with AddPartitionsToTxn v3: v4+ is the brokers' batched form (KIP-890), so a commit works", async () => {
    broker.control.recordRequests();
    const producer = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING }).producer({
      transactionalId: 'coordinator-versions',
    });
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic: 'txn-versions', messages: [{ value: 'committed' }] });
    await transaction.commit();
    await producer.disconnect();
    const added = broker.control.requests().filter((r) => r.api === 'AddPartitionsToTxn');
    expect(added.map((r) => r.apiVersion)).toEqual([3]);
  });
});
