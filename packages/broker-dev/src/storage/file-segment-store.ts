/**
 * Segment bytes in a `.log` file. Appends are one positional write each (write syscall done = survives a
 * process kill); fsync happens on flush(), on segment roll, and after every append with `syncWrites`.
 * Reads are one positional read per collect, sliced per batch, into a pooled buffer when the caller
 * passes a ReadBufferPool. An unlinked file (createUnlinked) is the kernel-memory store's backing.
 */

import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { LOG_OVERHEAD } from '@samsa/protocol';
import { fdatasyncAsync } from './atomic-file.js';
import { KafkaStorageError, StorageClosedError } from './errors.js';
import { batchSize } from './record-batch.js';
import { type CollectLimits, type CollectResult, type SegmentStore, takeBatches } from './segment-store.js';

/** Bytes read around a peek, so walking many small batch headers costs few syscalls. */
const PEEK_WINDOW = 32 * 1024;

let unlinkedFiles = 0;
const EMPTY_WINDOW = Buffer.alloc(0);

export class FileSegmentStore implements SegmentStore {
  private fd: number;
  private bytes: number;
  /** Allocated on the first peek: many segments are never walked. */
  private window: Buffer = EMPTY_WINDOW;
  private windowStart = 0;
  private windowLength = 0;

  private constructor(
    private filePath: string,
    fd: number,
    size: number,
    private readonly syncWrites: boolean,
  ) {
    this.fd = fd;
    this.bytes = size;
  }

  /** Creates a new empty file; fails if it exists (a segment's file is never silently replaced). */
  static create(filePath: string, syncWrites: boolean): FileSegmentStore {
    return new FileSegmentStore(filePath, openOrThrow(filePath, 'wx+'), 0, syncWrites);
  }

  /**
   * A new file in `dir` that is unlinked at once: it has no name to leak, and its space is freed
   * when it is closed or the process exits.
   */
  static createUnlinked(dir: string): FileSegmentStore {
    const filePath = path.join(dir, `samsa-segment-${process.pid}-${++unlinkedFiles}`);
    const fd = openOrThrow(filePath, 'wx+');
    try {
      unlinkSync(filePath);
    } catch (error) {
      closeSync(fd);
      throw new KafkaStorageError(`Cannot unlink ${filePath}: ${(error as Error).message}`, { cause: error });
    }
    return new FileSegmentStore(`${filePath} (deleted)`, fd, 0, false);
  }

  static open(filePath: string, syncWrites: boolean): FileSegmentStore {
    const fd = openOrThrow(filePath, 'r+');
    return new FileSegmentStore(filePath, fd, fstatSync(fd).size, syncWrites);
  }

  get path(): string {
    return this.filePath;
  }

  get size(): number {
    return this.bytes;
  }

  get peekBuffer(): Buffer {
    return this.window;
  }

  /** Time the file was created (for segment.ms after a restart); falls back to its last change. */
  birthTimeMs(): number {
    const stat = fstatSync(this.checkOpen());
    return stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
  }

  append(data: Buffer): void {
    const fd = this.checkOpen();
    let written = 0;
    try {
      while (written < data.length) {
        written += writeSync(fd, data, written, data.length - written, this.bytes + written);
      }
      if (this.syncWrites) fdatasyncSync(fd);
    } catch (error) {
      // Leave no partial batch behind: the next append would otherwise follow garbage.
      try {
        ftruncateSync(fd, this.bytes);
      } catch {}
      throw new KafkaStorageError(`Cannot write to ${this.filePath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.bytes += data.length;
  }

  peek(position: number, length: number): number {
    if (position >= this.windowStart && position + length <= this.windowStart + this.windowLength) {
      return position - this.windowStart;
    }
    const want = Math.min(Math.max(length, PEEK_WINDOW), this.bytes - position);
    if (want > this.window.length) this.window = Buffer.allocUnsafeSlow(Math.max(want, PEEK_WINDOW));
    this.windowStart = position;
    this.windowLength = this.readInto(this.window, want, position);
    return 0;
  }

  collect(position: number, limits: CollectLimits, out: Buffer[]): CollectResult {
    const available = this.bytes - position;
    if (available <= 0) return { bytes: 0, reachedEnd: true };
    let length = Math.min(available, limits.maxBytes);
    if (length < available) {
      // The first batch may not fit the budget; KIP-74 still returns it whole.
      const at = this.peek(position, LOG_OVERHEAD);
      const first = batchSize(this.window, at);
      if (first > length) {
        if (!limits.minOneBatch) return { bytes: 0, reachedEnd: false };
        length = Math.min(first, available);
      }
    }
    const data = limits.readBuffers ? limits.readBuffers.borrow(length) : Buffer.allocUnsafe(length);
    const read = this.readInto(data, length, position);
    const before = out.length;
    const stop = takeBatches(data, 0, read, limits, 0, out);
    let bytes = 0;
    for (let i = before; i < out.length; i++) bytes += out[i].length;
    return { bytes, reachedEnd: position + stop >= this.bytes };
  }

  private readInto(target: Buffer, length: number, position: number): number {
    const fd = this.checkOpen();
    let done = 0;
    while (done < length) {
      const n = readSync(fd, target, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  truncate(size: number): void {
    if (size >= this.bytes) return;
    ftruncateSync(this.checkOpen(), size);
    this.bytes = size;
    this.windowLength = 0;
  }

  flush(): void {
    if (this.fd >= 0) fdatasyncSync(this.fd);
  }

  /** flush() off the event loop. */
  async flushAsync(): Promise<void> {
    if (this.fd >= 0) await fdatasyncAsync(this.fd);
  }

  /**
   * Frees the peek window until the next peek: recovery walks every segment once, and thousands of
   * partitions would otherwise each keep a window they may not need again.
   */
  releasePeekWindow(): void {
    this.window = EMPTY_WINDOW;
    this.windowStart = 0;
    this.windowLength = 0;
  }

  /** Renames the file (a cleaned segment swapping into place); the open descriptor stays valid. */
  rename(filePath: string): void {
    renameSync(this.filePath, filePath);
    this.filePath = filePath;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  remove(): void {
    this.close();
    try {
      unlinkSync(this.filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  private checkOpen(): number {
    if (this.fd < 0) throw new StorageClosedError(`Segment file ${this.filePath} is closed.`);
    return this.fd;
  }
}

function openOrThrow(filePath: string, flags: string): number {
  try {
    return openSync(filePath, flags);
  } catch (error) {
    throw new KafkaStorageError(`Cannot open ${filePath}: ${(error as Error).message}`, { cause: error });
  }
}
