/** Producer-state snapshot files: Kafka's ProducerSnapshot v1 layout, CRC-32C, names. */
import { writeFileSync } from 'node:fs';
import { crc32c } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import {
  CorruptSnapshotError,
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  readProducerSnapshot,
  snapshotOffsets,
  snapshotPath,
  writeProducerSnapshot,
} from '../../src/storage/producer-snapshot.js';
import type { ProducerSnapshotEntry } from '../../src/storage/producer-state.js';
import { tempDir } from './helpers.js';

const entry: ProducerSnapshotEntry = {
  producerId: 27_000_000_001,
  epoch: 3,
  lastSequence: 41,
  lastOffset: 99,
  offsetDelta: 4,
  timestamp: 1_700_000_000_123,
  coordinatorEpoch: 2,
  currentTxnFirstOffset: 95,
};

describe('producer snapshots', () => {
  it('writes version 1, the CRC-32C of what follows, the entry count and 46-byte entries', () => {
    const bytes = encodeProducerSnapshot([entry]);
    expect(bytes.length).toBe(2 + 4 + 4 + 46);
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(bytes.readUInt32BE(2)).toBe(crc32c(bytes, 6, bytes.length));
    expect(bytes.readInt32BE(6)).toBe(1);
    expect(bytes.readBigInt64BE(10)).toBe(27_000_000_001n);
    expect(bytes.readInt16BE(18)).toBe(3);
    expect(bytes.readInt32BE(20)).toBe(41);
    expect(bytes.readBigInt64BE(24)).toBe(99n);
    expect(bytes.readInt32BE(32)).toBe(4);
    expect(bytes.readBigInt64BE(36)).toBe(1_700_000_000_123n);
    expect(bytes.readInt32BE(44)).toBe(2);
    expect(bytes.readBigInt64BE(48)).toBe(95n);
    expect(decodeProducerSnapshot(bytes)).toEqual([entry]);
    expect(decodeProducerSnapshot(encodeProducerSnapshot([]))).toEqual([]);
  });

  it('refuses a damaged snapshot', () => {
    const bytes = encodeProducerSnapshot([entry, { ...entry, producerId: 5 }]);
    const flipped = Buffer.from(bytes);
    flipped[30] ^= 1;
    expect(() => decodeProducerSnapshot(flipped)).toThrow(CorruptSnapshotError);
    expect(() => decodeProducerSnapshot(bytes.subarray(0, bytes.length - 1))).toThrow(CorruptSnapshotError);
    const version = Buffer.from(bytes);
    version.writeInt16BE(2, 0);
    expect(() => decodeProducerSnapshot(version)).toThrow(/version 2/);
  });

  it('names files by the 20-digit offset they reflect and lists them in order', () => {
    const dir = tempDir();
    writeProducerSnapshot(dir, 120, [entry]);
    writeProducerSnapshot(dir, 7, []);
    writeFileSync(`${dir}/00000000000000000009.log`, '');
    expect(snapshotPath(dir, 7)).toBe(`${dir}/00000000000000000007.snapshot`);
    expect(snapshotOffsets(dir)).toEqual([7, 120]);
    expect(readProducerSnapshot(dir, 120)).toEqual([entry]);
  });
});
