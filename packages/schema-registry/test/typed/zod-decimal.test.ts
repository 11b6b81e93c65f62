import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimal, decimalFromBytes, decimalToBytes } from '../../src/typed/zod-decimal.js';

describe('decimal()', () => {
  it('accepts strings with exactly scale decimals and at most precision digits', () => {
    const money = decimal(6, 2);
    expect(money.safeParse('1234.50').success).toBe(true);
    expect(money.safeParse('-0.01').success).toBe(true);
    for (const bad of ['1.5', '12345.00', 'abc', '1.500']) expect(money.safeParse(bad).success).toBe(false);
    expect(() => decimal(2, 3)).toThrow(RangeError);
  });

  it("writes the unscaled value as Java's BigDecimal.unscaledValue().toByteArray() does", () => {
    expect([...decimalToBytes('1.00', 2)]).toEqual([0x64]);
    expect([...decimalToBytes('1.28', 2)]).toEqual([0x00, 0x80]);
    expect([...decimalToBytes('-1.28', 2)]).toEqual([0x80]);
    expect([...decimalToBytes('-1.29', 2)]).toEqual([0xff, 0x7f]);
    expect([...decimalToBytes('0', 0)]).toEqual([0x00]);
  });

  it('reads back what it writes (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 6 }),
        (unscaled, scale) => {
          const negative = unscaled < 0n;
          const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
          const text = `${negative ? '-' : ''}${scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
          expect(decimalFromBytes(decimalToBytes(text, scale), scale)).toBe(
            text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text,
          );
        },
      ),
      { seed: 24, numRuns: 300 },
    );
  });
});
