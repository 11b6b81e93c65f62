import { describe, expect, test } from 'vitest';
import { ReadBufferPool } from '../../src/storage/read-buffer-pool.js';

describe('ReadBufferPool', () => {
  test('a reclaimed buffer is lent again for a read of its size class', () => {
    const pool = new ReadBufferPool();
    const first = pool.borrow(100_000);
    expect(first.length).toBe(100_000);
    // A response's chunks are slices of it, maybe several of the same buffer.
    pool.reclaim([first.subarray(0, 10), first.subarray(10, 500), Buffer.from('header')]);
    expect(pool.idleSize).toBe(128 * 1024);
    const second = pool.borrow(70_000);
    expect(second.buffer).toBe(first.buffer);
    expect(pool.idleSize).toBe(0);
  });

  test('a buffer is never lent twice at once, and reclaiming it twice gives it back once', () => {
    const pool = new ReadBufferPool();
    const a = pool.borrow(64 * 1024);
    const b = pool.borrow(64 * 1024);
    expect(a.buffer).not.toBe(b.buffer);
    pool.reclaim([a]);
    pool.reclaim([a]);
    expect(pool.idleSize).toBe(64 * 1024);
    const c = pool.borrow(64 * 1024);
    const d = pool.borrow(64 * 1024);
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(a.buffer);
  });

  test('small and huge reads get buffers of their own; idle memory is bounded', () => {
    const pool = new ReadBufferPool(256 * 1024);
    const small = pool.borrow(1000);
    const huge = pool.borrow(100 * 1024 * 1024);
    pool.reclaim([small, huge]);
    expect(pool.idleSize).toBe(0);
    const lent = Array.from({ length: 3 }, () => pool.borrow(128 * 1024));
    pool.reclaim(lent);
    expect(pool.idleSize).toBe(256 * 1024);
  });
});
