import { describe, expect, it } from 'vitest';
import { type SegmentBatch, SendCall } from '../../src/producer/send-call.js';

const batch = (topic: string, partition: number, baseOffset: bigint): SegmentBatch => ({
  topic,
  partition,
  baseOffset,
  logAppendTime: -1n,
  logStartOffset: 0n,
});

describe('SendCall results', () => {
  it('has one entry per topic-partition, in first-appearance order, with the first segment’s offset', async () => {
    const call = new SendCall(6);
    const segments = [
      call.addSegment(batch('a', 0, 10n), 0, true),
      call.addSegment(batch('a', 1, 20n), 0, true),
      call.addSegment(batch('b', 0, 30n), 2, true),
      // The same partitions again, in later batches (the call outgrew its first ones).
      call.addSegment(batch('a', 0, 40n), 0, false),
      call.addSegment(batch('b', 0, 50n), 0, false),
      call.addSegment(batch('b', 1, 60n), 0, true),
    ];
    call.seal();
    for (const _ of segments) call.segmentDone(null);
    const result = await call.promise;
    expect(result.map((r) => [r.topicName, r.partition, r.baseOffset])).toEqual([
      ['a', 0, '10'],
      ['a', 1, '20'],
      ['b', 0, '32'],
      ['b', 1, '60'],
    ]);
    expect(result[0]).toMatchObject({ errorCode: 0, logAppendTime: '-1', logStartOffset: '0' });
  });

  it('has one entry for a call in one batch', async () => {
    const call = new SendCall(1);
    call.addSegment(batch('a', 3, 7n), 0, true);
    call.seal();
    call.segmentDone(null);
    expect((await call.promise).map((r) => [r.topicName, r.partition, r.baseOffset])).toEqual([
      ['a', 3, '7'],
    ]);
  });
});
