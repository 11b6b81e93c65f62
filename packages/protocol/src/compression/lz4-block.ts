/**
 * The LZ4 block format (lz4/doc/lz4_Block_format.md) in plain TypeScript: a greedy
 * hash-table compressor in the style of the reference LZ4_compress_fast, and a bounds-checked
 * decompressor that writes straight into the caller's output buffer so a frame decodes
 * without per-block copies.
 */
import { ProtocolDecodeError } from '../errors/samsa-error.js';

const MIN_MATCH = 4;
/** The last 5 bytes of a block are always literals, and the last match starts 12 bytes before the end. */
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
const HASH_LOG = 12;
const HASH_SHIFT = 32 - HASH_LOG;
/** Literal runs and matches up to this many bytes are copied byte by byte; longer ones natively. */
const SHORT_COPY = 32;
/** Skip faster through incompressible input, as the reference does (LZ4_skipTrigger). */
const SKIP_TRIGGER = 6;

/** Worst-case compressed size of `n` bytes (LZ4_COMPRESSBOUND). */
export function lz4BlockBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/** Reused between calls: compression runs synchronously, so one table serves every block. */
const hashTable = new Int32Array(1 << HASH_LOG);

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function hash(sequence: number): number {
  return Math.imul(sequence, -1640531535) >>> HASH_SHIFT;
}

/**
 * Compresses `src[start, end)` into `dst` at `dstPos` and returns the end position. `dst` must
 * have `lz4BlockBound(end - start)` bytes free. Matches never reach before `start`, so every
 * block is independent, as Kafka requires.
 */
export function compressLz4Block(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstPos: number,
): number {
  let op = dstPos;
  let anchor = start;
  const length = end - start;
  if (length >= MF_LIMIT + 1) {
    hashTable.fill(-1);
    const matchLimit = end - LAST_LITERALS;
    const searchLimit = end - MF_LIMIT;
    let ip = start;
    let searchCount = 1 << SKIP_TRIGGER;
    while (ip < searchLimit) {
      const sequence = read32(src, ip);
      const h = hash(sequence);
      let ref = hashTable[h];
      hashTable[h] = ip;
      if (ref < 0 || ip - ref > MAX_OFFSET || read32(src, ref) !== sequence) {
        ip += searchCount++ >> SKIP_TRIGGER;
        continue;
      }
      searchCount = 1 << SKIP_TRIGGER;
      // Extend the match backwards over literals that also match.
      while (ip > anchor && ref > start && src[ip - 1] === src[ref - 1]) {
        ip--;
        ref--;
      }
      let matchEnd = ip + MIN_MATCH;
      let refPos = ref + MIN_MATCH;
      while (matchEnd < matchLimit && src[matchEnd] === src[refPos]) {
        matchEnd++;
        refPos++;
      }
      op = writeSequence(src, anchor, ip - anchor, dst, op, ip - ref, matchEnd - ip - MIN_MATCH);
      // Index a position inside the match so the next search can find repeats of it.
      if (matchEnd - 2 < searchLimit) hashTable[hash(read32(src, matchEnd - 2))] = matchEnd - 2;
      ip = matchEnd;
      anchor = ip;
    }
  }
  return writeLastLiterals(src, anchor, end - anchor, dst, op);
}

function writeLength(dst: Uint8Array, op: number, remainder: number): number {
  let n = remainder;
  while (n >= 255) {
    dst[op++] = 255;
    n -= 255;
  }
  dst[op++] = n;
  return op;
}

function copyBytes(src: Uint8Array, from: number, count: number, dst: Uint8Array, to: number): void {
  if (count <= SHORT_COPY) {
    for (let i = 0; i < count; i++) dst[to + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, from + count), to);
  }
}

function writeSequence(
  src: Uint8Array,
  literalStart: number,
  literalLength: number,
  dst: Uint8Array,
  dstPos: number,
  offset: number,
  matchLengthMinus4: number,
): number {
  let op = dstPos;
  const tokenPos = op++;
  let token: number;
  if (literalLength >= 15) {
    token = 0xf0;
    op = writeLength(dst, op, literalLength - 15);
  } else {
    token = literalLength << 4;
  }
  copyBytes(src, literalStart, literalLength, dst, op);
  op += literalLength;
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  if (matchLengthMinus4 >= 15) {
    token |= 0x0f;
    op = writeLength(dst, op, matchLengthMinus4 - 15);
  } else {
    token |= matchLengthMinus4;
  }
  dst[tokenPos] = token;
  return op;
}

function writeLastLiterals(
  src: Uint8Array,
  start: number,
  length: number,
  dst: Uint8Array,
  dstPos: number,
): number {
  let op = dstPos;
  if (length >= 15) {
    dst[op++] = 0xf0;
    op = writeLength(dst, op, length - 15);
  } else {
    dst[op++] = length << 4;
  }
  copyBytes(src, start, length, dst, op);
  return op + length;
}

function corrupt(what: string, at: number): ProtocolDecodeError {
  return new ProtocolDecodeError(`corrupt lz4 block: ${what}`, at, { reason: 'CORRUPT_COMPRESSED_DATA' });
}

/**
 * Decompresses the block `src[start, end)` into `dst` at `dstPos`, never writing at or past
 * `dstLimit`. Matches may reach back to `windowStart` (the start of the frame's output, which
 * also serves frames with linked blocks). Returns the new output position, or -1 when the
 * output would pass `dstLimit`.
 */
export function decompressLz4Block(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstPos: number,
  dstLimit: number,
  windowStart: number,
): number {
  let ip = start;
  let op = dstPos;
  while (ip < end) {
    const token = src[ip++];
    let literalLength = token >>> 4;
    if (literalLength === 15) {
      let b: number;
      do {
        if (ip >= end) throw corrupt('literal length runs past the end', ip);
        b = src[ip++];
        literalLength += b;
      } while (b === 255);
    }
    if (literalLength > end - ip)
      throw corrupt(`${literalLength} literals announced, ${end - ip} bytes left`, ip);
    if (literalLength > dstLimit - op) return -1;
    copyBytes(src, ip, literalLength, dst, op);
    ip += literalLength;
    op += literalLength;
    // The last sequence of a block carries literals only.
    if (ip === end) return op;

    if (end - ip < 2) throw corrupt('match offset runs past the end', ip);
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op - windowStart)
      throw corrupt(`match offset ${offset} points before the output`, ip - 2);
    let matchLength = token & 0x0f;
    if (matchLength === 15) {
      let b: number;
      do {
        if (ip >= end) throw corrupt('match length runs past the end', ip);
        b = src[ip++];
        matchLength += b;
      } while (b === 255);
    }
    matchLength += MIN_MATCH;
    if (matchLength > dstLimit - op) return -1;
    let from = op - offset;
    if (offset >= matchLength && matchLength > SHORT_COPY) {
      dst.copyWithin(op, from, from + matchLength);
      op += matchLength;
    } else {
      // Overlapping matches repeat the last `offset` bytes, so copy forwards byte by byte.
      const stop = op + matchLength;
      while (op < stop) dst[op++] = dst[from++];
    }
  }
  throw corrupt('block ends without a final literal run', ip);
}
