/**
 * Idle buffers by power-of-two size class, for owners that know when nothing reads or writes a buffer
 * any more: a producer's acknowledged batches, a broker's written fetch responses (Java's BufferPool
 * does the same for batch.size). Bytes copied into memory the process used before cost a plain copy;
 * copied into fresh memory, every 4 KiB page also takes a page fault on first write, which on virtual
 * machines costs several times the copy.
 */

export interface BufferPoolOptions {
  /** Smallest and largest size classes (powers of two); other sizes are allocated and dropped as usual. */
  minClass: number;
  maxClass: number;
  /** At most this much idle memory waits in the pool. */
  maxIdleBytes: number;
}

export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private pooledBytes = 0;

  constructor(private readonly options: BufferPoolOptions) {}

  /** Bytes of idle buffers held. */
  get idleBytes(): number {
    return this.pooledBytes;
  }

  /** A buffer of at least `capacity` bytes: a whole size-class buffer, recycled when one is idle. */
  take(capacity: number): Buffer {
    const size = this.sizeClass(capacity);
    if (size === undefined) return Buffer.allocUnsafeSlow(capacity);
    const buffer = this.free.get(size)?.pop();
    if (!buffer) return Buffer.allocUnsafeSlow(size);
    this.pooledBytes -= size;
    return buffer;
  }

  /**
   * Takes back a buffer that nothing reads or writes any more. Only whole buffers of a size class
   * are kept (a view into a larger allocation is not the pool's to hand out).
   */
  give(buffer: Buffer): void {
    const size = buffer.length;
    if (this.sizeClass(size) !== size || buffer.byteOffset !== 0 || buffer.buffer.byteLength !== size) return;
    if (this.pooledBytes + size > this.options.maxIdleBytes) return;
    const list = this.free.get(size);
    if (list) list.push(buffer);
    else this.free.set(size, [buffer]);
    this.pooledBytes += size;
  }

  private sizeClass(bytes: number): number | undefined {
    if (bytes > this.options.maxClass) return undefined;
    let size = this.options.minClass;
    while (size < bytes) size *= 2;
    return size;
  }
}
