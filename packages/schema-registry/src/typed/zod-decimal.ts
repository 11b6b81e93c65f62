import { z } from 'zod';

/** Decimal schemas made by `decimal()`, with their precision and scale (a zod schema carries no such facts). */
const decimals = new WeakMap<z.ZodType, { precision: number; scale: number }>();

/**
 * A decimal number as a string with exactly `scale` digits after the point (`"12.30"` for scale 2) and at most
 * `precision` digits in all. JSON Schema sees a string with a pattern; Avro a `bytes` decimal with this precision
 * and scale, holding the two's-complement unscaled value, as Java's BigDecimal writes it.
 */
export function decimal(precision: number, scale = 0): z.ZodString {
  if (
    !Number.isInteger(precision) ||
    precision < 1 ||
    !Number.isInteger(scale) ||
    scale < 0 ||
    scale > precision
  ) {
    throw new RangeError(
      `decimal(${precision}, ${scale}): precision must be >= 1 and scale between 0 and precision`,
    );
  }
  const digits = precision - scale;
  const pattern = new RegExp(`^-?\\d{1,${digits === 0 ? 1 : digits}}${scale > 0 ? `\\.\\d{${scale}}` : ''}$`);
  const schema = z
    .string()
    .regex(pattern, `a decimal with ${scale} digit(s) after the point and at most ${precision} in all`);
  decimals.set(schema, { precision, scale });
  return schema;
}

export function decimalOf(schema: z.ZodType): { precision: number; scale: number } | undefined {
  return decimals.get(schema);
}

/** The big-endian two's-complement bytes of a decimal string's unscaled value. */
export function decimalToBytes(text: string, scale: number): Buffer {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  let unscaled = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}`);
  if (text.startsWith('-')) unscaled = -unscaled;
  let hex = (unscaled < 0n ? -unscaled : unscaled).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (unscaled >= 0n) return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  // Negative: two's complement over enough bytes to keep the sign bit.
  let length = bytes.length;
  if (unscaled < -(1n << BigInt(length * 8 - 1))) length++;
  const value = (1n << BigInt(length * 8)) + unscaled;
  hex = value.toString(16).padStart(length * 2, '0');
  bytes = Buffer.from(hex, 'hex');
  return bytes;
}

export function decimalFromBytes(bytes: Buffer, scale: number): string {
  if (bytes.length === 0) return scale > 0 ? `0.${'0'.repeat(scale)}` : '0';
  let value = BigInt(`0x${bytes.toString('hex')}`);
  if (bytes[0]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}
