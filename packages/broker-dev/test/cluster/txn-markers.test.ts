/**
 * Transaction markers written into partition logs: Kafka's control batch bytes, the epoch checks, and
 * what a marker does to the partition's transactions.
 */
import {
  CONTROL_FLAG_MASK,
  ErrorCode,
  readAttributes,
  readBaseSequence,
  readControlRecord,
  readProducerEpoch,
  readProducerId,
  TRANSACTIONAL_FLAG_MASK,
} from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/cluster.js';
import { silentLogger } from '../../src/logger.js';

let cluster: Cluster | undefined;
afterEach(() => cluster?.close());

function newCluster(): Cluster {
  cluster = new Cluster({
    nodes: [{ id: 1, host: '127.0.0.1', port: 0, up: true, rack: null }],
    defaultPartitions: 1,
    defaultReplicationFactor: 1,
    autoCreateTopics: false,
    topicDefaults: {},
    maxRequestBytes: 1 << 20,
    logger: silentLogger,
  });
  cluster.createTopic('t', { numPartitions: 2 });
  return cluster;
}

const marker = (partition: number, commit: boolean, topic = 't') => ({
  topic,
  partition,
  producerId: 123_456_789_012,
  producerEpoch: 3,
  coordinatorEpoch: 9,
  commit,
});

it("appends Kafka's control batch: control + transactional, the producer, key version 0 | type, value version 0 | coordinator epoch", async () => {
  const c = newCluster();
  expect(await c.markerWriter.writeMarkers([marker(0, true), marker(1, false)])).toEqual([
    ErrorCode.NONE,
    ErrorCode.NONE,
  ]);
  for (const [partition, type, typeId] of [
    [0, 'COMMIT', 1],
    [1, 'ABORT', 0],
  ] as const) {
    const log = c.partition('t', partition)!.log;
    expect(log.highWatermark).toBe(1);
    const [batch] = log.read(0, 1 << 20);
    expect(readAttributes(batch) & (CONTROL_FLAG_MASK | TRANSACTIONAL_FLAG_MASK)).toBe(
      CONTROL_FLAG_MASK | TRANSACTIONAL_FLAG_MASK,
    );
    expect(readProducerId(batch)).toBe(123_456_789_012n);
    expect(readProducerEpoch(batch)).toBe(3);
    expect(readBaseSequence(batch)).toBe(-1);
    expect(readControlRecord(batch)).toMatchObject({
      type,
      typeId,
      version: 0,
      coordinatorEpoch: 9,
      offset: 0n,
    });
  }
});

it('answers UNKNOWN_TOPIC_OR_PARTITION and NOT_LEADER_OR_FOLLOWER where no marker can go', async () => {
  const c = newCluster();
  c.nodeStopped(1);
  expect(
    await c.markerWriter.writeMarkers([marker(0, true), marker(5, true), marker(0, true, 'nope')]),
  ).toEqual([
    ErrorCode.NOT_LEADER_OR_FOLLOWER,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  expect(c.partition('t', 0)!.log.highWatermark).toBe(0);
});

describe('what a marker does to the partition', () => {
  const PID = 5150;
  const data = (c: Cluster, producerEpoch: number, baseSequence = 0) =>
    c
      .partition('t', 0)!
      .log.append(
        buildBatch([{ value: 'txn' }], { producerId: PID, producerEpoch, baseSequence, transactional: true }),
        { leaderEpoch: 0 },
      );
  const end = (producerEpoch: number, coordinatorEpoch: number, commit: boolean) => ({
    topic: 't',
    partition: 0,
    producerId: PID,
    producerEpoch,
    coordinatorEpoch,
    commit,
  });

  it('ends the open transaction: the last stable offset moves and an abort is indexed', async () => {
    const c = newCluster();
    const log = c.partition('t', 0)!.log;
    data(c, 2);
    data(c, 2, 1);
    expect(log.lastStableOffset).toBe(0);
    expect(await c.markerWriter.writeMarkers([end(2, 4, false)])).toEqual([ErrorCode.NONE]);
    expect(log.lastStableOffset).toBe(3);
    expect(log.collectAbortedTransactions(0, 3)).toEqual([
      { producerId: PID, firstOffset: 0, lastOffset: 2, lastStableOffset: 3 },
    ]);
    // Sent again (a coordinator restarting mid-completion): appended, but it ends nothing.
    expect(await c.markerWriter.writeMarkers([end(2, 4, false)])).toEqual([ErrorCode.NONE]);
    expect(log.highWatermark).toBe(4);
    expect(log.collectAbortedTransactions(0, 4)).toHaveLength(1);
  });

  it('refuses a marker of an older producer epoch or coordinator epoch, writing nothing', async () => {
    const c = newCluster();
    const log = c.partition('t', 0)!.log;
    data(c, 3);
    expect(await c.markerWriter.writeMarkers([end(3, 5, true)])).toEqual([ErrorCode.NONE]);
    data(c, 3, 1);
    const before = log.highWatermark;
    expect(await c.markerWriter.writeMarkers([end(2, 5, true), end(3, 4, true)])).toEqual([
      ErrorCode.INVALID_PRODUCER_EPOCH,
      ErrorCode.TRANSACTION_COORDINATOR_FENCED,
    ]);
    expect(log.highWatermark).toBe(before);
    expect(log.lastStableOffset).toBe(before - 1);
    // A fencing abort carries a bumped epoch and is accepted.
    expect(await c.markerWriter.writeMarkers([end(4, 5, false)])).toEqual([ErrorCode.NONE]);
    expect(log.lastStableOffset).toBe(log.highWatermark);
  });
});
