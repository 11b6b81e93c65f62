/** BufferPool: size classes, reuse, and the bound on idle memory. */
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/io/buffer-pool.js';

/** A producer's pool: 16 KiB to 16 MiB classes. */
const pool16k = (maxIdleBytes: number) =>
  new BufferPool({ minClass: 16 * 1024, maxClass: 16 * 1024 * 1024, maxIdleBytes });

describe('BufferPool', () => {
  it('hands out power-of-two buffers of at least the asked size, 16 KiB at least', () => {
    const pool = pool16k(1 << 20);
    expect(pool.take(100).length).toBe(16 * 1024);
    expect(pool.take(16 * 1024).length).toBe(16 * 1024);
    expect(pool.take(16 * 1024 + 1).length).toBe(32 * 1024);
    expect(pool.take(20 * 1024 * 1024).length).toBe(20 * 1024 * 1024);
  });

  it('reuses a buffer given back, of the same size class only', () => {
    const pool = pool16k(1 << 20);
    const a = pool.take(16 * 1024);
    pool.give(a);
    expect(pool.idleBytes).toBe(16 * 1024);
    expect(pool.take(32 * 1024)).not.toBe(a);
    expect(pool.take(10_000)).toBe(a);
    expect(pool.idleBytes).toBe(0);
  });

  it('keeps no views, odd sizes or more than its bound', () => {
    const pool = pool16k(48 * 1024);
    pool.give(Buffer.allocUnsafeSlow(20_000));
    pool.give(Buffer.allocUnsafeSlow(64 * 1024).subarray(0, 16 * 1024));
    expect(pool.idleBytes).toBe(0);
    pool.give(pool.take(32 * 1024));
    pool.give(Buffer.allocUnsafeSlow(16 * 1024));
    pool.give(Buffer.allocUnsafeSlow(16 * 1024));
    expect(pool.idleBytes).toBe(48 * 1024);
  });
});
