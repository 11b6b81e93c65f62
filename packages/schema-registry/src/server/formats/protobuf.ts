import { protobufRules } from '../../compatibility/protobuf/rules.js';
import { printProtoFile } from '../../protobuf/print.js';
import { type ParsedProtobuf, type ProtobufReference, parseProtobuf } from '../../protobuf/schema.js';
import type { ResolvedReference, SchemaFormat } from './schema-format.js';
import { confluentVerdict } from './verdict.js';

function asProtobufReferences(references: readonly ResolvedReference[]): ProtobufReference[] {
  return references.map((reference) => ({
    ...reference,
    references: asProtobufReferences(reference.references),
  }));
}

/**
 * Protobuf (`schemaType` PROTOBUF), as Confluent's registry serves it: .proto text or a base64 FileDescriptorProto,
 * imports through references (a reference's `name` is the import path) or well-known files, stored in Confluent's
 * layout (normalized for `normalize`), and Confluent's Protobuf compatibility rules.
 */
export const protobufFormat: SchemaFormat<ParsedProtobuf> = {
  type: 'PROTOBUF',
  parse: (text, references, { strict }) => parseProtobuf(text, asProtobufReferences(references), { strict }),
  canonicalForm: (parsed) => printProtoFile(parsed.file),
  normalizedForm: (parsed) => printProtoFile(parsed.file, { normalize: true, index: parsed.index }),
  checkCompatibility: (candidate, previous, level) =>
    confluentVerdict(protobufRules, candidate, previous, level),
};
