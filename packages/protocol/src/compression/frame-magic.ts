/**
 * What LZ4 and Zstandard framing share: little-endian 32-bit fields and skippable frames
 * (magic 0x184D2A50-5F, a 32-bit size, then that many bytes to ignore).
 */
import { corruptCompressedData } from './corrupt-data.js';

const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

export function readUint32LE(data: Uint8Array, pos: number): number {
  return (data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (data[pos + 3] << 24)) >>> 0;
}

/**
 * Checks that a frame can start at `pos` (8 bytes at least, as either format's smallest frame
 * needs). If it is a skippable frame, returns where it ends; otherwise -1, and the caller
 * reads the magic at `pos`.
 */
export function skippableFrameEnd(codec: string, data: Uint8Array, pos: number): number {
  if (data.length - pos < 8) throw corruptCompressedData(codec, 'trailing bytes after the last frame');
  if ((readUint32LE(data, pos) & SKIPPABLE_MAGIC_MASK) >>> 0 !== SKIPPABLE_MAGIC) return -1;
  const size = readUint32LE(data, pos + 4);
  if (size > data.length - pos - 8) throw corruptCompressedData(codec, 'skippable frame is truncated');
  return pos + 8 + size;
}
