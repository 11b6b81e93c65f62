/** Small files replaced atomically: write a temp file, fsync it, rename over the target, fsync the directory. */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
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
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, filePath);
  if (options.syncDirectory ?? true) fsyncDirectory(path.dirname(filePath));
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
