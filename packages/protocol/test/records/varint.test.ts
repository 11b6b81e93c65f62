import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError } from '../../src/errors/index.js';
import { RecordCursor } from '../../src/records/record-cursor.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../src/records/varint.js';

describe('zig-zag varints', () => {
  it('round-trip every int32 with the size they announce', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => {
        const buf = Buffer.alloc(5);
        const end = writeVarint(buf, 0, value);
        expect(end).toBe(sizeOfVarint(value));
        const cursor = new RecordCursor(buf, 0, end);
        expect(cursor.varint()).toBe(value);
        expect(cursor.pos).toBe(end);
      }),
    );
  });

  it('round-trip safe integers as varlongs', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (value) => {
        const buf = Buffer.alloc(10);
        const end = writeVarlong(buf, 0, value);
        expect(end).toBe(sizeOfVarlong(value));
        expect(new RecordCursor(buf, 0, end).varlong()).toBe(value);
      }),
    );
  });

  it('encode like Kafka (ByteUtils): 0, -1, 1, 63, -64, 64', () => {
    const encode = (v: number) => {
      const buf = Buffer.alloc(5);
      return [...buf.subarray(0, writeVarint(buf, 0, v))];
    };
    expect(encode(0)).toEqual([0]);
    expect(encode(-1)).toEqual([1]);
    expect(encode(1)).toEqual([2]);
    expect(encode(63)).toEqual([126]);
    expect(encode(-64)).toEqual([127]);
    expect(encode(64)).toEqual([128, 1]);
  });

  it('reject varints longer than 5 bytes and varlongs longer than 10, and truncation', () => {
    const overlong = Buffer.alloc(11, 0x80);
    expect(() => new RecordCursor(overlong, 0, 11).varint()).toThrow(ProtocolDecodeError);
    expect(() => new RecordCursor(overlong, 0, 11).varlong()).toThrow(/longer than 10 bytes/);
    expect(() => new RecordCursor(Buffer.from([0x80, 0x80]), 0, 2).varint()).toThrow(/ends inside a varint/);
  });
});
