/**
 * Record batches that do not decode: never refetched forever. The reader stops at such a batch,
 * the consumer fetches it again a few times (damage in transit goes away), then fails with
 * CorruptRecordBatchError naming topic, partition and offsets, or with `skipCorruptBatches` skips
 * it with a warning. End to end through a proxy that damages batches between broker-dev and the
 * client, as a broker that is not Samsa's (or a network) would serve them.
 */

import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import {
  BatchField,
  COMPRESSION_CODEC_MASK,
  computeBatchCrc,
  iterateRecordBatches,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
} from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanBatches } from '../../../src/consumer/fetch/batch-scan.js';
import { ChunkReader } from '../../../src/consumer/fetch/chunk-reader.js';
import {
  BatchDecodeFailure,
  CORRUPT_BATCH_REFETCHES,
  CorruptBatches,
} from '../../../src/consumer/fetch/corrupt-batches.js';
import { PartitionState } from '../../../src/consumer/partition-state.js';
import {
  type Consumer,
  CorruptRecordBatchError,
  type EachBatchPayload,
  ErrorCode,
  Kafka,
  type LogEntry,
  LogLevel,
} from '../../../src/index.js';
import { createLogger, nullLogger } from '../../../src/logger.js';
import { type FetchTamper, startFetchTamperingProxy } from '../../helpers/fetch-tampering-proxy.js';

/** A batch of `count` records `v<offset>` starting at `baseOffset`. */
function batch(baseOffset: bigint, count: number): Buffer {
  const builder = new RecordBatchBuilder({ baseOffset });
  for (let i = 0; i < count; i++) {
    builder.append({ key: null, value: `v${baseOffset + BigInt(i)}`, timestamp: 1_700_000_000_000 });
  }
  return builder.build();
}

/** Damages the records of a batch (in place): its CRC no longer matches, as after damage in transit. */
function breakCrc(bytes: Buffer): void {
  bytes[RECORD_BATCH_OVERHEAD + 1] ^= 0xff;
}

/** Marks a batch (in place) with a codec no one knows, with a CRC to match: it frames, but does not decode. */
function unknownCodec(bytes: Buffer): void {
  bytes.writeInt16BE(
    bytes.readInt16BE(BatchField.attributes) | COMPRESSION_CODEC_MASK,
    BatchField.attributes,
  );
  bytes.writeUInt32BE(computeBatchCrc(bytes), BatchField.crc);
}

function chunkOf(records: Buffer, fetchOffset = 0n) {
  return {
    records,
    fetchOffset,
    nextOffset: scanBatches(records).nextOffset,
    abortedTransactions: null,
    highWatermark: scanBatches(records).nextOffset,
    bytes: records.length,
  };
}

function readAll(reader: ChunkReader): string[] {
  const out: string[] = [];
  for (let r = reader.next(); r !== null; r = reader.next()) out.push(String(r.value));
  return out;
}

describe('ChunkReader and a batch that does not decode', () => {
  it('stops at it, keeps failing there, and goes on after it when told to skip', () => {
    const bad = batch(3n, 3);
    breakCrc(bad);
    const reader = new ChunkReader(chunkOf(Buffer.concat([batch(0n, 3), bad, batch(6n, 2)])), {
      readCommitted: false,
    });
    const seen: string[] = [];
    let failure: unknown;
    try {
      for (let r = reader.next(); r !== null; r = reader.next()) seen.push(String(r.value));
    } catch (err) {
      failure = err;
    }
    expect(seen).toEqual(['v0', 'v1', 'v2']);
    expect(failure).toBeInstanceOf(BatchDecodeFailure);
    expect(failure).toMatchObject({
      baseOffset: 3n,
      lastOffset: 5n,
      skippable: true,
      reason: 'CRC_MISMATCH',
    });
    expect(reader.resumeAt).toBe(3n);
    expect(() => reader.next()).toThrow(failure as Error);
    reader.skipFailedBatch();
    expect(readAll(reader)).toEqual(['v6', 'v7']);
    expect(reader.finished).toBe(true);
  });

  it('frames a batch with the wrong magic by its length, so it can be skipped too', () => {
    const old = batch(2n, 2);
    old[BatchField.magic] = 1;
    const reader = new ChunkReader(chunkOf(Buffer.concat([batch(0n, 2), old, batch(4n, 1)])), {
      readCommitted: false,
    });
    expect(reader.next()?.value?.toString()).toBe('v0');
    expect(reader.next()?.value?.toString()).toBe('v1');
    let failure: BatchDecodeFailure | undefined;
    try {
      reader.next();
    } catch (err) {
      failure = err as BatchDecodeFailure;
    }
    expect(failure).toMatchObject({
      baseOffset: 2n,
      lastOffset: null,
      skippable: true,
      reason: 'UNSUPPORTED_MAGIC',
    });
    reader.skipFailedBatch();
    expect(readAll(reader)).toEqual(['v4']);
  });

  it('reports a codec it does not know, though the CRC matches', () => {
    const bad = batch(0n, 2);
    unknownCodec(bad);
    const reader = new ChunkReader(chunkOf(bad), { readCommitted: false });
    expect(() => reader.next()).toThrow(expect.objectContaining({ reason: 'UNSUPPORTED_COMPRESSION' }));
  });
});

describe('scanBatches', () => {
  it('tells an impossible batch length apart from a batch cut short by the fetch size', () => {
    const good = batch(0n, 1);
    const broken = batch(1n, 1);
    broken.writeInt32BE(3, BatchField.length);
    expect(scanBatches(Buffer.concat([good, broken]))).toMatchObject({
      bytes: good.length,
      invalidLengthAt: good.length,
    });
    expect(scanBatches(Buffer.concat([good, batch(1n, 1).subarray(0, 30)]))).toMatchObject({
      bytes: good.length,
      invalidLengthAt: undefined,
    });
  });
});

describe('CorruptBatches', () => {
  const p = new PartitionState('orders', 2);

  it(`refetches ${CORRUPT_BATCH_REFETCHES} times, then fails with a typed error naming the batch`, () => {
    const policy = new CorruptBatches(false, nullLogger);
    const failure = new BatchDecodeFailure(10n, 14n, true, new Error('record batch CRC is 0x1 but ...'));
    for (let attempt = 1; attempt <= CORRUPT_BATCH_REFETCHES; attempt++) {
      expect(policy.decide(p, failure)).toEqual({ action: 'refetch', attempt });
    }
    const outcome = policy.decide(p, failure);
    expect(outcome.action).toBe('fail');
    const error = (outcome as { error: CorruptRecordBatchError }).error;
    expect(error).toBeInstanceOf(CorruptRecordBatchError);
    expect(error).toMatchObject({
      code: 'CORRUPT_RECORD_BATCH',
      topic: 'orders',
      partition: 2,
      offset: '10',
      lastOffset: '14',
      retriable: false,
    });
    expect(error.message).toMatch(/offset 10\.\.14 of orders\[2\] does not decode/);
    expect(error.message).toMatch(/seek orders\[2\] to 15, or set skipCorruptBatches: true/);
  });

  it('counts again for another batch', () => {
    const policy = new CorruptBatches(false, nullLogger);
    const first = new BatchDecodeFailure(10n, 14n, true, new Error('bad'));
    const second = new BatchDecodeFailure(15n, 15n, true, new Error('bad'));
    policy.decide(p, first);
    policy.decide(p, first);
    expect(policy.decide(p, second)).toEqual({ action: 'refetch', attempt: 1 });
  });

  it('with skipCorruptBatches, refetches first, then skips with a warning naming the offsets', () => {
    const logs: LogEntry[] = [];
    const logger = createLogger(LogLevel.WARN, () => (entry) => logs.push(entry));
    const policy = new CorruptBatches(true, logger);
    const failure = new BatchDecodeFailure(10n, 14n, true, new Error('bad'));
    for (let i = 0; i < CORRUPT_BATCH_REFETCHES; i++)
      expect(policy.decide(p, failure).action).toBe('refetch');
    expect(policy.decide(p, failure)).toEqual({ action: 'skip' });
    expect(logs.at(-1)?.log).toMatchObject({
      message: expect.stringMatching(/skipping a record batch that does not decode/),
      topic: 'orders',
      partition: 2,
      offset: '10',
      lastOffset: '14',
    });
  });

  it('fails, even with skipCorruptBatches, when the batch cannot be framed', () => {
    const policy = new CorruptBatches(true, nullLogger);
    const failure = new BatchDecodeFailure(7n, null, false, new Error('impossible length'));
    for (let i = 0; i < CORRUPT_BATCH_REFETCHES; i++) policy.decide(p, failure);
    const outcome = policy.decide(p, failure);
    expect(outcome.action).toBe('fail');
    expect((outcome as { error: Error }).error.message).toMatch(/cannot be skipped/);
  });
});

// Padded, the three batches make a Fetch response above the connection's small-frame size, whose
// batch CRCs are checked as it arrives (FetchCrcScanner) rather than on delivery.
describe.each([
  { responses: 'small responses', topic: 'corrupt-batches', padding: '' },
  { responses: 'large responses', topic: 'corrupt-batches-large', padding: `|${'x'.repeat(8000)}` },
])('a consumer fetching a batch that does not decode ($responses)', ({ topic, padding }) => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0, partitions: 1 });
    const kafka = new Kafka({
      clientId: 'corrupt-setup',
      brokers: broker.bootstrap,
      logLevel: LogLevel.NOTHING,
    });
    // Room for three padded records per batch.
    const producer = kafka.producer({ lingerMs: 0, batchSize: 64 * 1024 });
    await producer.connect();
    // Three batches: offsets 0-2, 3-5 (the one the tests damage), 6-8.
    for (let b = 0; b < 3; b++) {
      await producer.send({
        topic,
        messages: [0, 1, 2].map((i) => ({ value: `v${b * 3 + i}${padding}`, partition: 0 })),
      });
    }
    await producer.disconnect();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  /** Applies `damage` to the batch at offset 3 in the first `times` fetch responses that carry it. */
  function damaging(damage: (bytes: Buffer) => void, times = Number.POSITIVE_INFINITY): FetchTamper {
    let damaged = 0;
    return (_topic, _partition, records) => {
      for (const b of iterateRecordBatches(records)) {
        if (b.baseOffset === 3n && damaged < times) {
          damage(b.bytes);
          damaged++;
        }
      }
      return records;
    };
  }

  async function consume(
    tamper: FetchTamper,
    options: {
      skipCorruptBatches?: boolean;
      eachBatch?: boolean;
      until?: (values: string[]) => boolean;
    } = {},
  ) {
    const proxy = await startFetchTamperingProxy(broker.bootstrap[0], tamper);
    const logs: LogEntry[] = [];
    const kafka = new Kafka({
      clientId: 'corrupt-consumer',
      brokers: [proxy.bootstrap],
      logLevel: LogLevel.WARN,
      logCreator: () => (entry) => logs.push(entry),
    });
    const consumer: Consumer = kafka.consumer({
      groupId: topic,
      autoOffsetReset: 'earliest',
      retryBackoffMs: 10,
      ...(options.skipCorruptBatches !== undefined && { skipCorruptBatches: options.skipCorruptBatches }),
    });
    const values: string[] = [];
    let onDone!: (outcome: { crash: Error | null }) => void;
    const done = new Promise<{ crash: Error | null }>((resolve) => {
      onDone = resolve;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) onDone({ crash: event.payload.error as Error });
    });
    const until = options.until ?? ((v: string[]) => v.includes('v8'));
    const seen = (value: string) => {
      values.push(value.split('|')[0]!);
      if (until(values)) onDone({ crash: null });
    };
    consumer.assign([{ topic, partitions: [0] }]);
    await consumer.run(
      options.eachBatch
        ? {
            eachBatch: async ({ batch }: EachBatchPayload) => {
              for (const m of batch.messages) seen(String(m.value));
            },
          }
        : { eachMessage: async ({ message }) => seen(String(message.value)) },
    );
    const outcome = await done;
    const fetches = proxy.fetchesWithRecords(topic, 0);
    await consumer.disconnect();
    await proxy.stop();
    return { ...outcome, values, logs, fetches };
  }

  it('fails with CorruptRecordBatchError after a bounded number of refetches, records before it delivered', async () => {
    const { crash, values, fetches, logs } = await consume(damaging(breakCrc));
    expect(crash).toBeInstanceOf(CorruptRecordBatchError);
    expect(crash).toMatchObject({
      topic,
      partition: 0,
      offset: '3',
      lastOffset: '5',
      reason: 'CRC_MISMATCH',
    });
    expect(crash?.message).toContain(`offset 3..5 of ${topic}[0] does not decode`);
    expect(values).toEqual(['v0', 'v1', 'v2']);
    const refetches = logs.filter((e) => /does not decode; fetching it again/.test(e.log.message));
    expect(refetches.map((e) => e.log.attempt)).toEqual(
      Array.from({ length: CORRUPT_BATCH_REFETCHES }, (_, i) => i + 1),
    );
    // Each refetch went to the broker again (fetching runs ahead, so there may be one more).
    expect(fetches).toBeGreaterThanOrEqual(1 + CORRUPT_BATCH_REFETCHES);
  });

  it('fails the same way for a batch whose CRC matches but whose codec is unknown (eachBatch)', async () => {
    const { crash, values } = await consume(damaging(unknownCodec), { eachBatch: true });
    expect(crash).toMatchObject({
      name: 'CorruptRecordBatchError',
      offset: '3',
      reason: 'UNSUPPORTED_COMPRESSION',
    });
    expect(values).toEqual(['v0', 'v1', 'v2']);
  });

  it('recovers when a refetch brings the batch back undamaged (damage in transit)', async () => {
    const { crash, values } = await consume(damaging(breakCrc, CORRUPT_BATCH_REFETCHES));
    expect(crash).toBeNull();
    expect(values).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8']);
  });

  it('fails, even with skipCorruptBatches, when a batch length is impossible (the data cannot be framed)', async () => {
    const impossibleLength = (bytes: Buffer) => bytes.writeInt32BE(3, BatchField.length);
    const { crash, values } = await consume(damaging(impossibleLength), { skipCorruptBatches: true });
    expect(crash).toBeInstanceOf(CorruptRecordBatchError);
    expect(crash).toMatchObject({ offset: '3', lastOffset: null });
    expect(crash?.message).toMatch(/impossible length of 3.*cannot be skipped/s);
    expect(values).toEqual(['v0', 'v1', 'v2']);
  });

  it('fails with CorruptRecordBatchError when the broker itself answers CORRUPT_MESSAGE, after refetches', async () => {
    broker.control.failNextRequests('Fetch', 1_000, ErrorCode.CORRUPT_MESSAGE);
    try {
      const { crash, values } = await consume((_t, _p, records) => records);
      expect(crash).toMatchObject({ name: 'CorruptRecordBatchError', offset: '0' });
      expect(values).toEqual([]);
    } finally {
      broker.control.clearFaults();
    }
  });

  it('with skipCorruptBatches, skips it with a warning and goes on after it', async () => {
    const { crash, values, logs } = await consume(damaging(breakCrc), { skipCorruptBatches: true });
    expect(crash).toBeNull();
    expect(values).toEqual(['v0', 'v1', 'v2', 'v6', 'v7', 'v8']);
    const skipped = logs.filter((e) => /skipping a record batch that does not decode/.test(e.log.message));
    expect(skipped).toHaveLength(1);
    expect(skipped[0].log).toMatchObject({ topic, partition: 0, offset: '3', lastOffset: '5' });
  });
});
