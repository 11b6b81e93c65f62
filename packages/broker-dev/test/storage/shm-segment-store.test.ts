import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { CollectLimits } from '../../src/storage/segment-store.js';
import { kernelMemoryDirectory, ShmSegmentStore } from '../../src/storage/shm-segment-store.js';
import { baseOffsetOf, filledBatch } from './helpers.js';

const shm = kernelMemoryDirectory();
const everything: CollectLimits = {
  maxBytes: 1 << 30,
  minOneBatch: true,
  maxOffset: Number.POSITIVE_INFINITY,
};

/** Batches with base offsets 0, 10, 20, ... (ten 100-byte records each). */
function batches(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const batch = filledBatch(10, 100);
    batch.writeBigInt64BE(BigInt(i * 10), 0);
    return batch;
  });
}

function collectAll(store: ShmSegmentStore, position = 0, limits = everything): Buffer[] {
  const out: Buffer[] = [];
  store.collect(position, limits, out);
  return out;
}

describe.skipIf(!shm)('ShmSegmentStore', () => {
  test('keeps segment bytes in an unlinked tmpfs file: readable, but nothing left in the directory', () => {
    const before = readdirSync(shm!).filter((name) => name.startsWith(`samsa-segment-${process.pid}-`));
    const store = new ShmSegmentStore(shm!);
    const written = batches(5);
    for (const batch of written) store.append(batch);
    expect(store.spilled).toBe(false);
    expect(store.size).toBe(written.reduce((n, b) => n + b.length, 0));
    const after = readdirSync(shm!).filter((name) => name.startsWith(`samsa-segment-${process.pid}-`));
    expect(after).toEqual(before);
    expect(Buffer.concat(collectAll(store)).equals(Buffer.concat(written))).toBe(true);
    store.remove();
    expect(store.size).toBe(0);
  });

  test('continues in heap memory when the tmpfs runs low, and reads across the boundary', () => {
    let room = true;
    const store = new ShmSegmentStore(shm!, () => room, 1);
    const written = batches(6);
    for (const [i, batch] of written.entries()) {
      if (i === 3) room = false;
      store.append(batch);
    }
    expect(store.spilled).toBe(true);
    const size = written[0].length;
    // The fourth append saw no room after the third: batches 0-3 are in the file, 4-5 in the heap.
    expect(collectAll(store).map(baseOffsetOf)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(Buffer.concat(collectAll(store)).equals(Buffer.concat(written))).toBe(true);
    // A budget that ends inside the heap part, from inside the file part.
    const limited = collectAll(store, 2 * size, { ...everything, maxBytes: 3 * size });
    expect(limited.map(baseOffsetOf)).toEqual([20, 30, 40]);
    // A first batch in the heap part, over budget: KIP-74 still returns it.
    const oneBatch = collectAll(store, 5 * size, { ...everything, maxBytes: 1 });
    expect(oneBatch.map(baseOffsetOf)).toEqual([50]);
    // Peeking on both sides of the boundary.
    for (const index of [1, 5]) {
      const at = store.peek(index * size, 12);
      expect(Number(store.peekBuffer.readBigInt64BE(at))).toBe(index * 10);
    }
    store.truncate(5 * size);
    expect(collectAll(store).map(baseOffsetOf)).toEqual([0, 10, 20, 30, 40]);
    store.truncate(2 * size);
    expect(collectAll(store).map(baseOffsetOf)).toEqual([0, 10]);
    // Room again: appends go back to the file.
    room = true;
    store.append(written[2]);
    expect(collectAll(store).map(baseOffsetOf)).toEqual([0, 10, 20]);
    store.remove();
  });

  test('starts in heap memory when the tmpfs has no room at all', () => {
    const store = new ShmSegmentStore(shm!, () => false);
    expect(store.spilled).toBe(true);
    const written = batches(3);
    for (const batch of written) store.append(batch);
    expect(Buffer.concat(collectAll(store)).equals(Buffer.concat(written))).toBe(true);
    store.remove();
  });
});
