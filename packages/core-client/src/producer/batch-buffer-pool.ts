/**
 * Recycles the buffers of acknowledged batches, by power-of-two size class (Java's BufferPool does the
 * same for batch.size). Records copied into memory the process used before cost a plain memcpy; copied
 * into fresh memory, every 4 KiB page also takes a page fault on first write, which at 1 KB values was
 * the producer's largest single cost (measured on a VM: about a quarter of its CPU).
 */

/** Smallest and largest size classes; other sizes are allocated and dropped as usual. */
const MIN_CLASS = 16 * 1024;
const MAX_CLASS = 16 * 1024 * 1024;

function sizeClass(bytes: number): number | undefined {
  if (bytes > MAX_CLASS) return undefined;
  let size = MIN_CLASS;
  while (size < bytes) size *= 2;
  return size;
}

export class BatchBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private pooledBytes = 0;

  /** `maxPooledBytes`: at most this much idle memory waits here. */
  constructor(private readonly maxPooledBytes: number) {}

  /** Bytes of idle buffers held (for tests). */
  get idleBytes(): number {
    return this.pooledBytes;
  }

  /** A buffer of at least `capacity` bytes, recycled when one of its size class is idle. */
  take(capacity: number): Buffer {
    const size = sizeClass(capacity);
    if (size === undefined) return Buffer.allocUnsafeSlow(capacity);
    const buffer = this.free.get(size)?.pop();
    if (buffer) {
      this.pooledBytes -= size;
      return buffer;
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /**
   * Takes back a buffer that nothing reads or writes any more. Only whole buffers of a size class
   * are kept (a view into a larger allocation is not the pool's to hand out).
   */
  give(buffer: Buffer): void {
    const size = buffer.length;
    if (sizeClass(size) !== size || buffer.byteOffset !== 0 || buffer.buffer.byteLength !== size) return;
    if (this.pooledBytes + size > this.maxPooledBytes) return;
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.pooledBytes += size;
  }
}
