/**
 * Kafka UUIDs (topic ids) travel as 16 raw bytes and are shown as URL-safe base64 without
 * padding, the way Kafka's own `Uuid.toString()` prints them. Samsa represents them as that string.
 */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidToBytes(uuid: string): Buffer {
  const bytes = Buffer.from(uuid, 'base64url');
  if (bytes.length !== 16) throw new RangeError(`'${uuid}' is not a Kafka UUID (22 base64url characters)`);
  return bytes;
}

export function uuidFromBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('base64url');
}

/** A random version-4 UUID in Kafka's string form. */
export function randomUuid(): string {
  const bytes = globalThis.crypto.getRandomValues(Buffer.alloc(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return bytes.toString('base64url');
}
