/**
 * In-memory segment bytes kept by the kernel: an unlinked file on a tmpfs (Linux's /dev/shm), written
 * and read like a disk segment. It is the memory store wherever such a file system is available.
 *
 * Why not the heap: memory a process maps for the first time costs a page fault per 4 KiB page, dear
 * on virtual machines, and a broker keeping a gigabyte of produced records in its own buffers spent
 * most of its CPU faulting them in; writing the same bytes into tmpfs pages costs the kernel a copy
 * and no fault (README, performance notes). Reads copy into reused buffers (ReadBufferPool).
 *
 * The file is unlinked as soon as it is open, so its memory is freed when the store is closed or the
 * process dies, `kill -9` included: nothing is left behind in /dev/shm. Its bytes are still counted
 * against the tmpfs size, which containers often keep small (Docker: 64 MiB) and other programs need
 * (browsers use it): while less than RESERVE_BYTES would be left free, and when a write finds no room,
 * the segment continues in heap memory (MemorySegmentStore) instead. Appends never fail for lack of
 * tmpfs room.
 */
import { accessSync, constants, statfsSync } from 'node:fs';
import { KafkaStorageError } from './errors.js';
import { FileSegmentStore } from './file-segment-store.js';
import { MemorySegmentStore } from './memory-segment-store.js';
import type { CollectLimits, CollectResult, SegmentStore } from './segment-store.js';

const SHM_DIR = '/dev/shm';
const TMPFS_MAGIC = 0x01021994;
/** Free tmpfs space left to others: below it, segments continue in heap memory. */
const RESERVE_BYTES = 512 * 1024 * 1024;
/** How often (in appended bytes) a segment looks at the free space again. */
const RECHECK_BYTES = 64 * 1024 * 1024;
/**
 * Each segment holds a file descriptor: beyond this many (thousands of partitions), new segments go to
 * the heap, so sockets and data-dir files never run out of descriptors.
 */
const MAX_OPEN_FILES = 1024;
let openFiles = 0;

let shmDir: string | null | undefined;

/** The tmpfs directory memory segments go to, or undefined where there is none to use. */
export function kernelMemoryDirectory(): string | undefined {
  if (shmDir === undefined) shmDir = probeShm();
  return shmDir ?? undefined;
}

function probeShm(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    if (statfsSync(SHM_DIR).type !== TMPFS_MAGIC) return null;
    accessSync(SHM_DIR, constants.W_OK);
    return SHM_DIR;
  } catch {
    return null;
  }
}

/** Whether `dir` has more than RESERVE_BYTES free. */
function hasRoom(dir: string): boolean {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize >= RESERVE_BYTES;
  } catch {
    return false;
  }
}

export class ShmSegmentStore implements SegmentStore {
  /** Holds positions [0, file.size); undefined when the segment started in the heap. */
  private file: FileSegmentStore | undefined;
  /** Holds the positions after the file's, once the file had no more room. */
  private heap: MemorySegmentStore | undefined;
  private peeked: SegmentStore | undefined;
  private appendedSinceCheck = 0;

  /** `roomIn` and `recheckBytes` are for tests. */
  constructor(
    private readonly dir: string,
    private readonly roomIn: (dir: string) => boolean = hasRoom,
    private readonly recheckBytes = RECHECK_BYTES,
  ) {
    if (openFiles >= MAX_OPEN_FILES || !roomIn(dir)) return;
    try {
      this.file = FileSegmentStore.createUnlinked(dir);
      openFiles++;
    } catch {
      // Out of file descriptors or inodes: the heap serves this segment.
    }
  }

  /** Whether bytes go to the heap now (for tests). */
  get spilled(): boolean {
    return this.file === undefined || this.heap !== undefined;
  }

  get size(): number {
    return (this.file?.size ?? 0) + (this.heap?.size ?? 0);
  }

  get peekBuffer(): Buffer {
    return this.peeked?.peekBuffer ?? EMPTY;
  }

  append(data: Buffer): void {
    if (this.file && !this.heap) {
      this.appendedSinceCheck += data.length;
      if (this.appendedSinceCheck >= this.recheckBytes) {
        this.appendedSinceCheck = 0;
        if (!this.roomIn(this.dir)) this.heap = new MemorySegmentStore();
      }
    }
    if (this.file && !this.heap) {
      try {
        this.file.append(data);
        return;
      } catch (error) {
        if (!isOutOfSpace(error)) throw error;
        this.heap = new MemorySegmentStore();
      }
    }
    this.heap ??= new MemorySegmentStore();
    this.heap.append(data);
  }

  peek(position: number, length: number): number {
    const fileSize = this.file?.size ?? 0;
    if (position < fileSize) {
      this.peeked = this.file;
      return this.file!.peek(position, length);
    }
    this.peeked = this.heap;
    return this.heap!.peek(position - fileSize, length);
  }

  collect(position: number, limits: CollectLimits, out: Buffer[]): CollectResult {
    const fileSize = this.file?.size ?? 0;
    let bytes = 0;
    if (position < fileSize) {
      const fromFile = this.file!.collect(position, limits, out);
      if (!fromFile.reachedEnd || !this.heap) return fromFile;
      bytes = fromFile.bytes;
      position = fileSize;
      limits = {
        ...limits,
        maxBytes: limits.maxBytes - bytes,
        minOneBatch: limits.minOneBatch && bytes === 0,
      };
    }
    if (!this.heap) return { bytes, reachedEnd: true };
    const fromHeap = this.heap.collect(position - fileSize, limits, out);
    return { bytes: bytes + fromHeap.bytes, reachedEnd: fromHeap.reachedEnd };
  }

  truncate(size: number): void {
    const fileSize = this.file?.size ?? 0;
    if (size < fileSize) {
      this.file!.truncate(size);
      this.heap = undefined;
    } else {
      this.heap?.truncate(size - fileSize);
    }
  }

  flush(): void {}

  /** Frees the kernel memory; the bytes are gone (an in-memory log is closed for good). */
  close(): void {
    if (!this.file) return;
    this.file.close();
    this.file = undefined;
    openFiles--;
  }

  remove(): void {
    this.close();
    this.heap?.remove();
    this.heap = undefined;
  }
}

const EMPTY = Buffer.alloc(0);

function isOutOfSpace(error: unknown): boolean {
  if (!(error instanceof KafkaStorageError)) return false;
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT';
}
