import { ApiKey, CompressionType, computeBatchCrc, ErrorCode, readBatchHeader } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../../src/config/client-options.js';
import { KafkaProtocolError } from '../../src/errors.js';
import { nullLogger } from '../../src/logger.js';
import { ProducerBatchState } from '../../src/producer/batch.js';
import {
  addSequence,
  Idempotence,
  MAX_PRODUCER_EPOCH,
  MAX_SEQUENCE,
  restamp,
} from '../../src/producer/idempotence.js';
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
    expect(idem.onProduceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, b, pb)).toBeNull();
  });

  it('KIP-360: a partition the broker forgot starts over at sequence 0 one epoch up; others keep their numbers', async () => {
    const { idem, requests } = idempotence([{ errorCode: 0, producerId: 7n, producerEpoch: 0 }]);
    await idem.fetchProducerId();
    const [p0, p1] = [new PartitionBuffer('t', 0), new PartitionBuffer('t', 1)];
    const [a0, b0, a1] = [batch(3), batch(2), batch(4, 't', 1)];
    for (const [pb, b] of [
      [p0, a0],
      [p0, b0],
      [p1, a1],
    ] as const) {
      idem.assignSequence(pb, b);
      b.builder.setProducerState(b.producerId, b.producerEpoch, b.baseSequence);
      b.bytes = b.builder.build();
      pb.queue.push(b);
      pb.inFlight++;
      b.inFlight = true;
    }
    expect([a0.baseSequence, b0.baseSequence, a1.baseSequence]).toEqual([0, 3, 0]);

    expect(idem.onProduceError(ErrorCode.UNKNOWN_PRODUCER_ID, a0, p0)).toBe('retry');
    expect(p0.epochBumpPending).toBe(true);
    // Nothing changes while a batch of the partition is still in flight.
    p0.endFlight(a0);
    expect(idem.maybeBumpEpoch(p0)).toBe(false);
    expect(idem.onProduceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, b0, p0)).toBe('retry');
    p0.endFlight(b0);
    expect(idem.maybeBumpEpoch(p0)).toBe(true);

    // Same producer id, epoch + 1, p0's unacknowledged batches renumbered from 0 in order.
    expect([idem.producerId, idem.producerEpoch]).toEqual([7n, 1]);
    expect(requests).toHaveLength(1);
    expect([a0.producerEpoch, a0.baseSequence, b0.producerEpoch, b0.baseSequence]).toEqual([1, 0, 1, 3]);
    expect(p0.nextSequence).toBe(5);
    const header = readBatchHeader(b0.bytes!);
    expect([header.producerId, header.producerEpoch, header.baseSequence]).toEqual([7n, 1, 3]);
    expect(header.crc).toBe(computeBatchCrc(b0.bytes!));
    // p1 keeps its in-flight batch's numbers under epoch 0.
    expect([a1.producerEpoch, a1.baseSequence, p1.nextSequence]).toEqual([0, 0, 4]);

    // p1's next new batch waits while its epoch-0 batch is in flight, then starts at 0 under epoch 1.
    const c1 = batch(1, 't', 1);
    p1.open = c1;
    const sink = { nodeId: 1, inFlight: 1 };
    p1.inFlightSink = sink;
    p1.acknowledgedProducerId = 7n; // its leader holds our state: only the epoch keeps c1 back
    expect(p1.nextBatch(5, sink, idem.generation)).toBeNull();
    p1.queue.shift();
    p1.endFlight(a1);
    expect(p1.nextBatch(5, sink, idem.generation)).toBe(c1);
    idem.assignSequence(p1, c1);
    expect([c1.producerEpoch, c1.baseSequence, p1.nextSequence]).toEqual([1, 0, 1]);
  });

  it('pipelines a partition only once its leader acknowledged a batch under the producer id', async () => {
    const { idem } = idempotence([{ errorCode: 0, producerId: 7n, producerEpoch: 0 }]);
    await idem.fetchProducerId();
    const pb = new PartitionBuffer('t', 0);
    const sink = { nodeId: 1, inFlight: 1 };
    const send = (b: ProducerBatchState) => {
      idem.assignSequence(pb, b);
      b.inFlight = true;
      pb.inFlight++;
      pb.inFlightSink = sink;
    };
    const [a, b, c] = [batch(1), batch(1), batch(1)];
    pb.queue.push(a, b, c);
    expect(pb.nextBatch(5, sink, idem.generation)).toBe(a);
    send(a);
    // The leader may hold no state for producer 7 here and take b's sequence before a's.
    expect(pb.nextBatch(5, sink, idem.generation)).toBeNull();
    idem.acknowledged(a, pb);
    pb.remove(a);
    pb.endFlight(a);
    expect(pb.acknowledgedProducerId).toBe(7n);
    expect(pb.nextBatch(5, sink, idem.generation)).toBe(b);
    send(b);
    expect(pb.nextBatch(5, sink, idem.generation)).toBe(c);
    // An unsequenced batch says nothing about the broker's state.
    const other = new PartitionBuffer('t', 1);
    idem.acknowledged(batch(1), other);
    expect(other.acknowledgedProducerId).toBe(-1n);
  });

  it('bumps the epoch once for several partitions that need it', async () => {
    const { idem } = idempotence([{ errorCode: 0, producerId: 7n, producerEpoch: 4 }]);
    await idem.fetchProducerId();
    const [p0, p1] = [new PartitionBuffer('t', 0), new PartitionBuffer('t', 1)];
    const [a0, a1] = [batch(2), batch(5, 't', 1)];
    for (const [pb, b] of [
      [p0, a0],
      [p1, a1],
    ] as const) {
      idem.assignSequence(pb, b);
      pb.queue.push(b);
    }
    expect(idem.onProduceError(ErrorCode.INVALID_PRODUCER_EPOCH, a0, p0)).toBe('retry');
    expect(idem.onProduceError(ErrorCode.UNKNOWN_PRODUCER_ID, a1, p1)).toBe('retry');
    expect(idem.maybeBumpEpoch(p0)).toBe(true);
    expect(idem.maybeBumpEpoch(p1)).toBe(true);
    expect(idem.producerEpoch).toBe(5);
    expect([a0.producerEpoch, a0.baseSequence, a1.producerEpoch, a1.baseSequence]).toEqual([5, 0, 5, 0]);
  });

  it('treats OUT_OF_ORDER_SEQUENCE_NUMBER as a gap only for the first unacknowledged batch', async () => {
    const { idem } = idempotence([{ errorCode: 0, producerId: 1n, producerEpoch: 0 }]);
    await idem.fetchProducerId();
    const pb = new PartitionBuffer('t', 0);
    const [first, second] = [batch(1), batch(1)];
    pb.queue.push(first, second);
    expect(idem.onProduceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, second, pb)).toBe('retry');
    expect(pb.epochBumpPending).toBe(false);
    expect(idem.onProduceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, first, pb)).toBe('retry');
    expect(pb.epochBumpPending).toBe(true);
    expect(idem.onProduceError(ErrorCode.NOT_LEADER_OR_FOLLOWER, first, pb)).toBeNull();
  });

  it('starts a partition over after a sequenced batch failed for good, not after an unsequenced one', async () => {
    const { idem } = idempotence([{ errorCode: 0, producerId: 1n, producerEpoch: 0 }]);
    await idem.fetchProducerId();
    const pb = new PartitionBuffer('t', 0);
    idem.batchFailed(batch(1), pb);
    expect(pb.epochBumpPending).toBe(false);
    const [sequenced, next] = [batch(1), batch(2)];
    idem.assignSequence(pb, sequenced);
    idem.assignSequence(pb, next);
    pb.queue.push(next);
    idem.batchFailed(sequenced, pb);
    expect(pb.epochBumpPending).toBe(true);
    expect(idem.maybeBumpEpoch(pb)).toBe(true);
    expect([next.producerEpoch, next.baseSequence, pb.nextSequence]).toEqual([1, 0, 2]);
  });

  it('takes a new producer id (and renumbers) when the epoch is exhausted', async () => {
    const { idem, requests } = idempotence([
      { errorCode: 0, producerId: 1n, producerEpoch: MAX_PRODUCER_EPOCH },
      { errorCode: 0, producerId: 2n, producerEpoch: 0 },
    ]);
    await idem.fetchProducerId();
    const pb = new PartitionBuffer('t', 0);
    const b = batch(3);
    idem.assignSequence(pb, b);
    pb.queue.push(b);
    expect(idem.onProduceError(ErrorCode.UNKNOWN_PRODUCER_ID, b, pb)).toBe('retry');
    expect(idem.maybeBumpEpoch(pb)).toBe(false);
    expect(idem.ready).toBe(false);
    expect(idem.fetchDue(1)).toBe(false);
    expect(idem.fetchDue(0)).toBe(true);
    expect(await idem.fetchProducerId()).toBe(true);
    idem.renumber(pb);
    expect(requests).toHaveLength(2);
    expect([b.producerId, b.producerEpoch, b.baseSequence, pb.epochBumpPending]).toEqual([2n, 0, 0, false]);
  });

  it('transactional: fails batches on producer-state errors and asks for an epoch bump after the abort', () => {
    const idem = new Idempotence(
      { enabled: true, transactional: true },
      fakeCluster([]).cluster,
      DEFAULT_RETRY,
      nullLogger,
    );
    expect(idem.fetchDue(0)).toBe(false);
    idem.setProducer(5n, 2);
    const pb = new PartitionBuffer('t', 0);
    const [first, second] = [batch(1), batch(1)];
    idem.assignSequence(pb, first);
    idem.assignSequence(pb, second);
    pb.queue.push(first, second);
    expect(idem.onProduceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, second, pb)).toBe('retry');
    expect(idem.onProduceError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, first, pb)).toBe('fail');
    expect(idem.onProduceError(ErrorCode.UNKNOWN_PRODUCER_ID, first, pb)).toBe('fail');
    expect(pb.epochBumpPending).toBe(false);
    idem.batchFailed(first, pb);
    expect(idem.epochBumpRequired).toBe(true);
    idem.setProducer(5n, 3);
    expect(idem.epochBumpRequired).toBe(false);
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
