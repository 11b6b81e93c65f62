import { CompressionType, decodeRecords, RECORD_BATCH_OVERHEAD } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { ProducerBatchState } from '../../src/producer/batch.js';
import { splitBatch, splitLimit } from '../../src/producer/batch-split.js';
import { MAX_SEQUENCE } from '../../src/producer/idempotence.js';
import { SendCall } from '../../src/producer/send-call.js';

/** A built batch of `values`, appended by `calls` in turn (call i appends counts[i] records). */
function builtBatch(values: string[], counts: number[], compression = CompressionType.None) {
  const b = new ProducerBatchState('t', 2, 4096, 4096, -1, compression, 1000, 1 << 20);
  const calls = counts.map((n) => new SendCall(n));
  let next = 0;
  for (const [i, call] of calls.entries()) {
    const segment = call.addSegment(b, next, true);
    segment.count = counts[i];
    b.segments.push(segment);
    for (let k = 0; k < counts[i]; k++)
      b.builder.append({ key: `k${next}`, value: values[next++], timestamp: 5 });
  }
  b.bytes = b.builder.build();
  return { b, calls };
}

const built = new WeakMap<ProducerBatchState, Buffer>();
/** The values in a piece (built once: a builder builds once). */
function valuesOf(p: ProducerBatchState): (string | undefined)[] {
  let bytes = built.get(p);
  if (!bytes) {
    bytes = p.builder.build();
    built.set(p, bytes);
  }
  return decodeRecords(bytes).map((r) => r.value?.toString());
}

describe('splitBatch', () => {
  const values = Array.from({ length: 40 }, (_, i) => `value-${i}-${'x'.repeat(40)}`);

  it('splits into pieces of at most the limit that hold every record once, in order', () => {
    const { b } = builtBatch(values, [40]);
    const limit = splitLimit(b, 16384);
    expect(limit).toBe(Math.ceil(b.size / 2));
    const pieces = splitBatch(b, 600);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(p.size).toBeLessThanOrEqual(600);
      expect(p.reserved).toBe(p.size);
      expect(p.createdMs).toBe(b.createdMs);
      expect([p.topic, p.partition, p.acks, p.compression]).toEqual(['t', 2, -1, CompressionType.None]);
    }
    expect(pieces.flatMap(valuesOf)).toEqual(values);
  });

  it('carries sequence numbers over so the pieces cover exactly the original range', () => {
    const { b } = builtBatch(values, [40]);
    b.producerId = 11n;
    b.producerEpoch = 2;
    b.baseSequence = MAX_SEQUENCE - 9;
    const pieces = splitBatch(b, 600);
    let expected = b.baseSequence;
    for (const p of pieces) {
      expect([p.producerId, p.producerEpoch, p.baseSequence]).toEqual([11n, 2, expected]);
      expected = (expected + p.count) % (MAX_SEQUENCE + 1);
    }
    expect(expected).toBe((b.baseSequence + 40) % (MAX_SEQUENCE + 1));
  });

  it('leaves pieces of an unsequenced batch unsequenced', () => {
    const { b } = builtBatch(values, [40]);
    for (const p of splitBatch(b, 600)) expect(p.baseSequence).toBe(-1);
  });

  it("moves each send call's segment to the pieces now holding its records", () => {
    // Three calls: 5, 30 and 5 records; the middle one spans several pieces.
    const { b, calls } = builtBatch(values, [5, 30, 5]);
    const pieces = splitBatch(b, 600);
    for (const [i, call] of calls.entries()) {
      const covered = call.segments.flatMap((s) => {
        const piece = s.batch as ProducerBatchState;
        expect(piece.segments).toContain(s);
        return valuesOf(piece).slice(s.firstDelta, s.firstDelta + s.count);
      });
      const start = [0, 5, 35][i];
      expect(covered).toEqual(values.slice(start, start + [5, 30, 5][i]));
    }
    expect(calls[1].segments.length).toBeGreaterThan(1);
    expect(pieces.reduce((n, p) => n + p.segments.length, 0)).toBe(
      calls.reduce((n, c) => n + c.segments.length, 0),
    );
  });

  it('gives a record larger than the limit a piece of its own', () => {
    const big = ['a', 'y'.repeat(2000), 'b', 'c'];
    const { b } = builtBatch(big, [4]);
    const pieces = splitBatch(b, RECORD_BATCH_OVERHEAD + 100);
    expect(pieces.map(valuesOf)).toEqual([['a'], ['y'.repeat(2000)], ['b', 'c']]);
  });

  it('keeps the compression of the original', () => {
    const { b } = builtBatch(values, [40], CompressionType.GZIP);
    const pieces = splitBatch(b, 600);
    expect(pieces.every((p) => p.compression === CompressionType.GZIP)).toBe(true);
    expect(pieces.flatMap(valuesOf)).toEqual(values);
  });
});
