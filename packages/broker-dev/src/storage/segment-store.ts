/**
 * The bytes of one segment: concatenated record batches in memory or in a `.log` file. Segments index and
 * search; stores only append, read and truncate bytes. Every byte range a store hands out stays valid and
 * unchanged afterwards, even if the store is later truncated (readers hold zero-copy slices).
 */
import { LOG_OVERHEAD } from '@samsa/protocol';
import type { ReadBufferPool } from './read-buffer-pool.js';
import { batchBaseOffset, batchSize } from './record-batch.js';

export interface CollectLimits {
  /** Byte budget for the batches collected. */
  maxBytes: number;
  /** Return the first batch even if it exceeds maxBytes (KIP-74). */
  minOneBatch: boolean;
  /** Exclusive: stop before a batch whose base offset is at or past this (the LSO for read_committed). */
  maxOffset: number;
  /**
   * Where file-backed stores read into: buffers given back once the bytes are written to a socket.
   * Without it they read into fresh buffers the caller may keep.
   */
  readBuffers?: ReadBufferPool;
}

export interface CollectResult {
  bytes: number;
  /** True when collection reached the end of the store, so a reader may continue in the next segment. */
  reachedEnd: boolean;
}

export interface SegmentStore {
  readonly size: number;
  /**
   * Appends whole batches; the store owns the bytes (copied or written) before returning. With
   * `adopt` the caller hands `data` over (never modifies it again), so a memory store keeps the view.
   */
  append(data: Buffer, adopt?: boolean): void;
  /**
   * Makes bytes `[position, position + length)` (clipped at the end of the store) readable in `peekBuffer`
   * and returns where they start there. For walking batch headers without allocating.
   */
  peek(position: number, length: number): number;
  readonly peekBuffer: Buffer;
  /** Appends slices of whole batches starting at `position` to `out`, within `limits`. */
  collect(position: number, limits: CollectLimits, out: Buffer[]): CollectResult;
  truncate(size: number): void;
  /** Makes appended bytes durable (no-op in memory). */
  flush(): void;
  /** Frees scratch memory kept for peeks (recovery peeks every segment once). */
  releasePeekWindow?(): void;
  close(): void;
  /** Closes and deletes the bytes. */
  remove(): void;
}

/**
 * Walks the batches in `buf[start, end)`, pushing slices that fit `limits` given `collected` bytes so far.
 * Returns the position after the last batch taken; batches cut off at `end` are not taken.
 */
export function takeBatches(
  buf: Buffer,
  start: number,
  end: number,
  limits: CollectLimits,
  collected: number,
  out: Buffer[],
): number {
  let pos = start;
  while (end - pos >= LOG_OVERHEAD) {
    const size = batchSize(buf, pos);
    if (pos + size > end) break;
    if (batchBaseOffset(buf, pos) >= limits.maxOffset) break;
    if (collected + size > limits.maxBytes && !(collected === 0 && limits.minOneBatch)) break;
    out.push(buf.subarray(pos, pos + size));
    collected += size;
    pos += size;
  }
  return pos;
}
