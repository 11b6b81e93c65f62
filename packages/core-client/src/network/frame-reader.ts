/**
 * Splits a connection's byte stream into Kafka response frames (int32 size + payload), reading
 * from the socket through net's `onread` option (`nextBuffer` gives the buffer each read goes into,
 * `onRead` is told how many bytes landed there) instead of 'data' events:
 *
 * - Reads go into one reused scratch buffer, which stays mapped and cache-warm. With 'data' events
 *   each read got a fresh 64 KiB buffer, and the chunks of a large frame were kept until
 *   Buffer.concat copied them together. The scratch starts at 8 KiB, what an idle connection's
 *   heartbeats and empty fetches need (a process holding many clients holds one per connection),
 *   and doubles up to 64 KiB when a read fills it or a small frame does not fit in it.
 * - A small frame is copied out of the scratch before it is handed on, so nothing handed on ever
 *   aliases the scratch.
 * - A large frame (a Fetch response) gets a buffer of its own, exactly its size, once its prefix is
 *   seen, and the socket reads the rest of it straight into that buffer: no copy in user space.
 *   (Copying out of the scratch was cheaper while frame memory was fresh, because page faults taken
 *   inside the socket read cost more than the same faults taken by a copy; since malloc keeps the
 *   memory of freed frames (malloc-thresholds.ts) they are rare, and the copy is pure cost.)
 *   Frame buffers are never reused: record keys and values are views of them. `firstLargeFrame`
 *   raises malloc's thresholds before the first frame of a size it would map.
 * - `onProgress`, when given, sees a large frame after each read into it (the Fetch response CRC
 *   scan checks batches while their bytes are still in the CPU cache).
 *
 * Frames larger than `maxFrameBytes` are rejected (FrameSizeError) before any of their bytes are
 * buffered, the way a broker applies `socket.request.max.bytes`.
 */
import { FRAME_SIZE_BYTES, readFrameSize } from '@samsa/protocol/on-demand';

/** The scratch's first size, and the most it grows to: what one read takes at most while no large frame is filled. */
export const INITIAL_SCRATCH_BYTES = 8 * 1024;
export const MAX_SCRATCH_BYTES = 64 * 1024;
/** Frames up to this size are assembled in the scratch and copied out; larger ones get their own buffer. */
const SMALL_FRAME_BYTES = 16 * 1024;

export interface FrameReaderHooks {
  /** A large frame (without its size prefix) has its first `filled` bytes; called after every read into it. */
  onProgress?: (frame: Buffer, filled: number) => void;
  /** Called once, before the buffer of the first frame of at least `bytes` is allocated. */
  firstLargeFrame?: { bytes: number; onFirst: () => void };
}

export class FrameReader {
  private scratch = Buffer.allocUnsafeSlow(INITIAL_SCRATCH_BYTES);
  /** Unconsumed bytes of the scratch: [start, end). */
  private start = 0;
  private end = 0;
  /** The large frame being assembled, and how much of it has arrived. */
  private frame: Buffer | null = null;
  private filled = 0;
  /** The last buffer nextBuffer() returned was the rest of `frame`. */
  private intoFrame = false;

  private readonly onProgress: ((frame: Buffer, filled: number) => void) | undefined;
  private firstLargeFrame: { bytes: number; onFirst: () => void } | undefined;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
    hooks: FrameReaderHooks = {},
  ) {
    this.onProgress = hooks.onProgress;
    this.firstLargeFrame = hooks.firstLargeFrame;
  }

  /** Bytes buffered towards an incomplete frame. */
  get buffered(): number {
    return this.frame !== null ? FRAME_SIZE_BYTES + this.filled : this.end - this.start;
  }

  /** Up to `max` of the bytes received and not yet framed (to tell what answered when they make no frame). */
  peek(max: number): Buffer {
    if (this.frame !== null) return this.frame.subarray(0, Math.min(max, this.filled));
    return this.scratch.subarray(this.start, Math.min(this.end, this.start + max));
  }

  /** Bytes that came as a 'data' event (a socket from a `socketFactory`), fed through the same path as reads. */
  push(chunk: Buffer): void {
    for (let offset = 0; offset < chunk.length; ) {
      const into = this.nextBuffer();
      const n = Math.min(into.length, chunk.length - offset);
      chunk.copy(into, 0, offset, offset + n);
      offset += n;
      this.onRead(n);
    }
  }

  /** Where the next socket read goes: never empty. */
  nextBuffer(): Buffer {
    if (this.frame !== null) {
      this.intoFrame = true;
      return this.frame.subarray(this.filled);
    }
    this.intoFrame = false;
    // While a large frame is filled, the scratch holds nothing else (start = end = 0).
    if (this.end === 0) return this.scratch;
    if (this.end === this.scratch.length) this.compact();
    return this.scratch.subarray(this.end);
  }

  /**
   * `n` bytes were read into the buffer the last `nextBuffer()` returned. Calls `onFrame` for every
   * frame completed; throws FrameSizeError on an invalid size prefix (the stream cannot be resynchronized).
   */
  onRead(n: number): void {
    const frame = this.frame;
    if (this.intoFrame) {
      // The read went into the frame's own buffer, never past its end.
      this.intoFrame = false;
      this.filled += n;
      const filled = this.filled;
      this.onProgress?.(frame!, filled);
      if (filled < frame!.length) return;
      this.frame = null;
      this.filled = 0;
      this.onFrame(frame!);
      return;
    }
    this.end += n;
    // A read that filled the scratch likely left more bytes waiting: take them in fewer reads.
    const filledScratch = this.end === this.scratch.length;
    this.drain();
    if (filledScratch && this.scratch.length < MAX_SCRATCH_BYTES) this.grow(this.scratch.length * 2);
  }

  /** Hands on the complete frames in the scratch; starts assembling a large one in its own buffer. */
  private drain(): void {
    const scratch = this.scratch;
    while (this.end - this.start >= FRAME_SIZE_BYTES) {
      const size = readFrameSize(scratch, this.start, this.maxFrameBytes, 'maxResponseBytes');
      const body = this.start + FRAME_SIZE_BYTES;
      const available = this.end - body;
      if (available >= size) {
        const out = Buffer.allocUnsafe(size);
        scratch.copy(out, 0, body, body + size);
        this.start = body + size;
        this.onFrame(out);
        continue;
      }
      if (size > SMALL_FRAME_BYTES) {
        if (this.firstLargeFrame !== undefined && size >= this.firstLargeFrame.bytes) {
          const { onFirst } = this.firstLargeFrame;
          this.firstLargeFrame = undefined;
          onFirst();
        }
        const out = Buffer.allocUnsafe(size);
        scratch.copy(out, 0, body, this.end);
        this.start = 0;
        this.end = 0;
        this.frame = out;
        this.filled = available;
        this.onProgress?.(out, available);
        return;
      }
      // A small frame still arriving: make sure all of it fits behind its start.
      if (FRAME_SIZE_BYTES + size > scratch.length) this.grow(FRAME_SIZE_BYTES + size);
      else if (body + size > scratch.length) this.compact();
      break;
    }
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
  }

  /** A scratch of at least `bytes` (a power of two, at most MAX_SCRATCH_BYTES), the unconsumed bytes at its front. */
  private grow(bytes: number): void {
    let length = this.scratch.length;
    while (length < bytes && length < MAX_SCRATCH_BYTES) length *= 2;
    const grown = Buffer.allocUnsafeSlow(length);
    this.scratch.copy(grown, 0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    this.scratch = grown;
  }

  /** Moves the unconsumed bytes to the front of the scratch. */
  private compact(): void {
    if (this.start === 0) return;
    this.scratch.copy(this.scratch, 0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }
}
