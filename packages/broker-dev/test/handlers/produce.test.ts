import {
  ApiKey,
  BatchField,
  CompressionType,
  CRC_START,
  crc32c,
  ErrorCode,
  RECORD_BATCH_OVERHEAD,
  ZERO_UUID,
} from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, fetchRecords, produce, values } from '../helpers/kafka.js';
import { closesWithin, RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'produce-versions', 1);
  await createTopic(client, 'small-messages', 1, { 'max.message.bytes': '200' });
  await createTopic(client, 'compacted', 1, { 'cleanup.policy': 'compact' });
  await createTopic(client, 'append-time', 1, { 'message.timestamp.type': 'LogAppendTime' });
  await createTopic(client, 'strict-isr', 1, { 'min.insync.replicas': '2' });
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

function produceRequest(topic: string, partition: number, records: Buffer | null, acks = -1) {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  };
}

describe('Produce', () => {
  it('appends at consecutive offsets with every version v3-v11', async () => {
    let expected = 0n;
    for (let version = 3; version <= 11; version++) {
      const batch = buildBatch([
        { key: 'k', value: `v${version}-a` },
        { key: 'k', value: `v${version}-b` },
      ]);
      const response = await client.request(0, version, produceRequest('produce-versions', 0, batch));
      const p = response.responses[0].partitionResponses[0];
      expect(p.errorCode, `v${version}`).toBe(0);
      expect(p.baseOffset, `v${version}`).toBe(expected);
      if (version >= 5) expect(p.logStartOffset).toBe(0n);
      expected += 2n;
    }
    const fetched = await fetchRecords(client, 'produce-versions', 0, 0);
    expect(fetched.records.map((r) => r.offset)).toEqual([...Array(18).keys()]);
    expect(values(fetched.records).slice(0, 2)).toEqual(['v3-a', 'v3-b']);
  });

  it.each([0, 1, 2])(
    'rejects v%i (message formats v0/v1) with UNSUPPORTED_VERSION, as Kafka 4 does',
    async (version) => {
      const response = await client.request(
        0,
        version,
        produceRequest('produce-versions', 0, buildBatch([{ key: null, value: 'x' }])),
      );
      expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    },
  );

  it('answers UNKNOWN_TOPIC_OR_PARTITION for unknown topics and partitions', async () => {
    const batch = buildBatch([{ key: null, value: 'x' }]);
    const unknownTopic = await client.request(0, 9, produceRequest('no-such-topic', 0, batch));
    expect(unknownTopic.responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    const unknownPartition = await client.request(0, 9, produceRequest('produce-versions', 7, batch));
    expect(unknownPartition.responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it('rejects a batch with a bad CRC (CORRUPT_MESSAGE) and stores nothing', async () => {
    await createTopic(client, 'crc-check', 1);
    const batch = buildBatch([{ key: null, value: 'payload' }]);
    batch[batch.length - 1] ^= 0xff;
    const response = await client.request(0, 9, produceRequest('crc-check', 0, batch));
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await fetchRecords(client, 'crc-check', 0, 0)).highWatermark).toBe(0n);
  });

  it('rejects message format v1 batches in v3+ requests with INVALID_RECORD', async () => {
    const batch = buildBatch([{ key: null, value: 'x' }]);
    batch[16] = 1;
    const response = await client.request(0, 9, produceRequest('crc-check', 0, batch));
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it('enforces max.message.bytes (MESSAGE_TOO_LARGE)', async () => {
    const response = await client.request(
      0,
      9,
      produceRequest('small-messages', 0, buildBatch([{ key: null, value: 'x'.repeat(500) }])),
    );
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('rejects records without a key on compacted topics (INVALID_RECORD)', async () => {
    const response = await client.request(
      0,
      9,
      produceRequest('compacted', 0, buildBatch([{ key: null, value: 'x' }])),
    );
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produce(client, 'compacted', 0, [{ key: 'k', value: 'x' }])).errorCode).toBe(0);
  });

  it('stamps LogAppendTime topics and reports the time', async () => {
    const before = Date.now();
    const p = await produce(client, 'append-time', 0, [{ key: null, value: 'x', timestamp: 1000 }]);
    expect(p.errorCode).toBe(0);
    expect(Number(p.logAppendTimeMs)).toBeGreaterThanOrEqual(before);
    const fetched = await fetchRecords(client, 'append-time', 0, 0);
    expect(fetched.records[0].timestamp).toBe(Number(p.logAppendTimeMs));
  });

  it('checks min.insync.replicas for acks=-1 only', async () => {
    expect(
      (await produce(client, 'strict-isr', 0, [{ key: null, value: 'x' }], { acks: -1 })).errorCode,
    ).toBe(19);
    expect((await produce(client, 'strict-isr', 0, [{ key: null, value: 'x' }], { acks: 1 })).errorCode).toBe(
      0,
    );
  });

  it('rejects invalid acks with INVALID_REQUIRED_ACKS', async () => {
    const response = await client.request(
      0,
      9,
      produceRequest('produce-versions', 0, buildBatch([{ key: null, value: 'x' }]), 2),
    );
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
  });

  it('sends no response for acks=0 and keeps later responses in order', async () => {
    const acks0 = await RawClient.connect(broker.bootstrap[0]);
    await createTopic(acks0, 'acks-zero', 1);
    acks0.send(
      0,
      9,
      produceRequest('acks-zero', 0, buildBatch([{ key: null, value: 'fire-and-forget' }]), 0),
    );
    const after = await acks0.request(
      0,
      9,
      produceRequest('acks-zero', 0, buildBatch([{ key: null, value: 'acked' }]), 1),
    );
    expect(after.responses[0].partitionResponses[0].baseOffset).toBe(1n);
    expect(values((await fetchRecords(acks0, 'acks-zero', 0, 0)).records)).toEqual([
      'fire-and-forget',
      'acked',
    ]);
    acks0.close();
  });

  it('closes the connection when an acks=0 produce fails, as Kafka does', async () => {
    const acks0 = await RawClient.connect(broker.bootstrap[0]);
    acks0.send(0, 9, produceRequest('no-such-topic', 0, buildBatch([{ key: null, value: 'x' }]), 0));
    expect(await closesWithin(acks0, 10_000)).toBe(true);
  });

  it('refuses more than one batch per partition (INVALID_RECORD), as Kafka does, and stores nothing', async () => {
    await createTopic(client, 'multi-batch', 1);
    const two = Buffer.concat([
      buildBatch([{ key: null, value: 'a' }]),
      buildBatch([{ key: null, value: 'b' }]),
    ]);
    const rejected = await client.request(0, 9, produceRequest('multi-batch', 0, two));
    expect(rejected.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await fetchRecords(client, 'multi-batch', 0, 0)).highWatermark).toBe(0n);
  });

  describe('batches no client could read are refused, and the partition stays readable', () => {
    /** Applies `mutate` to a fresh batch and gives it a valid CRC32C, as a buggy or hostile client would. */
    function unreadable(mutate: (batch: Buffer) => void): Buffer {
      const batch = buildBatch([
        { key: 'k', value: 'one' },
        { key: 'k', value: 'two' },
      ]);
      mutate(batch);
      batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), BatchField.crc);
      return batch;
    }

    it.each([
      [
        'an unknown compression codec (7)',
        // protocol-constants: allow 7 is the codec Kafka does not define
        (b: Buffer) => b.writeInt16BE(7, BatchField.attributes),
        ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      ],
      [
        'the gzip flag over uncompressed records',
        (b: Buffer) => b.writeInt16BE(CompressionType.GZIP, BatchField.attributes),
        ErrorCode.CORRUPT_MESSAGE,
      ],
      [
        'a broken record-length varint',
        (b: Buffer) => b.fill(0xff, RECORD_BATCH_OVERHEAD, RECORD_BATCH_OVERHEAD + 5),
        ErrorCode.INVALID_RECORD,
      ],
      [
        'a record count above the records present',
        (b: Buffer) => {
          b.writeInt32BE(3, BatchField.recordsCount);
          b.writeInt32BE(2, BatchField.lastOffsetDelta);
        },
        ErrorCode.INVALID_RECORD,
      ],
    ])('%s', async (_what, mutate, errorCode) => {
      const topic = `unreadable-${errorCode}-${mutate.toString().length}`;
      await createTopic(client, topic, 1);
      const response = await client.request(0, 9, produceRequest(topic, 0, unreadable(mutate)));
      expect(response.responses[0].partitionResponses[0].errorCode).toBe(errorCode);
      expect((await produce(client, topic, 0, [{ key: 'k', value: 'fine' }])).baseOffset).toBe(0n);
      expect(values((await fetchRecords(client, topic, 0, 0)).records)).toEqual(['fine']);
    });
  });

  it('refuses writes to internal topics (INVALID_TOPIC_EXCEPTION), also when they exist', async () => {
    for (const internal of ['__consumer_offsets', '__transaction_state']) {
      const batch = buildBatch([{ key: 'k', value: 'forged' }]);
      const missing = await client.request(0, 9, produceRequest(internal, 0, batch));
      expect(missing.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
      await createTopic(client, internal, 1);
      const metadata = await client.request(ApiKey.Metadata, 12, {
        topics: [{ topicId: ZERO_UUID, name: internal }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      expect(metadata.topics[0].isInternal).toBe(true);
      for (const version of [3, 9, 11]) {
        const response = await client.request(0, version, produceRequest(internal, 0, batch));
        expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
      }
      expect((await fetchRecords(client, internal, 0, 0)).highWatermark).toBe(0n);
      const deleteRecords = await client.request(ApiKey.DeleteRecords, 2, {
        topics: [{ name: internal, partitions: [{ partitionIndex: 0, offset: -1n }] }],
        timeoutMs: 1000,
      });
      expect(deleteRecords.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    }
    // Kafka lets its own admin tools (client id __admin_client) append to internal topics.
    const admin = await client.request(
      0,
      9,
      produceRequest('__consumer_offsets', 0, buildBatch([{ key: 'k', value: 'v' }])),
      '__admin_client',
    );
    expect(admin.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
  });
});
