/**
 * CRC-32C (Castagnoli), the checksum of RecordBatch v2. Large ranges go to the fastest native
 * binding that loads (see crc32c-bindings.ts: 4-24 GB/s against ~1 GB/s here); small ones, and
 * platforms without any, use slicing-by-8 over precomputed tables: eight table lookups per 8
 * input bytes.
 */
import { type Crc32cBinding, loadFastestCrc32cBinding } from './crc32c-bindings.js';

const POLY = 0x82f63b78;

const TABLES: Int32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    tables[0][i] = c;
  }
  for (let i = 0; i < 256; i++) {
    let c = tables[0][i];
    for (let t = 1; t < 8; t++) {
      c = tables[0][c & 0xff] ^ (c >>> 8);
      tables[t][i] = c;
    }
  }
  return tables;
})();

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES;

/** The slicing-by-8 implementation, exported for tests and benchmarks. */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  let c = ~crc;
  let i = start;
  const fast = end - ((end - i) & 7);
  while (i < fast) {
    const a = (c ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))) | 0;
    c =
      T7[a & 0xff] ^
      T6[(a >>> 8) & 0xff] ^
      T5[(a >>> 16) & 0xff] ^
      T4[a >>> 24] ^
      T3[buf[i + 4]] ^
      T2[buf[i + 5]] ^
      T1[buf[i + 6]] ^
      T0[buf[i + 7]];
    i += 8;
  }
  while (i < end) c = T0[(c ^ buf[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The native binding, loaded once enough bytes were checksummed to pay for it: undefined until then,
 * null when none loads. Loading aws-crt's library takes ~45 ms and adds ~6 MB of resident memory
 * (@node-rs/crc32's runtime ~3.5 MB), more than an idle client's whole heap. A client that checksums
 * little (heartbeats and a trickle of small batches) never pays that; a busy one checksums its first
 * JS_BYTES_BEFORE_NATIVE in JavaScript (~4 ms at ~1 GB/s) and then switches.
 */
let binding: Crc32cBinding | null | undefined;

/** Bytes of large ranges checksummed in JavaScript before the native binding is loaded. */
export const JS_BYTES_BEFORE_NATIVE = 4 * 1024 * 1024;
let jsBytes = 0;

function nativeBinding(): Crc32cBinding | null {
  if (binding === undefined) binding = loadFastestCrc32cBinding() ?? null;
  return binding;
}

/** Which implementation checksums large ranges: a native binding's name, or 'javascript'. Loads the binding. */
export function crc32cImplementation(): string {
  return nativeBinding()?.name ?? 'javascript';
}

/** Whether the native binding was loaded (or found missing) yet; for tests. */
export function crc32cNativeDecided(): boolean {
  return binding !== undefined;
}

/** Below this many bytes a native call costs more than it saves (measured: break-even 64-128 B). */
const NATIVE_THRESHOLD = 128;

/** Continues a CRC-32C over `buf[start, end)`; pass the previous result as `crc` to checksum in pieces. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  const length = end - start;
  if (length >= NATIVE_THRESHOLD) {
    let native = binding;
    if (native === undefined) {
      if (jsBytes + length <= JS_BYTES_BEFORE_NATIVE) {
        jsBytes += length;
        return crc32cJs(buf, start, end, crc);
      }
      native = nativeBinding();
    }
    if (native !== null) {
      return native.crc32c(start === 0 && end === buf.length ? buf : buf.subarray(start, end), crc) >>> 0;
    }
  }
  return crc32cJs(buf, start, end, crc);
}
