import type * as Protobuf from 'protobufjs';
import { SchemaParseError } from '../errors.js';
import type { ProtoFile } from './ast.js';
import { knownDependency, parseProtoSchema } from './parse.js';
import { printProtoFile } from './print.js';
import { protobuf } from './protobufjs.js';
import { type IndexedFile, ProtoTypeIndex } from './type-index.js';

/** A schema a Protobuf schema imports through a registry reference: `name` is the import path. */
export interface ProtobufReference {
  name: string;
  subject: string;
  version: number;
  schema: string;
  references: readonly ProtobufReference[];
}

/** A Protobuf schema with what it imports, ready to print, compare and build serializers from. */
export interface ParsedProtobuf {
  file: ProtoFile;
  /** Every type of the schema and its imports. */
  index: ProtoTypeIndex;
  /** The imported files by import path: registry references, then well-known files. */
  dependencies: Map<string, { file: ProtoFile; text?: string; json?: Protobuf.INamespace }>;
}

/**
 * Parses a Protobuf schema (.proto text or a base64 FileDescriptorProto) with the schemas its references name.
 * `strict` (registration) also requires every import to be a reference or a well-known file, and every type to
 * resolve; stored versions are read without those checks. Throws SchemaParseError.
 */
export function parseProtobuf(
  text: string,
  references: readonly ProtobufReference[] = [],
  options: { strict?: boolean } = {},
): ParsedProtobuf {
  const file = parseProtoSchema(text);
  const dependencies: ParsedProtobuf['dependencies'] = new Map();
  const indexed: IndexedFile[] = [];
  const visit = (list: readonly ProtobufReference[], depth: number) => {
    if (depth > 32) throw new SchemaParseError('Schema references nest more than 32 levels deep', '');
    for (const reference of list) {
      if (dependencies.has(reference.name)) continue;
      visit(reference.references, depth + 1);
      const dependency = parseProtoSchema(reference.schema);
      // A descriptor-encoded reference is kept as the text it stands for, so serializers can load it.
      dependencies.set(reference.name, { file: dependency, text: printProtoFile(dependency) });
      indexed.push({
        file: dependency,
        reference: { subject: reference.subject, version: reference.version },
      });
    }
  };
  visit(references, 0);
  for (const name of allImports(file, dependencies)) {
    if (dependencies.has(name)) continue;
    const known = knownDependency(name);
    if (known) {
      dependencies.set(name, known);
      indexed.unshift({ file: known.file });
    } else if (options.strict) {
      throw new SchemaParseError(
        `Import "${name}" is neither a schema reference nor a well-known file; register it and pass it in "references" with name "${name}"`,
        '',
      );
    }
  }
  // The schema's own types carry a reference of their own, as Confluent's do: never compared through a field.
  indexed.push({ file, reference: { subject: '', version: -1 } });
  const parsed: ParsedProtobuf = { file, index: new ProtoTypeIndex(indexed), dependencies };
  if (options.strict) protobufRoot(parsed, printProtoFile(file));
  return parsed;
}

/** The imports of the schema and, transitively, of its dependencies. */
function allImports(file: ProtoFile, dependencies: ParsedProtobuf['dependencies']): string[] {
  const out = new Set<string>();
  const pending = [file];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const name of [...current.imports, ...current.publicImports, ...current.weakImports]) {
      if (out.has(name)) continue;
      out.add(name);
      const dependency = dependencies.get(name) ?? knownDependency(name);
      if (dependency) pending.push(dependency.file);
    }
  }
  return [...out];
}

/**
 * A protobufjs Root holding the schema and its dependencies, every type resolved: what serializers encode with.
 * Throws SchemaParseError naming the type that does not resolve.
 */
export function protobufRoot(parsed: ParsedProtobuf, text: string): Protobuf.Root {
  const root = new protobuf.Root();
  try {
    for (const dependency of parsed.dependencies.values()) {
      if (dependency.json) root.addJSON(dependency.json.nested ?? {});
      else protobuf.parse(dependency.text ?? printProtoFile(dependency.file), root, { keepCase: true });
    }
    // A descriptor (base64) stands for the text it prints as.
    const source =
      parsed.file === undefined || /^\s*[A-Za-z0-9+/]+={0,2}\s*$/.test(text)
        ? printProtoFile(parsed.file)
        : text;
    protobuf.parse(source, root, { keepCase: true });
    root.resolveAll();
  } catch (error) {
    throw new SchemaParseError(`Invalid Protobuf schema: ${(error as Error).message}`, '');
  }
  return root;
}
