import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  toTopicPartitions,
} from '../../src/assignors/consumer-protocol.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('ConsumerProtocolSubscription', () => {
  it('encodes v3 byte for byte as Java does', () => {
    const bytes = encodeSubscription({
      topics: ['ab'],
      userData: Buffer.from([9]),
      ownedPartitions: [{ topic: 'ab', partitions: [1] }],
      generationId: 5,
      rackId: 'r',
    });
    expect(bytes).toEqual(
      hex(`0003 00000001 0002 6162 00000001 09
           00000001 0002 6162 00000001 00000001
           00000005 0001 72`),
    );
  });

  it('encodes v0 with only topics and user data (null user data as -1)', () => {
    const bytes = encodeSubscription(
      { topics: ['a'], userData: null, ownedPartitions: [], generationId: -1, rackId: null },
      0,
    );
    expect(bytes).toEqual(hex('0000 00000001 0001 61 ffffffff'));
  });

  it('decodes a KafkaJS subscription (version 1 without owned partitions)', () => {
    // KafkaJS MemberMetadata.encode({ version: 1, topics: ['t'], userData: Buffer.alloc(0) })
    const decoded = decodeSubscription(hex('0001 00000001 0001 74 00000000'));
    expect(decoded).toEqual({
      version: 1,
      topics: ['t'],
      userData: Buffer.alloc(0),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
  });

  it('parses newer versions with the newest layout it knows, ignoring appended fields', () => {
    const v3 = encodeSubscription({
      topics: ['x'],
      userData: null,
      ownedPartitions: [],
      generationId: 2,
      rackId: 'r1',
    });
    const v9 = Buffer.concat([hex('0009'), v3.subarray(2), hex('deadbeef')]);
    expect(decodeSubscription(v9)).toMatchObject({
      version: 9,
      topics: ['x'],
      generationId: 2,
      rackId: 'r1',
    });
  });

  it('round-trips', () => {
    const tp = fc.record({
      topic: fc.string({ minLength: 1, maxLength: 10 }),
      partitions: fc.array(fc.integer({ min: 0, max: 1000 })),
    });
    fc.assert(
      fc.property(
        fc.record({
          topics: fc.array(fc.string({ maxLength: 20 })),
          userData: fc.option(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a))),
          ownedPartitions: fc.array(tp, { maxLength: 4 }),
          generationId: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
          rackId: fc.option(fc.string({ maxLength: 8 })),
        }),
        (s) => {
          expect(decodeSubscription(encodeSubscription(s))).toEqual({ ...s, version: 3 });
        },
      ),
    );
  });

  it('rejects malformed bytes with a ProtocolDecodeError', () => {
    expect(() => decodeSubscription(hex('0003 00000005 0001'))).toThrow(
      /malformed ConsumerProtocolSubscription/,
    );
    expect(() => decodeSubscription(hex('ffff'))).toThrow(/version -1/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeSubscription(Buffer.from(bytes));
        } catch (err) {
          expect((err as Error).name).toBe('ProtocolDecodeError');
        }
      }),
    );
  });
});

describe('ConsumerProtocolAssignment', () => {
  it('encodes as Java does', () => {
    const bytes = encodeAssignment({
      assignedPartitions: [{ topic: 't', partitions: [0, 2] }],
      userData: null,
    });
    expect(bytes).toEqual(hex('0003 00000001 0001 74 00000002 00000000 00000002 ffffffff'));
  });

  it('decodes an empty buffer as an empty assignment', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ version: 0, assignedPartitions: [], userData: null });
  });

  it('decodes a KafkaJS v0 assignment', () => {
    expect(decodeAssignment(hex('0000 00000001 0001 74 00000001 00000003 00000000'))).toEqual({
      version: 0,
      assignedPartitions: [{ topic: 't', partitions: [3] }],
      userData: Buffer.alloc(0),
    });
  });

  it('round-trips', () => {
    const tp = fc.record({
      topic: fc.string({ minLength: 1, maxLength: 10 }),
      partitions: fc.array(fc.integer({ min: 0, max: 1000 })),
    });
    fc.assert(
      fc.property(
        fc.array(tp, { maxLength: 5 }),
        fc.option(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a))),
        fc.integer({ min: 0, max: 3 }),
        (assignedPartitions, userData, version) => {
          expect(decodeAssignment(encodeAssignment({ assignedPartitions, userData }, version))).toEqual({
            assignedPartitions,
            userData,
            version,
          });
        },
      ),
    );
  });

  it('groups partitions by topic in a stable order', () => {
    expect(
      toTopicPartitions(
        new Map([
          ['b', [2, 0]],
          ['a', [1]],
          ['c', []],
        ]),
      ),
    ).toEqual([
      { topic: 'a', partitions: [1] },
      { topic: 'b', partitions: [0, 2] },
    ]);
  });
});
