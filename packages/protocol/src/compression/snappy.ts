import { DecompressionLimitError } from '../errors/decompression-limit-error.js';
import { type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES } from './codec.js';
import { CompressionType } from './compression-type.js';
import { corruptCompressedData, describeFailure } from './corrupt-data.js';
import {
  javascriptSnappyBlocks,
  nativeSnappyBlocks,
  type SnappyBlockCodec,
  snappyUncompressedLength,
} from './snappy-block.js';

/**
 * Kafka's Java client writes Snappy through snappy-java's SnappyOutputStream ("xerial" framing:
 * a 16-byte header, then blocks of at most 32 KiB each prefixed by their int32 compressed size).
 * librdkafka writes raw Snappy instead. Every Kafka client reads both (snappy-java falls back to
 * raw, librdkafka and kafkajs-snappy detect the header), so we write what the Java client writes
 * and read either.
 */
const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
const XERIAL_MAGIC_LENGTH = 8;
const XERIAL_BLOCK_SIZE = 32 * 1024;

export interface SnappyOptions {
  /** Force the pure JavaScript implementation even where the native binding loads. */
  javascriptOnly?: boolean;
}

function hasXerialHeader(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER.length) return false;
  for (let i = 0; i < XERIAL_MAGIC_LENGTH; i++) if (data[i] !== XERIAL_HEADER[i]) return false;
  return true;
}

function compressXerial(blocks: SnappyBlockCodec, data: Uint8Array): Buffer {
  const compressed: Buffer[] = [];
  let total = XERIAL_HEADER.length;
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    const block = blocks.compress(data.subarray(start, Math.min(data.length, start + XERIAL_BLOCK_SIZE)));
    compressed.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  XERIAL_HEADER.copy(out, 0);
  let pos = XERIAL_HEADER.length;
  for (const block of compressed) {
    out.writeInt32BE(block.length, pos);
    block.copy(out, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

function uncompressBlock(blocks: SnappyBlockCodec, block: Uint8Array, length: number): Buffer {
  let out: Buffer;
  try {
    out = blocks.uncompress(block, length);
  } catch (error) {
    throw corruptCompressedData('snappy', describeFailure(error), error);
  }
  if (out.length !== length) {
    throw corruptCompressedData('snappy', `block announces ${length} bytes but holds ${out.length}`);
  }
  return out;
}

function decompressRaw(blocks: SnappyBlockCodec, data: Uint8Array, maxBytes: number): Buffer {
  const length = snappyUncompressedLength(data);
  if (length > maxBytes)
    throw new DecompressionLimitError('snappy', maxBytes, `block announces ${length} bytes`);
  return uncompressBlock(blocks, data, length);
}

/** Every block's bounds are checked and its announced size summed before anything is inflated. */
function decompressXerial(blocks: SnappyBlockCodec, data: Uint8Array, maxBytes: number): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.length);
  const starts: number[] = [];
  const lengths: number[] = [];
  let total = 0;
  let pos = XERIAL_HEADER.length;
  while (pos < view.length) {
    if (view.length - pos < 4) throw corruptCompressedData('snappy', 'xerial block size is truncated');
    const size = view.readInt32BE(pos);
    pos += 4;
    if (size <= 0 || size > view.length - pos) {
      throw corruptCompressedData(
        'snappy',
        `xerial block of ${size} bytes does not fit in the ${view.length - pos} left`,
      );
    }
    const length = snappyUncompressedLength(view, pos, pos + size);
    total += length;
    if (total > maxBytes) throw new DecompressionLimitError('snappy', maxBytes);
    starts.push(pos);
    lengths.push(length);
    pos += size;
  }
  if (starts.length === 1) return uncompressBlock(blocks, view.subarray(starts[0], pos), lengths[0]);
  const out = Buffer.allocUnsafe(total);
  let written = 0;
  for (let i = 0; i < starts.length; i++) {
    const end = i + 1 < starts.length ? starts[i + 1] - 4 : pos;
    uncompressBlock(blocks, view.subarray(starts[i], end), lengths[i]).copy(out, written);
    written += lengths[i];
  }
  return out;
}

/** Snappy with the native napi-rs binding when it loads, snappyjs otherwise. */
export function createSnappyCodec(options: SnappyOptions = {}): CompressionCodec {
  const blocks = (!options.javascriptOnly && nativeSnappyBlocks()) || javascriptSnappyBlocks();
  return {
    type: CompressionType.Snappy,
    name: 'snappy',
    implementation: blocks.implementation,
    compress: (data) => compressXerial(blocks, data),
    compressSync: (data) => compressXerial(blocks, data),
    decompress(data, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES) {
      return hasXerialHeader(data)
        ? decompressXerial(blocks, data, maxBytes)
        : decompressRaw(blocks, data, maxBytes);
    },
  };
}
