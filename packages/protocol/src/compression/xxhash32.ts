/**
 * xxHash32 (github.com/Cyan4973/xxHash, XXH32), which the LZ4 frame format uses for its header,
 * block and content checksums.
 */
const PRIME1 = 0x9e3779b1 | 0;
const PRIME2 = 0x85ebca77 | 0;
const PRIME3 = 0xc2b2ae3d | 0;
const PRIME4 = 0x27d4eb2f | 0;
const PRIME5 = 0x165667b1 | 0;

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function round(acc: number, lane: number): number {
  const a = (acc + Math.imul(lane, PRIME2)) | 0;
  return Math.imul((a << 13) | (a >>> 19), PRIME1);
}

/** XXH32 of `buf[start, end)` as an unsigned 32-bit number. */
export function xxhash32(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  let i = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const limit = end - 16;
    while (i <= limit) {
      v1 = round(v1, read32(buf, i));
      v2 = round(v2, read32(buf, i + 4));
      v3 = round(v3, read32(buf, i + 8));
      v4 = round(v4, read32(buf, i + 12));
      i += 16;
    }
    h =
      ((v1 << 1) | (v1 >>> 31)) +
      ((v2 << 7) | (v2 >>> 25)) +
      ((v3 << 12) | (v3 >>> 20)) +
      ((v4 << 18) | (v4 >>> 14));
  } else {
    h = (seed + PRIME5) | 0;
  }
  h = (h + (end - start)) | 0;
  while (i + 4 <= end) {
    h = (h + Math.imul(read32(buf, i), PRIME3)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), PRIME4);
    i += 4;
  }
  while (i < end) {
    h = (h + Math.imul(buf[i], PRIME5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), PRIME1);
    i++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, PRIME2);
  h ^= h >>> 13;
  h = Math.imul(h, PRIME3);
  h ^= h >>> 16;
  return h >>> 0;
}
