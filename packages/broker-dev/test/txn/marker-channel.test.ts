/** One marker attempt: data partitions through the writer, offsets partitions to the groups, failures sorted. */
import { ErrorCode } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { GROUP_OFFSETS_TOPIC, TxnMarkerChannel } from '../../src/txn/marker-channel.js';
import { RecordingMarkerWriter, RecordingOffsets, tp } from './harness.js';

const request = {
  transactionalId: 'tx',
  producerId: 10,
  producerEpoch: 2,
  coordinatorEpoch: 4,
  commit: true,
  partitions: [tp('a', 0), tp('a', 1), tp(GROUP_OFFSETS_TOPIC, 7), tp('b', 0)],
};

function channel(
  writer: { writeMarkers: RecordingMarkerWriter['writeMarkers'] },
  offsets = new RecordingOffsets(),
) {
  return new TxnMarkerChannel({ writer, offsets, partitionExists: (t) => t !== 'b', logger: silentLogger });
}

describe('TxnMarkerChannel', () => {
  it('sends data partitions to the writer and the offsets partition to the group coordinator', async () => {
    const writer = new RecordingMarkerWriter();
    writer.answer = (m) =>
      m.topic === 'b'
        ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION // deleted meanwhile: given up
        : m.partition === 1
          ? ErrorCode.NOT_LEADER_OR_FOLLOWER
          : ErrorCode.NONE;
    const offsets = new RecordingOffsets();
    const attempt = await channel(writer, offsets).write(request);
    expect(writer.requested).toEqual(
      [tp('a', 0), tp('a', 1), tp('b', 0)].map((p) => ({
        ...p,
        producerId: 10,
        producerEpoch: 2,
        coordinatorEpoch: 4,
        commit: true,
      })),
    );
    expect(offsets.completed).toEqual([{ offsetsPartition: 7, producerId: 10, commit: true }]);
    expect(attempt).toEqual({
      done: [tp(GROUP_OFFSETS_TOPIC, 7), tp('a', 0), tp('b', 0)],
      retry: [tp('a', 1)],
    });
  });

  it('retries everything when the writer or the group side throws', async () => {
    const failing = {
      writeMarkers: async () => {
        throw new Error('disk gone');
      },
    };
    const offsets = new RecordingOffsets();
    offsets.completeTransaction = () => {
      throw new Error('offsets gone');
    };
    const attempt = await channel(failing, offsets).write(request);
    expect(attempt.done).toEqual([]);
    expect(attempt.retry).toHaveLength(4);
  });
});
