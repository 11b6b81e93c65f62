/**
 * Kafka's framing: every request and response is an int32 size followed by that many bytes. The
 * size check and its error live here once; each reader keeps its own I/O strategy (FrameSplitter
 * below for simple streams, core-client's FrameReader, broker-dev's Connection) and calls
 * `readFrameSize` on every prefix.
 */
import { SamsaError } from './errors/samsa-error.js';

/** Bytes of the size prefix in front of every frame. */
export const FRAME_SIZE_BYTES = 4;

/** Kafka's default socket.request.max.bytes (100 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

/**
 * A size prefix that is negative or above the reader's limit. The stream cannot be resynchronized
 * after it: close the connection.
 */
export class FrameSizeError extends SamsaError {
  readonly size: number;
  readonly maxFrameBytes: number;

  /** `limitName` names the setting that holds the limit, so the message says what to raise. */
  constructor(size: number, maxFrameBytes: number, limitName?: string) {
    super(
      'INVALID_FRAME_SIZE',
      size < 0
        ? `frame size ${size} is negative; the stream is not Kafka framing or is corrupt`
        : limitName === undefined
          ? `frame of ${size} bytes exceeds the limit of ${maxFrameBytes} bytes`
          : `frame of ${size} bytes exceeds ${limitName}=${maxFrameBytes}`,
    );
    this.size = size;
    this.maxFrameBytes = maxFrameBytes;
  }
}

/**
 * Reads the size prefix at `offset` (FRAME_SIZE_BYTES must be available there) and checks it
 * against `maxFrameBytes` before any of the frame is buffered, as a broker applies
 * socket.request.max.bytes. Throws FrameSizeError.
 */
export function readFrameSize(
  bytes: Uint8Array,
  offset: number,
  maxFrameBytes: number,
  limitName?: string,
): number {
  const size =
    (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
  if (size < 0 || size > maxFrameBytes) throw new FrameSizeError(size, maxFrameBytes, limitName);
  return size;
}

/** Splits a byte stream into frames; frames inside one chunk are zero-copy slices of it. */
export class FrameSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Size of the frame being assembled, or -1 while its size prefix is incomplete. */
  private frameSize = -1;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Feeds a chunk; calls `onFrame` for each complete frame (without its size prefix). */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    if (this.pendingBytes === 0) {
      let pos = 0;
      while (chunk.length - pos >= FRAME_SIZE_BYTES) {
        const size = readFrameSize(chunk, pos, this.maxFrameBytes);
        const body = pos + FRAME_SIZE_BYTES;
        if (chunk.length - body < size) break;
        onFrame(chunk.subarray(body, body + size));
        pos = body + size;
      }
      if (pos < chunk.length) this.keep(chunk.subarray(pos));
      return;
    }
    this.keep(chunk);
    while (true) {
      if (this.frameSize < 0) {
        if (this.pendingBytes < FRAME_SIZE_BYTES) return;
        this.frameSize = readFrameSize(this.flatten(), 0, this.maxFrameBytes);
      }
      if (this.pendingBytes < FRAME_SIZE_BYTES + this.frameSize) return;
      const all = this.flatten();
      const frame = all.subarray(FRAME_SIZE_BYTES, FRAME_SIZE_BYTES + this.frameSize);
      const rest = all.subarray(FRAME_SIZE_BYTES + this.frameSize);
      this.pending = [];
      this.pendingBytes = 0;
      this.frameSize = -1;
      onFrame(frame);
      if (rest.length > 0) {
        this.push(rest, onFrame);
        return;
      }
    }
  }

  /** Bytes buffered towards an incomplete frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  private keep(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  private flatten(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    return this.pending[0];
  }
}
