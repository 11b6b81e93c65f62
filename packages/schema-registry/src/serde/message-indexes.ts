import { SerdeError } from '../errors.js';
import type { MessageElement, ProtoFile, ProtoType } from '../protobuf/ast.js';

/**
 * Protobuf message indexes, as Confluent's serializers write them between the schema id and the message: which
 * message of the schema the bytes hold, as its position among the file's top-level messages and then among each
 * enclosing message's nested messages. Written as a count and the indexes, each a zig-zag varint; the common
 * `[0]` (the file's first message) is the single byte 0.
 */

/** The indexes of a message, by its name relative to the package (`Order`, `Order.Line`). */
export function messageIndexesOf(file: ProtoFile, name: string): number[] {
  const indexes: number[] = [];
  let types: readonly ProtoType[] = file.types;
  for (const part of name.split('.')) {
    const messages = types.filter((type): type is MessageElement => type.kind === 'message');
    const index = messages.findIndex((message) => message.name === part);
    if (index < 0) throw new SerdeError(`The schema has no message ${name}`);
    indexes.push(index);
    types = messages[index]!.nestedTypes;
  }
  return indexes;
}

/** The message the indexes name, and its name relative to the package; undefined when they name none. */
export function messageAt(
  file: ProtoFile,
  indexes: readonly number[],
): { message: MessageElement; name: string } | undefined {
  let types: readonly ProtoType[] = file.types;
  let found: MessageElement | undefined;
  const names: string[] = [];
  for (const index of indexes) {
    const messages = types.filter((type): type is MessageElement => type.kind === 'message');
    found = messages[index];
    if (!found) return undefined;
    names.push(found.name);
    types = found.nestedTypes;
  }
  return found ? { message: found, name: names.join('.') } : undefined;
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function writeVarint(out: number[], value: number): void {
  let rest = zigzag(value);
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

/** The bytes Confluent writes for message indexes. */
export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  writeVarint(out, indexes.length);
  for (const index of indexes) writeVarint(out, index);
  return Buffer.from(out);
}

/**
 * Reads message indexes at `offset`. Returns them and where the message starts, or undefined when the bytes are
 * not a plausible index array (a negative or overlong count, a negative index, a varint running off the end).
 */
export function decodeMessageIndexes(
  data: Uint8Array,
  offset: number,
): { indexes: number[]; end: number } | undefined {
  let position = offset;
  const read = (): number | undefined => {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 5; i++) {
      if (position >= data.length) return undefined;
      const byte = data[position++]!;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      multiplier *= 128;
    }
    return undefined;
  };
  const count = read();
  if (count === undefined || count < 0 || count > 32) return undefined;
  if (count === 0) return { indexes: [0], end: position };
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = read();
    if (index === undefined || index < 0) return undefined;
    indexes.push(index);
  }
  return { indexes, end: position };
}
