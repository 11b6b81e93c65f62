import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crc32c,
  crc32cImplementation,
  crc32cJs,
  crc32cNativeDecided,
  JS_BYTES_BEFORE_NATIVE,
} from '../../src/records/crc32c.js';
import { loadCrc32cBindings } from '../../src/records/crc32c-bindings.js';

describe('crc32c', () => {
  // First in this file: nothing before it may have loaded the native binding.
  it('checksums in JavaScript until JS_BYTES_BEFORE_NATIVE bytes went through, then loads the native binding', () => {
    const chunk = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7) & 0xff));
    const expected = crc32cJs(chunk);
    for (let done = 0; done + chunk.length <= JS_BYTES_BEFORE_NATIVE; done += chunk.length) {
      expect(crc32c(chunk)).toBe(expected);
    }
    expect(crc32cNativeDecided()).toBe(false);
    expect(crc32c(chunk)).toBe(expected);
    expect(crc32cNativeDecided()).toBe(true);
    expect(crc32c(chunk, 100, 5000, 7)).toBe(crc32cJs(chunk, 100, 5000, 7));
  });

  it('matches the standard check value and the RFC 3720 (iSCSI) vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('checksums a range and continues across pieces, natively and in JavaScript alike', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.nat(), (array, a, b) => {
        const buf = Buffer.from(array);
        const start = buf.length === 0 ? 0 : a % buf.length;
        const end = start + (buf.length === 0 ? 0 : b % (buf.length - start + 1));
        const whole = crc32cJs(buf.subarray(start, end));
        expect(crc32c(buf, start, end)).toBe(whole);
        expect(crc32cJs(buf, start, end)).toBe(whole);
        const middle = (start + end) >>> 1;
        expect(crc32c(buf, middle, end, crc32c(buf, start, middle))).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('uses the fastest native binding that loads, and every binding agrees with JavaScript', () => {
    const bindings = loadCrc32cBindings();
    expect(crc32cImplementation()).toBe(bindings[0]?.name ?? 'javascript');
    if (process.platform === 'linux' && process.arch === 'x64') {
      // Both ship binaries for CI's platform and the monorepo installs both (aws-crt for the dev
      // broker), so a loader that stopped finding one fails here.
      expect(bindings.map((b) => b.name)).toEqual(['aws-crt', '@node-rs/crc32']);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.nat(), (array, split) => {
        const whole = crc32cJs(array);
        const cut = split % array.length;
        for (const binding of bindings) {
          expect(binding.crc32c(array, 0) >>> 0).toBe(whole);
          const head = binding.crc32c(array.subarray(0, cut), 0);
          expect(binding.crc32c(array.subarray(cut), head) >>> 0).toBe(whole);
        }
      }),
      { numRuns: 200 },
    );
  });
});
