/**
 * Small files replaced atomically: write a temp file, fsync it, rename over the target, fsync the directory.
 * The `Async` variants run each fsync on libuv's threadpool, so a broker closing thousands of partitions
 * keeps several in flight (an fsync mostly waits for the disk) instead of paying them one after another.
 */
import { closeSync, fdatasync, fsync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /**
   * Fsync the directory after the rename (default). False when the caller replaces several files in
   * one directory and fsyncs it once after the last: a directory fsync costs as much as a file's, and
   * closing thousands of partitions paid one per file.
   */
  syncDirectory?: boolean;
}

export function writeFileAtomic(
  filePath: string,
  data: string | Buffer,
  options: AtomicWriteOptions = {},
): void {
  const temp = `${filePath}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, filePath);
  if (options.syncDirectory ?? true) fsyncDirectory(path.dirname(filePath));
}

/** writeFileAtomic with its fsyncs off the event loop. */
export async function writeFileAtomicAsync(
  filePath: string,
  data: string | Buffer,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = `${filePath}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeAll(fd, data);
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, filePath);
  if (options.syncDirectory ?? true) await fsyncDirectoryAsync(path.dirname(filePath));
}

function writeAll(fd: number, data: string | Buffer): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

export function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

export function fdatasyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

/** fsyncDirectory off the event loop. */
export async function fsyncDirectoryAsync(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    await fsyncAsync(fd);
  } catch {
    // As fsyncDirectory.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Makes creations, renames and deletions in `dir` durable. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the data files themselves were synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
