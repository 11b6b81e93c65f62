import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, crc32cJs } from '../../src/records/crc32c.js';

describe('crc32c', () => {
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
});
