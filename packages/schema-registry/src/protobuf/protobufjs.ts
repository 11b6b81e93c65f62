import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';

/**
 * protobufjs, loaded once. It is CommonJS; `require` gives the full build (parser, reflection, descriptors) without
 * default-import interop guesswork.
 */
const require = createRequire(import.meta.url);

export const protobuf: typeof Protobuf = require('protobufjs');

/** protobufjs's `ext/descriptor`: descriptor.proto's messages, to read a base64 FileDescriptorProto. */
export const descriptor: {
  FileDescriptorProto: Protobuf.Type;
} = require('protobufjs/ext/descriptor');

/** A google/protobuf JSON definition shipped with protobufjs (`require`d lazily: most schemas import none). */
export function bundledJson(file: string): Protobuf.INamespace | undefined {
  const common = protobuf.common.get(file);
  if (common) return common as Protobuf.INamespace;
  const name = /^google\/protobuf\/(api|descriptor|source_context|type)\.proto$/.exec(file)?.[1];
  return name ? (require(`protobufjs/google/protobuf/${name}.json`) as Protobuf.INamespace) : undefined;
}
