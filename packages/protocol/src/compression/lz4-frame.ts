/**
 * The LZ4 frame format (lz4/doc/lz4_Frame_format.md) as Kafka uses it. We write exactly what
 * Kafka's KafkaLZ4BlockOutputStream and librdkafka write for magic-2 batches: FLG 0x60 (version
 * 1, independent blocks, no checksums), BD 0x40 (64 KiB blocks), a correct header checksum,
 * then blocks and an end mark. We read any standard frame: content size, block and content
 * checksums (verified), linked blocks and concatenated or skippable frames.
 */
import { DecompressionLimitError } from '../errors/decompression-limit-error.js';
import { corruptCompressedData } from './corrupt-data.js';
import { readUint32LE, skippableFrameEnd } from './frame-magic.js';
import { compressLz4Block, decompressLz4Block, lz4BlockBound } from './lz4-block.js';
import { xxhash32 } from './xxhash32.js';

const FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_1 = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED = 0x80000000;
/** An LZ4 sequence expands at most ~255-fold, which bounds a block before it is decoded. */
const MAX_EXPANSION = 255;

const KAFKA_FLG = FLG_VERSION_1 | FLG_BLOCK_INDEPENDENCE;
const KAFKA_BD = 0x40;
const KAFKA_BLOCK_SIZE = 64 * 1024;
const KAFKA_HEADER = (() => {
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, KAFKA_FLG, KAFKA_BD, 0]);
  header[6] = (xxhash32(header, 4, 6) >>> 8) & 0xff;
  return header;
})();

/** Compresses one independent block into the raw LZ4 block format. */
export type NativeLz4BlockCompressor = (block: Uint8Array) => Uint8Array;
/** Decompresses one independent block of at most `maxLength` bytes. */
export type NativeLz4BlockDecompressor = (block: Uint8Array, maxLength: number) => Uint8Array;

function writeBlockSize(out: Uint8Array, pos: number, value: number): void {
  out[pos] = value & 0xff;
  out[pos + 1] = (value >>> 8) & 0xff;
  out[pos + 2] = (value >>> 16) & 0xff;
  out[pos + 3] = value >>> 24;
}

/** Compresses `data` into one Kafka-compatible LZ4 frame. */
export function encodeLz4Frame(data: Uint8Array, nativeBlock?: NativeLz4BlockCompressor): Buffer {
  const blockCount = Math.ceil(data.length / KAFKA_BLOCK_SIZE);
  const out = Buffer.allocUnsafe(
    KAFKA_HEADER.length + blockCount * (4 + lz4BlockBound(KAFKA_BLOCK_SIZE)) + 4,
  );
  KAFKA_HEADER.copy(out, 0);
  let pos = KAFKA_HEADER.length;
  for (let start = 0; start < data.length; start += KAFKA_BLOCK_SIZE) {
    const end = Math.min(data.length, start + KAFKA_BLOCK_SIZE);
    let size: number;
    if (nativeBlock) {
      const block = nativeBlock(data.subarray(start, end));
      size = block.length;
      if (size < end - start) out.set(block, pos + 4);
    } else {
      size = compressLz4Block(data, start, end, out, pos + 4) - (pos + 4);
    }
    if (size >= end - start) {
      // Incompressible: store the block as is, as the reference encoder does.
      out.set(data.subarray(start, end), pos + 4);
      size = end - start;
      writeBlockSize(out, pos, (size | BLOCK_UNCOMPRESSED) >>> 0);
    } else {
      writeBlockSize(out, pos, size);
    }
    pos += 4 + size;
  }
  writeBlockSize(out, pos, 0);
  return out.subarray(0, pos + 4);
}

interface FrameLayout {
  /** Where the first block header starts. */
  blocksStart: number;
  independentBlocks: boolean;
  blockChecksum: boolean;
  contentChecksum: boolean;
  /** Declared content size, or -1. */
  contentSize: number;
  blockMaxSize: number;
}

function readFrameHeader(data: Uint8Array, pos: number): FrameLayout {
  if (data.length - pos < 7) throw corruptCompressedData('lz4', 'frame header is truncated');
  const flg = data[pos + 4];
  const bd = data[pos + 5];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_1)
    throw corruptCompressedData('lz4', `unsupported frame version in FLG 0x${flg.toString(16)}`);
  if (flg & FLG_RESERVED || bd & 0x8f)
    throw corruptCompressedData('lz4', 'reserved bits are set in the frame descriptor');
  if (flg & FLG_DICT_ID)
    throw corruptCompressedData('lz4', 'frames that need a dictionary are not supported');
  const blockSizeId = (bd >>> 4) & 7;
  if (blockSizeId < 4) throw corruptCompressedData('lz4', `invalid block maximum size id ${blockSizeId}`);
  let descriptorEnd = pos + 6;
  let contentSize = -1;
  if (flg & FLG_CONTENT_SIZE) {
    if (data.length - descriptorEnd < 9) throw corruptCompressedData('lz4', 'frame header is truncated');
    contentSize = readUint32LE(data, descriptorEnd) + readUint32LE(data, descriptorEnd + 4) * 2 ** 32;
    descriptorEnd += 8;
  }
  const checksum = (xxhash32(data, pos + 4, descriptorEnd) >>> 8) & 0xff;
  if (data[descriptorEnd] !== checksum) {
    throw corruptCompressedData(
      'lz4',
      `frame header checksum is 0x${data[descriptorEnd].toString(16)}, expected 0x${checksum.toString(16)}`,
    );
  }
  return {
    blocksStart: descriptorEnd + 1,
    independentBlocks: (flg & FLG_BLOCK_INDEPENDENCE) !== 0,
    blockChecksum: (flg & FLG_BLOCK_CHECKSUM) !== 0,
    contentChecksum: (flg & FLG_CONTENT_CHECKSUM) !== 0,
    contentSize,
    blockMaxSize: 1 << (8 + 2 * blockSizeId),
  };
}

/**
 * Walks a frame's block headers without decoding anything: checks every block fits in the input
 * and returns where the frame ends and how large its output can be at most.
 */
function measureFrame(data: Uint8Array, frame: FrameLayout): { end: number; maxOutput: number } {
  let pos = frame.blocksStart;
  let maxOutput = 0;
  for (;;) {
    if (data.length - pos < 4) throw corruptCompressedData('lz4', 'frame ends without an end mark');
    const header = readUint32LE(data, pos);
    pos += 4;
    if (header === 0) break;
    const size = header & ~BLOCK_UNCOMPRESSED;
    if (size > frame.blockMaxSize)
      throw corruptCompressedData('lz4', `block of ${size} bytes exceeds the frame's ${frame.blockMaxSize}`);
    const trailer = frame.blockChecksum ? 4 : 0;
    if (data.length - pos < size + trailer)
      throw corruptCompressedData('lz4', `block of ${size} bytes is truncated`);
    maxOutput += header & BLOCK_UNCOMPRESSED ? size : Math.min(frame.blockMaxSize, size * MAX_EXPANSION);
    pos += size + trailer;
  }
  if (frame.contentChecksum) {
    if (data.length - pos < 4) throw corruptCompressedData('lz4', 'content checksum is truncated');
    pos += 4;
  }
  if (frame.contentSize >= 0) maxOutput = Math.min(maxOutput, frame.contentSize);
  return { end: pos, maxOutput };
}

/** The error for output that does not fit: over the caller's limit, or a block lying about its size. */
function overflow(out: Buffer, maxBytes: number, frame: FrameLayout): Error {
  return out.length >= maxBytes
    ? new DecompressionLimitError('lz4', maxBytes)
    : corruptCompressedData('lz4', `a block decodes to more than its ${frame.blockMaxSize}-byte bound`);
}

/** Decodes the blocks of one frame into `out` from `outStart`; returns the new output end. */
function decodeFrameBlocks(
  data: Uint8Array,
  frame: FrameLayout,
  out: Buffer,
  outStart: number,
  maxBytes: number,
  nativeBlock: NativeLz4BlockDecompressor | undefined,
): number {
  let pos = frame.blocksStart;
  let op = outStart;
  const limit = out.length;
  for (;;) {
    const header = readUint32LE(data, pos);
    pos += 4;
    if (header === 0) break;
    const size = header & ~BLOCK_UNCOMPRESSED;
    if (frame.blockChecksum && xxhash32(data, pos, pos + size) !== readUint32LE(data, pos + size)) {
      throw corruptCompressedData('lz4', 'block checksum mismatch');
    }
    if (header & BLOCK_UNCOMPRESSED) {
      if (size > limit - op) throw overflow(out, maxBytes, frame);
      out.set(data.subarray(pos, pos + size), op);
      op += size;
    } else if (nativeBlock && frame.independentBlocks) {
      const bound = Math.min(frame.blockMaxSize, size * MAX_EXPANSION);
      const decoded = decodeNative(nativeBlock, data.subarray(pos, pos + size), bound);
      if (decoded.length > limit - op) throw overflow(out, maxBytes, frame);
      out.set(decoded, op);
      op += decoded.length;
    } else {
      // Linked blocks may copy from earlier blocks of the frame, so their window starts there.
      const windowStart = frame.independentBlocks ? op : outStart;
      const blockLimit = op + frame.blockMaxSize;
      const end = decompressLz4Block(
        data,
        pos,
        pos + size,
        out,
        op,
        Math.min(limit, blockLimit),
        windowStart,
      );
      if (end < 0) {
        throw limit < blockLimit
          ? overflow(out, maxBytes, frame)
          : corruptCompressedData('lz4', `a block decodes to more than ${frame.blockMaxSize} bytes`);
      }
      op = end;
    }
    pos += size + (frame.blockChecksum ? 4 : 0);
  }
  if (frame.contentSize >= 0 && op - outStart !== frame.contentSize) {
    throw corruptCompressedData(
      'lz4',
      `frame declares ${frame.contentSize} bytes but holds ${op - outStart}`,
    );
  }
  if (frame.contentChecksum && xxhash32(out, outStart, op) !== readUint32LE(data, pos)) {
    throw corruptCompressedData('lz4', 'content checksum mismatch');
  }
  return op;
}

function decodeNative(
  nativeBlock: NativeLz4BlockDecompressor,
  block: Uint8Array,
  maxLength: number,
): Uint8Array {
  try {
    return nativeBlock(block, maxLength);
  } catch (error) {
    throw corruptCompressedData('lz4', error instanceof Error ? error.message : String(error), error);
  }
}

/**
 * Decodes one or more concatenated LZ4 frames. All block headers are checked first and the
 * output is allocated once, at most `maxBytes`; a payload that would inflate past that raises
 * DecompressionLimitError.
 */
export function decodeLz4Frames(
  data: Uint8Array,
  maxBytes: number,
  nativeBlock?: NativeLz4BlockDecompressor,
): Buffer {
  const frames: FrameLayout[] = [];
  let maxOutput = 0;
  let pos = 0;
  while (pos < data.length) {
    const skippedTo = skippableFrameEnd('lz4', data, pos);
    if (skippedTo >= 0) {
      pos = skippedTo;
      continue;
    }
    const magic = readUint32LE(data, pos);
    if (magic !== FRAME_MAGIC) throw corruptCompressedData('lz4', `bad frame magic 0x${magic.toString(16)}`);
    const frame = readFrameHeader(data, pos);
    if (frame.contentSize > maxBytes) {
      throw new DecompressionLimitError('lz4', maxBytes, `frame declares ${frame.contentSize} bytes`);
    }
    const { end, maxOutput: frameMax } = measureFrame(data, frame);
    frames.push(frame);
    maxOutput += frameMax;
    pos = end;
  }
  if (frames.length === 0) throw corruptCompressedData('lz4', 'no frame in the payload');
  const out = Buffer.allocUnsafe(Math.min(maxOutput, maxBytes));
  let op = 0;
  for (const frame of frames) op = decodeFrameBlocks(data, frame, out, op, maxBytes, nativeBlock);
  if (op === out.length) return out;
  // Frames with large block sizes can over-estimate a lot; don't pin the unused tail in memory.
  return op < out.length * 0.75 ? Buffer.from(out.subarray(0, op)) : out.subarray(0, op);
}
