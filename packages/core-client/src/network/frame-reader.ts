/**
 * Splits a connection's byte stream into Kafka response frames (int32 size + payload), reading
 * from the socket through net's `onread` option (`nextBuffer` gives the buffer each read goes into,
 * `onRead` is told how many bytes landed there) instead of 'data' events:
 *
 * - Every read goes into one reused 64 KiB scratch buffer, which stays mapped and cache-warm. With
 *   'data' events each read got a fresh 64 KiB buffer, and the chunks of a large frame were kept
 *   until Buffer.concat copied them together.
 * - A small frame is copied out of the scratch before it is handed on, so nothing handed on ever
 *   aliases the scratch.
 * - A large frame (a Fetch response) gets a buffer of its own, exactly its size, once its prefix is
 *   seen, and each read's bytes are copied into it right away. That copy is the only one, and it is
 *   cheaper than having the kernel read straight into the frame: on first-touched (fresh) memory,
 *   page faults taken inside the socket read cost more than the same faults taken by a copy in
 *   user space (measured on a Linux VM: 25-40% more CPU per byte received), and the bytes come out
 *   cold for the CRC check that reads them next. Frame buffers are never reused: record keys and
 *   values are views of them. So that malloc reuses their memory once they are freed instead of
 *   mapping fresh pages, the first frame of a size malloc would map (`firstLargeFrame`) raises its
 *   thresholds (malloc-thresholds.ts).
 *
 * Frames larger than `maxFrameBytes` are rejected (FrameSizeError) before any of their bytes are
 * buffered, the way a broker applies `socket.request.max.bytes`.
 */
import { FRAME_SIZE_BYTES, readFrameSize } from '@samsa/protocol';

/** Scratch size: what one read takes at most while no large frame is being filled. */
const SCRATCH_BYTES = 64 * 1024;
/** Frames up to this size are assembled in the scratch and copied out; larger ones get their own buffer. */
const SMALL_FRAME_BYTES = 16 * 1024;

export class FrameReader {
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  /** Unconsumed bytes of the scratch: [start, end). */
  private start = 0;
  private end = 0;
  /** The large frame being assembled, and how much of it has arrived. */
  private frame: Buffer | null = null;
  private filled = 0;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
    /** Called once, before the buffer of the first frame of at least `bytes` is allocated. */
    private firstLargeFrame?: { bytes: number; onFirst: () => void },
  ) {}

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
    if (frame !== null) {
      // The read went to the start of the scratch; it may run into the frames that follow.
      const take = Math.min(n, frame.length - this.filled);
      this.scratch.copy(frame, this.filled, 0, take);
      this.filled += take;
      if (this.filled < frame.length) return;
      this.frame = null;
      this.filled = 0;
      this.start = take;
      this.end = n;
      this.onFrame(frame);
    } else {
      this.end += n;
    }
    this.drain();
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
        return;
      }
      // A small frame still arriving: make sure all of it fits behind its start.
      if (body + size > scratch.length) this.compact();
      break;
    }
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
  }

  /** Moves the unconsumed bytes to the front of the scratch. */
  private compact(): void {
    if (this.start === 0) return;
    this.scratch.copy(this.scratch, 0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }
}
