/**
 * Reads the structure of Zstandard frames (RFC 8878) without decoding them, to bound the output
 * before anything is inflated: every block decodes to at most its block maximum (raw and RLE
 * blocks to exactly their size), whatever content size the frame header claims.
 */
import { corruptCompressedData } from './corrupt-data.js';
import { readUint32LE, skippableFrameEnd } from './frame-magic.js';

const FRAME_MAGIC = 0xfd2fb528;
const MAX_BLOCK_SIZE = 128 * 1024;
/** The reference decoder refuses larger windows unless told otherwise (ZSTD_WINDOWLOG_LIMIT_DEFAULT). */
export const MAX_WINDOW_SIZE = 128 * 1024 * 1024;

export interface ZstdFramesSummary {
  /** The most bytes the frames can decode to, from their block headers. */
  maxOutput: number;
  /** The sum of the declared content sizes, when every frame declares one. */
  declaredOutput: number | undefined;
}

function readLittleEndian(data: Uint8Array, pos: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + data[pos + i];
  return value;
}

/** Parses the frame at `start`: where it ends, its output bound, and its declared size (or -1). */
function measureFrame(
  data: Uint8Array,
  start: number,
): { end: number; maxOutput: number; contentSize: number } {
  if (data.length - start < 6) throw corruptCompressedData('zstd', 'frame header is truncated');
  const descriptor = data[start + 4];
  const contentSizeFlag = descriptor >>> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  if (descriptor & 0x08) throw corruptCompressedData('zstd', 'reserved bit is set in the frame header');
  const hasChecksum = (descriptor & 0x04) !== 0;
  const dictionaryIdSize = [0, 1, 2, 4][descriptor & 0x03];
  const contentSizeSize = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag];
  let pos = start + 5;
  let windowSize = 0;
  if (!singleSegment) {
    const exponent = data[pos] >>> 3;
    const base = 2 ** (10 + exponent);
    windowSize = base + (base / 8) * (data[pos] & 7);
    pos++;
  }
  if (data.length - pos < dictionaryIdSize + contentSizeSize)
    throw corruptCompressedData('zstd', 'frame header is truncated');
  if (dictionaryIdSize > 0 && readLittleEndian(data, pos, dictionaryIdSize) !== 0) {
    throw corruptCompressedData('zstd', 'frames that need a dictionary are not supported');
  }
  pos += dictionaryIdSize;
  let contentSize = -1;
  if (contentSizeSize > 0) {
    contentSize = readLittleEndian(data, pos, contentSizeSize) + (contentSizeSize === 2 ? 256 : 0);
    pos += contentSizeSize;
  }
  // A single-segment frame's window is its whole output, which the caller bounds by size instead.
  if (singleSegment) windowSize = contentSize;
  else if (windowSize > MAX_WINDOW_SIZE) {
    throw corruptCompressedData(
      'zstd',
      `frame needs a ${windowSize}-byte window, more than the ${MAX_WINDOW_SIZE} allowed`,
    );
  }
  const blockMaximum = Math.min(windowSize, MAX_BLOCK_SIZE);
  let maxOutput = 0;
  for (;;) {
    if (data.length - pos < 3) throw corruptCompressedData('zstd', 'block header is truncated');
    const header = data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16);
    pos += 3;
    const blockType = (header >>> 1) & 3;
    const blockSize = header >>> 3;
    // Raw blocks carry their bytes, RLE blocks one byte repeated blockSize times.
    const stored = blockType === 1 ? 1 : blockSize;
    if (blockType === 3) throw corruptCompressedData('zstd', 'reserved block type');
    if (blockSize > MAX_BLOCK_SIZE)
      throw corruptCompressedData('zstd', `block of ${blockSize} bytes exceeds 128 KiB`);
    if (data.length - pos < stored) throw corruptCompressedData('zstd', 'block is truncated');
    maxOutput += blockType === 2 ? blockMaximum : blockSize;
    pos += stored;
    if (header & 1) break;
  }
  if (hasChecksum) {
    if (data.length - pos < 4) throw corruptCompressedData('zstd', 'content checksum is truncated');
    pos += 4;
  }
  return { end: pos, maxOutput, contentSize };
}

/** Checks that `data` is a sequence of complete zstd (or skippable) frames and bounds its output. */
export function summarizeZstdFrames(data: Uint8Array): ZstdFramesSummary {
  let pos = 0;
  let maxOutput = 0;
  let declaredOutput: number | undefined = 0;
  let frames = 0;
  while (pos < data.length) {
    const skippedTo = skippableFrameEnd('zstd', data, pos);
    if (skippedTo >= 0) {
      pos = skippedTo;
      continue;
    }
    const magic = readUint32LE(data, pos);
    if (magic !== FRAME_MAGIC) throw corruptCompressedData('zstd', `bad frame magic 0x${magic.toString(16)}`);
    const frame = measureFrame(data, pos);
    maxOutput += frame.maxOutput;
    if (declaredOutput !== undefined)
      declaredOutput = frame.contentSize >= 0 ? declaredOutput + frame.contentSize : undefined;
    frames++;
    pos = frame.end;
  }
  if (frames === 0) throw corruptCompressedData('zstd', 'no frame in the payload');
  return { maxOutput, declaredOutput };
}
