/**
 * Buffers that fetches read file-backed segments into, reused once the response that carries them
 * has been written to its socket.
 *
 * Fresh memory costs a page fault per 4 KiB page when first written, and on virtual machines that
 * is most of the cost of reading into new buffers. Reads borrow a buffer of a power-of-two size
 * class (@samsa/protocol's BufferPool) instead; the connection that wrote a response hands its
 * chunks to `reclaim`, which returns the buffers they were cut from.
 *
 * Only a completed socket write gives a buffer back, so no byte can be overwritten while anything
 * still reads it. A borrowed buffer whose response is never written (the client went away, a long
 * poll answered from a later read) is simply left to the garbage collector: `lent` holds it weakly.
 */
import { BufferPool } from '@samsa/protocol';

/** Reads smaller than this are not worth a pooled buffer. */
const MIN_POOLED = 16 * 1024;
/** Idle buffers kept for reuse, across all classes. */
const DEFAULT_MAX_IDLE_BYTES = 64 * 1024 * 1024;

export class ReadBufferPool {
  private readonly pool: BufferPool;
  /** Borrowed buffers by their memory, to the whole buffer to put back. */
  private readonly lent = new WeakMap<ArrayBufferLike, Buffer>();

  constructor(maxIdleBytes = DEFAULT_MAX_IDLE_BYTES) {
    this.pool = new BufferPool({ minClass: 64 * 1024, maxClass: 64 * 1024 * 1024, maxIdleBytes });
  }

  /** A buffer of exactly `size` bytes to read into: pooled memory unless it is small or huge. */
  borrow(size: number): Buffer {
    if (size < MIN_POOLED) return Buffer.allocUnsafeSlow(size);
    const whole = this.pool.take(size);
    this.lent.set(whole.buffer, whole);
    return whole.subarray(0, size);
  }

  /** Gives back the buffers that the chunks of a written response were cut from. */
  reclaim(chunks: readonly Buffer[]): void {
    for (let i = 0; i < chunks.length; i++) {
      const memory = chunks[i].buffer;
      const whole = this.lent.get(memory);
      if (whole === undefined) continue;
      this.lent.delete(memory);
      this.pool.give(whole);
    }
  }

  /** Bytes of idle buffers held for reuse (for tests). */
  get idleSize(): number {
    return this.pool.idleBytes;
  }
}
