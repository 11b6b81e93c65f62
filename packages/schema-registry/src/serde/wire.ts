import { SerdeError } from '../errors.js';

/** Confluent's wire format, version 0: magic byte 0, a 4-byte big-endian schema id, then the Avro body. */
export const MAGIC_BYTE = 0;
export const HEADER_SIZE = 5;

export function writeHeader(target: Buffer, id: number, offset = 0): void {
  target[offset] = MAGIC_BYTE;
  target[offset + 1] = id >>> 24;
  target[offset + 2] = id >>> 16;
  target[offset + 3] = id >>> 8;
  target[offset + 4] = id;
}

/** Frames an already-encoded body. */
export function encodeWire(id: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + body.length);
  writeHeader(out, id);
  out.set(body, HEADER_SIZE);
  return out;
}

/** Reads the schema id of a framed message; throws SerdeError for anything that is not wire format v0. */
export function readSchemaId(data: Uint8Array): number {
  if (data.length < HEADER_SIZE) {
    throw new SerdeError(
      `Message of ${data.length} bytes is too short for the Confluent wire format (magic byte + 4-byte schema id); was it produced without the registry serializer?`,
    );
  }
  if (data[0] !== MAGIC_BYTE) {
    throw new SerdeError(
      `Unknown magic byte ${data[0]}: expected 0 (Confluent wire format v0); the message was not written by a schema-registry serializer`,
    );
  }
  return ((data[1]! << 24) | (data[2]! << 16) | (data[3]! << 8) | data[4]!) >>> 0;
}
