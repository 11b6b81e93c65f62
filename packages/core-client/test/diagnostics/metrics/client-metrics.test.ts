/**
 * `metrics()` on producer, consumer and admin against @samsa/broker-dev: after producing N records and
 * consuming M, the snapshots say exactly N sent, M consumed and a lag of N - M per partition, with the
 * request metrics (per broker and per API) filled in.
 */
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../../helpers/broker-fixture.js';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture({ brokers: 1, partitions: 2 });
});

afterAll(async () => {
  await fixture?.stop();
});

describe('client metrics', () => {
  it('producer: records and bytes sent, batches, requests per broker and API, buffer memory', async () => {
    const producer = fixture.kafka.producer({ lingerMs: 5 });
    await producer.connect();
    await producer.send({
      topic: 'm-produce',
      messages: Array.from({ length: 30 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })),
    });
    await producer.send({ topic: 'm-produce-2', messages: [{ value: 'x' }] });
    await expect(
      producer.send({ topic: 'm-produce', messages: [{ value: 'x', partition: 7 }] }),
    ).rejects.toThrow();
    const m = producer.metrics();
    await producer.disconnect();

    expect(m.client).toEqual({ type: 'producer', clientId: 'samsa-consumer-it' });
    expect(m.recordSendTotal).toBe(31);
    expect(m.recordErrorTotal).toBe(0);
    expect(m.topics.find((t) => t.topic === 'm-produce')).toMatchObject({ recordSendTotal: 30 });
    expect(m.topics.find((t) => t.topic === 'm-produce-2')).toMatchObject({ recordSendTotal: 1 });
    expect(m.byteTotal).toBeGreaterThan(30 * 2);
    expect(m.batchSizeAvg).toBeGreaterThan(0);
    expect(m.recordsPerRequestAvg).toBeGreaterThan(0);
    expect(m.recordQueueTimeMax).toBeGreaterThanOrEqual(0);
    expect(m.bufferAvailableBytes).toBe(m.bufferTotalBytes);
    expect(m.bufferWaiting).toBe(0);
    expect(m.requestsInFlight).toBe(0);
    expect(m.requestTotal).toBe(m.brokers.reduce((n, b) => n + b.requestTotal, 0));
    expect(m.requestLatencyAvg).toBeGreaterThan(0);
    expect(m.requestLatencyMax).toBeGreaterThanOrEqual(m.requestLatencyAvg!);
    const produce = m.apis.find((a) => a.apiName === 'Produce')!;
    expect(produce.requestTotal).toBeGreaterThanOrEqual(2);
    expect(produce.requestLatencyP99).toBeGreaterThan(0);
    const broker = m.brokers.find((b) => b.nodeId >= 0)!;
    expect(broker.host).toBe('127.0.0.1');
    expect(broker.outgoingByteTotal).toBeGreaterThan(0);
    expect(broker.incomingByteTotal).toBeGreaterThan(0);
  });

  it('consumer: after N produced and M consumed, M consumed and a lag of N - M per partition', async () => {
    const producer = fixture.kafka.producer();
    await producer.connect();
    const perPartition = [60, 40];
    await producer.send({
      topic: 'm-consume',
      messages: perPartition.flatMap((n, partition) =>
        Array.from({ length: n }, () => ({ value: 'v', partition })),
      ),
    });
    await producer.disconnect();

    // Handle 25 of partition 0 and 10 of partition 1, then pause each: delivery stops right there.
    const stopAt = [25, 10];
    const handled = [0, 0];
    const consumer = fixture.kafka.consumer({ groupId: 'm-group', autoOffsetReset: 'earliest' });
    await consumer.subscribe({ topics: ['m-consume'] });
    await consumer.run({
      eachMessage: async ({ partition, pause }) => {
        handled[partition]++;
        if (handled[partition] === stopAt[partition]) pause();
      },
    });
    await waitFor('both partitions paused', () => handled[0] === 25 && handled[1] === 10);
    const m = await waitFor('high watermarks known', () => {
      const snapshot = consumer.metrics();
      return snapshot.partitions.every((p) => p.highWatermark !== null) ? snapshot : null;
    });
    await consumer.disconnect();

    expect(m.client).toEqual({ type: 'consumer', clientId: 'samsa-consumer-it', groupId: 'm-group' });
    expect(m.recordsConsumedTotal).toBe(35);
    expect(m.assignedPartitions).toBe(2);
    expect(m.partitions.map((p) => [p.partition, p.position, p.highWatermark, p.recordsLag])).toEqual([
      [0, '25', '60', 35],
      [1, '10', '40', 30],
    ]);
    expect(m.recordsLagMax).toBe(35);
    expect(m.bytesConsumedTotal).toBeGreaterThan(0);
    expect(m.fetchTotal).toBeGreaterThan(0);
    expect(m.fetchLatencyAvg).toBeGreaterThan(0);
    expect(m.rebalanceTotal).toBe(1);
    expect(m.rebalanceLatencyMax).toBeGreaterThan(0);
    expect(m.lastRebalanceSecondsAgo).toBeGreaterThanOrEqual(0);
    expect(m.apis.map((a) => a.apiName)).toEqual(expect.arrayContaining(['JoinGroup', 'SyncGroup', 'Fetch']));
  });

  it('consumer: commits and heartbeats', async () => {
    await fixture.produce('m-commit', 5);
    const consumer = fixture.kafka.consumer({
      groupId: 'm-commit-group',
      autoOffsetReset: 'earliest',
      heartbeatIntervalMs: 50,
    });
    let handled = 0;
    await consumer.subscribe({ topics: ['m-commit'] });
    await consumer.run({
      eachMessage: async () => {
        handled++;
      },
    });
    await waitFor('5 records', () => handled === 5);
    await consumer.commitOffsets([{ topic: 'm-commit', partition: 0, offset: '1' }]);
    const m = await waitFor('a heartbeat', () => {
      const snapshot = consumer.metrics();
      return snapshot.heartbeatTotal > 0 ? snapshot : null;
    });
    await consumer.disconnect();
    expect(m.commitTotal).toBeGreaterThanOrEqual(1);
    expect(m.commitLatencyAvg).toBeGreaterThan(0);
    expect(m.lastHeartbeatSecondsAgo).toBeGreaterThanOrEqual(0);
    expect(m.lastHeartbeatSecondsAgo).toBeLessThan(60);
  });

  it('admin: its requests', async () => {
    const admin = fixture.kafka.admin();
    await admin.connect();
    await admin.listTopics();
    const m = admin.metrics();
    await admin.disconnect();
    expect(m.client).toEqual({ type: 'admin', clientId: 'samsa-consumer-it' });
    expect(m.apis.map((a) => a.apiName)).toContain('Metadata');
    expect(m.requestErrorTotal).toBe(0);
  });
});
