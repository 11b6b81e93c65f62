import { ApiKey, CompressionType, computeBatchCrc, ErrorCode, readBatchHeader } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../../src/config/client-options.js';
import { KafkaProtocolError } from '../../src/errors.js';
import { nullLogger } from '../../src/logger.js';
import { ProducerBatchState } from '../../src/producer/batch.js';
import { addSequence, Idempotence, MAX_SEQUENCE, restamp } from '../../src/producer/idempotence.js';
import { PartitionBuffer } from '../../src/producer/partition-buffer.js';

type InitAnswer = { errorCode: number; producerId: bigint; producerEpoch: number };

/** A cluster whose InitProducerId answers come from `answers`, in order. */
function fakeCluster(answers: InitAnswer[]) {
  const requests: { apiKey: number; body: unknown }[] = [];
  const cluster = {
    async request(_node: unknown, apiKey: number, build: (v: number) => unknown) {
      requests.push({ apiKey, body: build(4) });
      const response = answers.shift();
      if (!response) throw new Error('no more answers');
      return { version: 4, response };
    },
  };
  return { cluster: cluster as never, requests };
}

function batch(records: number, topic = 't', partition = 0): ProducerBatchState {
  const b = new ProducerBatchState(topic, partition, 1024, 1024, -1, CompressionType.None, 1000, 1 << 20);
  for (let i = 0; i < records; i++) b.builder.append({ key: null, value: `v${i}`, timestamp: 1 });
  return b;
}

function idempotence(answers: InitAnswer[], enabled = true) {
  const { cluster, requests } = fakeCluster(answers);
  const retry = { ...DEFAULT_RETRY, retries: 0 };
  return { idem: new Idempotence(enabled, cluster, retry, nullLogger), requests };
}

describe('Idempotence', () => {
  it('waits for a producer id, then numbers batches per partition from 0 when they are first sent', async () => {
    const { idem, requests } = idempotence([{ errorCode: 0, producerId: 7n, producerEpoch: 3 }]);
    expect(idem.ready).toBe(false);
    expect(idem.fetchDue(0)).toBe(true);
    expect(await idem.fetchProducerId()).toBe(false);
    expect(requests[0]).toMatchObject({
      apiKey: ApiKey.InitProducerId,
      body: { transactionalId: null, producerId: -1n },
    });
    expect(idem.ready).toBe(true);
    const p0 = new PartitionBuffer('t', 0);
    const p1 = new PartitionBuffer('t', 1);
    const [a, b, c] = [batch(3), batch(2), batch(4, 't', 1)];
    idem.assignSequence(p0, a);
    idem.assignSequence(p0, b);
    idem.assignSequence(p1, c);
    expect([a.baseSequence, b.baseSequence, c.baseSequence]).toEqual([0, 3, 0]);
    expect([p0.nextSequence, p1.nextSequence]).toEqual([5, 4]);
    expect([a.producerId, a.producerEpoch]).toEqual([7n, 3]);
    // A retry keeps its numbers.
    idem.assignSequence(p0, a);
    expect(a.baseSequence).toBe(0);
    expect(p0.nextSequence).toBe(5);
  });

  it('wraps sequence numbers from MAX_SEQUENCE to 0', () => {
    expect(addSequence(MAX_SEQUENCE, 1)).toBe(0);
    expect(addSequence(MAX_SEQUENCE - 1, 5)).toBe(3);
    expect(addSequence(10, 5)).toBe(15);
  });

  it('numbers nothing and needs no producer id when disabled', () => {
    const { idem } = idempotence([], false);
    expect(idem.ready).toBe(true);
    const pb = new PartitionBuffer('t', 0);
    const b = batch(2);
    idem.assignSequence(pb, b);
    expect(b.baseSequence).toBe(-1);
    expect(idem.isSequenceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, b, pb)).toBe(false);
  });

  it('takes a new producer id when the broker lost its state, once nothing is in flight', async () => {
    const { idem } = idempotence([
      { errorCode: 0, producerId: 1n, producerEpoch: 0 },
      { errorCode: 0, producerId: 2n, producerEpoch: 0 },
    ]);
    await idem.fetchProducerId();
    const pb = new PartitionBuffer('t', 0);
    const b = batch(1);
    pb.queue.push(b);
    expect(idem.isSequenceError(ErrorCode.UNKNOWN_PRODUCER_ID, b, pb)).toBe(true);
    expect(idem.ready).toBe(false);
    expect(idem.fetchDue(1)).toBe(false);
    expect(idem.fetchDue(0)).toBe(true);
    expect(await idem.fetchProducerId()).toBe(true);
    expect(idem.producerId).toBe(2n);
  });

  it('treats OUT_OF_ORDER_SEQUENCE_NUMBER as a reset only for the first unacknowledged batch', async () => {
    const { idem } = idempotence([{ errorCode: 0, producerId: 1n, producerEpoch: 0 }]);
    await idem.fetchProducerId();
    const pb = new PartitionBuffer('t', 0);
    const [first, second] = [batch(1), batch(1)];
    pb.queue.push(first, second);
    expect(idem.isSequenceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, second, pb)).toBe(true);
    expect(idem.ready).toBe(true);
    expect(idem.isSequenceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, first, pb)).toBe(true);
    expect(idem.ready).toBe(false);
    expect(idem.isSequenceError(ErrorCode.NOT_LEADER_OR_FOLLOWER, first, pb)).toBe(false);
  });

  it('resets after a sequenced batch failed for good, not after an unsequenced one', async () => {
    const { idem } = idempotence([{ errorCode: 0, producerId: 1n, producerEpoch: 0 }]);
    await idem.fetchProducerId();
    idem.batchFailed(batch(1));
    expect(idem.ready).toBe(true);
    const sequenced = batch(1);
    idem.assignSequence(new PartitionBuffer('t', 0), sequenced);
    idem.batchFailed(sequenced);
    expect(idem.ready).toBe(false);
  });

  it('renumbers queued batches under the new id and re-stamps built ones with a valid CRC', async () => {
    const { idem } = idempotence([
      { errorCode: 0, producerId: 1n, producerEpoch: 0 },
      { errorCode: 0, producerId: 9n, producerEpoch: 4 },
    ]);
    await idem.fetchProducerId();
    const pb = new PartitionBuffer('t', 0);
    const [sent, queued, fresh] = [batch(2), batch(3), batch(1)];
    for (const b of [sent, queued]) idem.assignSequence(pb, b);
    for (const b of [sent, queued]) {
      b.builder.setProducerState(b.producerId, b.producerEpoch, b.baseSequence);
      b.bytes = b.builder.build();
    }
    pb.queue.push(sent, queued, fresh);
    pb.queue.shift(); // `sent` was acknowledged: renumbering starts at what is left
    idem.requestReset();
    await idem.fetchProducerId();
    idem.renumber(pb);
    expect([queued.baseSequence, fresh.baseSequence]).toEqual([0, -1]);
    expect(pb.nextSequence).toBe(3);
    const header = readBatchHeader(queued.bytes!);
    expect([header.producerId, header.producerEpoch, header.baseSequence]).toEqual([9n, 4, 0]);
    expect(header.crc).toBe(computeBatchCrc(queued.bytes!));
  });

  it('restamp rewrites the idempotence fields and the CRC in place', () => {
    const b = batch(2);
    const bytes = b.builder.build();
    restamp(bytes, 42n, 5, 17);
    const header = readBatchHeader(bytes);
    expect([header.producerId, header.producerEpoch, header.baseSequence]).toEqual([42n, 5, 17]);
    expect(header.crc).toBe(computeBatchCrc(bytes));
  });

  it('rejects and starts over from no producer id when InitProducerId fails', async () => {
    const { idem } = idempotence([
      { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 },
    ]);
    await expect(idem.fetchProducerId()).rejects.toBeInstanceOf(KafkaProtocolError);
    expect(idem.ready).toBe(false);
    expect(idem.fetchDue(0)).toBe(true);
  });
});
