/**
 * An append-only file of frames `[length u32][crc32c u32][payload]` (big-endian; the CRC covers the payload).
 * Appending is one write syscall, so an acknowledged frame survives a process kill; opening drops a torn or
 * corrupt tail. `rewrite` replaces the whole file atomically, for compacting it.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';
import { crc32c } from './crc.js';
import { KafkaStorageError, StorageClosedError } from './errors.js';
import type { StorageLogger } from './storage-logger.js';

const FRAME_HEADER = 8;

export function encodeFrames(payloads: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(payloads.reduce((n, p) => n + FRAME_HEADER + p.length, 0));
  let pos = 0;
  for (const payload of payloads) {
    out.writeUInt32BE(payload.length, pos);
    out.writeUInt32BE(crc32c(payload), pos + 4);
    payload.copy(out, pos + FRAME_HEADER);
    pos += FRAME_HEADER + payload.length;
  }
  return out;
}

/** The intact frames at the start of `data`, and how many bytes they span. */
export function decodeFrames(data: Buffer): { payloads: Buffer[]; validBytes: number } {
  const payloads: Buffer[] = [];
  let pos = 0;
  while (data.length - pos >= FRAME_HEADER) {
    const length = data.readUInt32BE(pos);
    const end = pos + FRAME_HEADER + length;
    if (end > data.length) break;
    const payload = data.subarray(pos + FRAME_HEADER, end);
    if (crc32c(payload) !== data.readUInt32BE(pos + 4)) break;
    payloads.push(payload);
    pos = end;
  }
  return { payloads, validBytes: pos };
}

export class FramedLog {
  private fd: number;
  private bytes: number;

  private constructor(
    readonly filePath: string,
    private readonly syncWrites: boolean,
  ) {
    this.fd = openSync(filePath, 'a+');
    this.bytes = fstatSync(this.fd).size;
  }

  /** Opens (creating) the file and returns its intact frames; a torn tail is truncated and reported. */
  static open(
    filePath: string,
    syncWrites: boolean,
    logger: StorageLogger,
  ): { log: FramedLog; payloads: Buffer[] } {
    const data = existsSync(filePath) ? readFileSync(filePath) : Buffer.alloc(0);
    const { payloads, validBytes } = decodeFrames(data);
    const log = new FramedLog(filePath, syncWrites);
    if (validBytes < data.length) {
      logger.warn(`${filePath}: dropping ${data.length - validBytes} bytes of torn or corrupt tail.`);
      ftruncateSync(log.fd, validBytes);
      log.bytes = validBytes;
    }
    return { log, payloads };
  }

  get size(): number {
    return this.bytes;
  }

  append(payloads: readonly Buffer[]): void {
    if (this.fd < 0) throw new StorageClosedError(`${this.filePath} is closed.`);
    const data = encodeFrames(payloads);
    try {
      let written = 0;
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
      if (this.syncWrites) fdatasyncSync(this.fd);
    } catch (error) {
      throw new KafkaStorageError(`Cannot append to ${this.filePath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.bytes += data.length;
  }

  /** Atomically replaces the file's content with `payloads`. */
  rewrite(payloads: readonly Buffer[]): void {
    const data = encodeFrames(payloads);
    writeFileAtomic(this.filePath, data);
    closeSync(this.fd);
    this.fd = openSync(this.filePath, 'a+');
    this.bytes = data.length;
  }

  flush(): void {
    if (this.fd >= 0) fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
