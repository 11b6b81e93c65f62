/**
 * `groupProtocol: 'consumer'` against a broker without KIP-848: the librdkafka 2.0 mock cluster (a
 * broker no one here wrote) does not advertise ConsumerGroupHeartbeat, so `run()` fails at once with
 * a GroupJoinError that says to use the classic protocol, instead of retrying forever.
 */

import { kcat, type MockCluster, startMockCluster } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GroupJoinError, Kafka, LogLevel } from '../../src/index.js';
import { makeConsumer } from '../helpers/consumer.js';

kcat.describe('the consumer protocol against a broker without it (librdkafka mock)', () => {
  let mock: MockCluster;

  beforeAll(async () => {
    mock = await startMockCluster(1);
  }, 60_000);
  afterAll(async () => {
    await mock?.stop();
  });

  it("fails run() with a hint to use groupProtocol: 'classic'", async () => {
    const kafka = new Kafka({ clientId: 'no-848', brokers: mock.bootstrap, logLevel: LogLevel.NOTHING });
    const consumer = makeConsumer(kafka, { groupId: 'no-848', groupProtocol: 'consumer' });
    await consumer.subscribe({ topics: ['no-848-topic'] });
    const error = await consumer.run({ eachMessage: async () => {} }).then(
      () => undefined,
      (err: unknown) => err,
    );
    await consumer.disconnect();
    expect(error).toBeInstanceOf(GroupJoinError);
    expect((error as Error).message).toMatch(
      /do not support the consumer group protocol.*groupProtocol: 'classic'/s,
    );
  }, 60_000);
});
