/**
 * Splits a byte stream into Kafka frames (int32 size + payload). Frames larger than
 * `maxFrameBytes` are rejected before any of their bytes are buffered, the way a broker applies
 * `socket.request.max.bytes`.
 */
import { SamsaError } from './errors/samsa-error.js';

export class FrameTooLargeError extends SamsaError {
  readonly size: number;
  constructor(size: number, max: number) {
    super('FRAME_TOO_LARGE', `frame of ${size} bytes exceeds the limit of ${max} bytes`);
    this.size = size;
  }
}

export class InvalidFrameSizeError extends SamsaError {
  constructor(size: number) {
    super('INVALID_FRAME_SIZE', `frame size ${size} is negative`);
  }
}

export class FrameSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Size of the frame being assembled, or -1 while its size prefix is incomplete. */
  private frameSize = -1;

  constructor(private readonly maxFrameBytes = 100 * 1024 * 1024) {}

  /** Feeds a chunk; calls `onFrame` for each complete frame (without its size prefix). */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    if (this.pendingBytes === 0) {
      // Fast path: walk frames straight out of the chunk without copying.
      let pos = 0;
      while (chunk.length - pos >= 4) {
        const size = chunk.readInt32BE(pos);
        this.check(size);
        if (chunk.length - pos - 4 < size) break;
        onFrame(chunk.subarray(pos + 4, pos + 4 + size));
        pos += 4 + size;
      }
      if (pos < chunk.length) this.keep(chunk.subarray(pos));
      return;
    }
    this.keep(chunk);
    while (true) {
      if (this.frameSize < 0) {
        if (this.pendingBytes < 4) return;
        this.flatten();
        const size = this.pending[0].readInt32BE(0);
        this.check(size);
        this.frameSize = size;
      }
      if (this.pendingBytes < 4 + this.frameSize) return;
      const all = this.flatten();
      const frame = all.subarray(4, 4 + this.frameSize);
      const rest = all.subarray(4 + this.frameSize);
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

  private check(size: number): void {
    if (size < 0) throw new InvalidFrameSizeError(size);
    if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
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
