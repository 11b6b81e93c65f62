/**
 * Produce requests larger than a socket read: the in-memory log keeps them without copying (the
 * request buffer is handed over), so what matters is that every byte stays right afterwards,
 * through compression, compaction checks, many requests in flight, and a restart.
 */
import { randomBytes } from 'node:crypto';
import { BatchField, COMPRESSION_CODEC_MASK, CompressionType, type ProduceRequest } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { afterEach, describe, expect, it } from 'vitest';
import { protocolRecordCodecs } from '../../src/cluster/record-codecs.js';
import type { RunningBroker } from '../../src/index.js';
import { decodeRecords } from '../../src/storage/records.js';
import { brokerWithClient, createTopic, fetchRequestBody } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../storage/helpers.js';

let broker: RunningBroker | undefined;
let client: RawClient | undefined;

afterEach(async () => {
  client?.close();
  await broker?.stop();
  broker = undefined;
  client = undefined;
});

interface Sent {
  key: string;
  value: Buffer;
}

/** One batch of `count` records with random (incompressible) values of `size` bytes. */
function batchOf(count: number, size: number, compression: CompressionType, tag: string) {
  const sent: Sent[] = Array.from({ length: count }, (_, i) => ({
    key: `${tag}-${i}`,
    value: randomBytes(size),
  }));
  return { batch: buildBatch(sent, { compression }), sent };
}

function produceBody(topic: string, records: Buffer): ProduceRequest {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  };
}

/** Every record of the partition, decoded (any codec). */
async function readBack(c: RawClient, topic: string): Promise<Sent[]> {
  const out: Sent[] = [];
  let offset = 0;
  for (;;) {
    const response = await c.request(
      1,
      11,
      fetchRequestBody(topic, [{ partition: 0, offset, maxBytes: 8 * 1024 * 1024 }], {
        maxWaitMs: 0,
        maxBytes: 32 * 1024 * 1024,
      }),
    );
    const p = response.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    const data = Array.isArray(p.records) ? Buffer.concat(p.records) : (p.records ?? Buffer.alloc(0));
    let pos = 0;
    while (pos + 61 <= data.length) {
      const size = data.readInt32BE(pos + 8) + 12;
      if (pos + size > data.length) break;
      for (const record of decodeRecords(data.subarray(pos, pos + size), protocolRecordCodecs)) {
        if (record.offset < offset) continue;
        out.push({ key: record.key?.toString() ?? '', value: Buffer.from(record.value ?? Buffer.alloc(0)) });
        offset = record.offset + 1;
      }
      pos += size;
    }
    if (offset >= Number(p.highWatermark)) return out;
  }
}

function expectSame(actual: Sent[], expected: Sent[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i].key).toBe(expected[i].key);
    expect(actual[i].value.equals(expected[i].value)).toBe(true);
  }
}

const CODECS: [string, CompressionType][] = [
  ['none', CompressionType.None],
  ['gzip', CompressionType.GZIP],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.LZ4],
  ['zstd', CompressionType.ZSTD],
];

describe.each([
  ['in memory', false],
  ['on disk', true],
])('large produce requests (%s)', (_, onDisk) => {
  it.each(CODECS)('%s batches of ~300 KB into a compacted topic read back exactly', async (_codec, type) => {
    ({ broker, client } = await brokerWithClient(onDisk ? { dataDir: tempDir() } : {}));
    await createTopic(client, 'big', 1, { 'cleanup.policy': 'compact' });
    const expected: Sent[] = [];
    for (let n = 0; n < 4; n++) {
      const { batch, sent } = batchOf(300, 1000, type, `b${n}`);
      expect(batch.length).toBeGreaterThan(128 * 1024);
      expect(batch.readInt16BE(BatchField.attributes) & COMPRESSION_CODEC_MASK).toBe(type);
      const response = await client.request(0, 9, produceBody('big', batch));
      expect(response.responses[0].partitionResponses[0].errorCode).toBe(0);
      expected.push(...sent);
    }
    expectSame(await readBack(client, 'big'), expected);
  });

  it('40 MiB of 1 MB requests in flight at once, then a restart, read back exactly', async () => {
    ({ broker, client } = await brokerWithClient(onDisk ? { dataDir: tempDir() } : {}));
    await createTopic(client, 'stream', 1);
    const c = client;
    const batches = Array.from({ length: 40 }, (_, n) => batchOf(1000, 1000, CompressionType.None, `s${n}`));
    const responses = await Promise.all(
      batches.map(({ batch }) => c.request(0, 9, produceBody('stream', batch))),
    );
    expect(responses.map((r) => r.responses[0].partitionResponses[0].baseOffset)).toEqual(
      batches.map((_, n) => BigInt(n * 1000)),
    );
    const expected = batches.flatMap((b) => b.sent);
    expectSame(await readBack(c, 'stream'), expected);

    c.close();
    await broker.restart();
    client = await RawClient.connect(broker.bootstrap[0]);
    expectSame(await readBack(client, 'stream'), expected);
    const more = batchOf(1000, 1000, CompressionType.None, 'after');
    const after = await client.request(0, 9, produceBody('stream', more.batch));
    expect(after.responses[0].partitionResponses[0].baseOffset).toBe(40_000n);
    expectSame(await readBack(client, 'stream'), [...expected, ...more.sent]);
  }, 60_000);
});
