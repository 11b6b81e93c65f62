import { describe, expect, it } from 'vitest';
import { PartitionState } from '../../src/consumer/partition-state.js';
import { applySeek, SeekPause } from '../../src/consumer/seek-pause.js';
import { ConfigurationError } from '../../src/errors.js';

function held(...partitions: [string, number][]): Map<string, PartitionState> {
  const map = new Map<string, PartitionState>();
  for (const [topic, n] of partitions) {
    const p = new PartitionState(topic, n);
    map.set(p.key, p);
  }
  return map;
}

describe('applySeek', () => {
  it('moves to an offset, dropping the buffer and the failure count', () => {
    const p = new PartitionState('t', 0);
    p.append({
      records: Buffer.alloc(4),
      fetchOffset: 0n,
      nextOffset: 5n,
      abortedTransactions: null,
      highWatermark: 9n,
      bytes: 4,
    });
    p.failures = 3;
    const epoch = p.fetchEpoch;
    expect(applySeek(p, 7n)).toBe(false);
    expect(p.position).toBe(7n);
    expect(p.finished).toBe(7n);
    expect(p.failures).toBe(0);
    expect(p.bufferedBytes).toBe(0);
    expect(p.fetchEpoch).toBe(epoch + 1);
  });

  it('turns -2 and -1 into a reset to the earliest or latest offset', () => {
    const earliest = new PartitionState('t', 0);
    const latest = new PartitionState('t', 1);
    earliest.position = 5n;
    expect(applySeek(earliest, -2n)).toBe(true);
    expect(applySeek(latest, -1n)).toBe(true);
    expect([earliest.position, earliest.resetStrategy]).toEqual([null, 'earliest']);
    expect([latest.position, latest.resetStrategy]).toEqual([null, 'latest']);
  });
});

describe('SeekPause.seek and applyPendingSeeks', () => {
  it('applies a seek at once to an assigned partition', () => {
    const assigned = held(['t', 0]);
    const controls = new SeekPause(assigned);
    const p = controls.seek({ topic: 't', partition: 0, offset: '12' });
    expect(p).toBe(assigned.get(new PartitionState('t', 0).key));
    expect(p?.position).toBe(12n);
  });

  it('keeps a seek for a partition not assigned yet and applies it once, when it is', () => {
    const assigned = held();
    const controls = new SeekPause(assigned);
    expect(controls.seek({ topic: 't', partition: 1, offset: 40 })).toBeNull();
    const other = new PartitionState('t', 0);
    const target = new PartitionState('t', 1);
    expect(controls.applyPendingSeeks([other, target])).toBe(false);
    expect(other.position).toBeNull();
    expect(target.position).toBe(40n);
    // Used up: a later assignment of the same partition starts from its committed offset instead.
    const again = new PartitionState('t', 1);
    controls.applyPendingSeeks([again]);
    expect(again.position).toBeNull();
  });

  it('reports a pending seek to earliest or latest as a reset', () => {
    const controls = new SeekPause(held());
    controls.seek({ topic: 't', partition: 0, offset: -2n });
    const p = new PartitionState('t', 0);
    expect(controls.applyPendingSeeks([p])).toBe(true);
    expect(p.resetStrategy).toBe('earliest');
  });

  it('leaves a partition that already has a position (seek() in onPartitionsAssigned wins)', () => {
    const controls = new SeekPause(held());
    controls.seek({ topic: 't', partition: 0, offset: 5 });
    const p = new PartitionState('t', 0);
    p.seek(9n);
    expect(controls.applyPendingSeeks([p])).toBe(false);
    expect(p.position).toBe(9n);
  });

  it('rejects bad targets before changing anything', () => {
    const controls = new SeekPause(held(['t', 0]));
    expect(() => controls.seek({ topic: 't', partition: 0, offset: -3 })).toThrow(ConfigurationError);
    expect(() => controls.seek({ topic: 't', partition: 0, offset: 'ten' })).toThrow(ConfigurationError);
    expect(() => controls.seek({ topic: 't', partition: 0.5, offset: 1 })).toThrow(ConfigurationError);
    const p = new PartitionState('t', 0);
    expect(controls.applyPendingSeeks([p])).toBe(false);
    expect(p.position).toBeNull();
  });
});

describe('SeekPause.pause and resume', () => {
  it('pauses assigned partitions and the ones assigned later', () => {
    const assigned = held(['t', 0], ['t', 1], ['u', 0]);
    const controls = new SeekPause(assigned);
    controls.pause([{ topic: 't', partitions: [1] }, { topic: 'u' }]);
    expect(controls.paused()).toEqual([
      { topic: 't', partitions: [1] },
      { topic: 'u', partitions: [0] },
    ]);
    expect(controls.isPaused('t', 1)).toBe(true);
    expect(controls.isPaused('t', 0)).toBe(false);
    expect(controls.isPaused('u', 7)).toBe(true);
  });

  it('resuming some partitions of a paused topic keeps its other assigned partitions paused', () => {
    const assigned = held(['t', 0], ['t', 1], ['t', 2]);
    const controls = new SeekPause(assigned);
    controls.pause([{ topic: 't' }]);
    const resumed: string[] = [];
    controls.resume([{ topic: 't', partitions: [1] }], (p) => resumed.push(`${p.topic}-${p.partition}`));
    expect(resumed).toEqual(['t-1']);
    expect(controls.paused()).toEqual([{ topic: 't', partitions: [0, 2] }]);
    expect([controls.isPaused('t', 0), controls.isPaused('t', 1), controls.isPaused('t', 2)]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('reports only partitions that were paused as resumed', () => {
    const controls = new SeekPause(held(['t', 0], ['t', 1]));
    controls.pause([{ topic: 't', partitions: [0] }]);
    const resumed: number[] = [];
    controls.resume([{ topic: 't' }], (p) => resumed.push(p.partition));
    expect(resumed).toEqual([0]);
    expect(controls.paused()).toEqual([]);
    expect(controls.isPaused('t', 0)).toBe(false);
  });

  it('rejects selectors that are not { topic, partitions? }', () => {
    const controls = new SeekPause(held());
    expect(() => controls.pause([{ topic: 't', partitions: ['0' as unknown as number] }])).toThrow(
      ConfigurationError,
    );
    expect(() => controls.resume(null as never, () => {})).toThrow(ConfigurationError);
  });
});
