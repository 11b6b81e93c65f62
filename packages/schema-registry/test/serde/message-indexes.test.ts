import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProtobuf } from '../../src/protobuf/schema.js';
import {
  decodeMessageIndexes,
  encodeMessageIndexes,
  messageAt,
  messageIndexesOf,
} from '../../src/serde/message-indexes.js';

describe('Protobuf message indexes', () => {
  it("writes Confluent's bytes: [0] as a single 0, others as zig-zag count and indexes", () => {
    expect([...encodeMessageIndexes([0])]).toEqual([0]);
    expect([...encodeMessageIndexes([1])]).toEqual([2, 2]);
    expect([...encodeMessageIndexes([2])]).toEqual([2, 4]);
    expect([...encodeMessageIndexes([0, 1])]).toEqual([4, 0, 2]);
    expect([...encodeMessageIndexes([70])]).toEqual([2, 0x8c, 0x01]);
  });

  it('reads back what it writes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 10 }), (indexes) => {
        const bytes = encodeMessageIndexes(indexes);
        const decoded = decodeMessageIndexes(Buffer.concat([Buffer.alloc(5), bytes, Buffer.from([0x0a])]), 5);
        expect(decoded).toEqual({ indexes, end: 5 + bytes.length });
      }),
      { seed: 24, numRuns: 200 },
    );
  });

  it('says when bytes are no index array (a negative count or index, a truncated varint)', () => {
    expect(decodeMessageIndexes(Buffer.from([1]), 0)).toBeUndefined();
    expect(decodeMessageIndexes(Buffer.from([2, 1]), 0)).toBeUndefined();
    expect(decodeMessageIndexes(Buffer.from([2, 0x80]), 0)).toBeUndefined();
    expect(decodeMessageIndexes(Buffer.from([]), 0)).toBeUndefined();
  });

  it('counts messages only, top level then nested, as Confluent does', () => {
    const { file } = parseProtobuf(
      'syntax = "proto3"; enum E { A = 0; } message A { message X {} enum F { B = 0; } message Y {} } message B {}',
    );
    expect(messageIndexesOf(file, 'A')).toEqual([0]);
    expect(messageIndexesOf(file, 'B')).toEqual([1]);
    expect(messageIndexesOf(file, 'A.Y')).toEqual([0, 1]);
    expect(messageAt(file, [0, 1])?.name).toBe('A.Y');
    expect(messageAt(file, [2])).toBeUndefined();
    expect(() => messageIndexesOf(file, 'C')).toThrow(/no message C/);
  });
});
