import {
  type AvroDecoder,
  CodecSource,
  type Field,
  instantiate,
  isCompiled,
  type Typed,
} from './avro-codec.js';
import type { AvscType } from './avro-types.js';

/**
 * Reading data written with one schema into another (Avro's schema resolution), compiled like the codec: straight-
 * line code that reads the writer's fields in the writer's order, skips the ones the reader dropped, fills the
 * reader's new fields with their defaults, and applies the promotions (int to long, float or double; long to float
 * or double; float to double; string and bytes either way), enum symbol mapping, and branch choice for a writer
 * type read into a reader union.
 *
 * avsc decides first: this is only built for a pair avsc's `createResolver` accepted, with the same options, and
 * follows its choices (field matching by name and reader aliases, the first reader union branch that resolves).
 * Pairs outside what is compiled here (a wrapped reader union fed by a non-union writer, a writer field read by two
 * reader fields) leave the whole pair to avsc; a message the compiled resolver is unsure of throws `FALL_BACK`.
 */
export function compileAvroResolver(
  reader: AvscType,
  writer: AvscType,
  options: { ignoreNamespaces: boolean },
): AvroDecoder | undefined {
  if (!isCompiled(reader) || !isCompiled(writer)) return undefined;
  // Choosing a reader union's branch asks avsc to resolve the whole subtree below it, and equality compares whole
  // subtrees: quadratic in the depth, so deeply nested pairs stay with avsc.
  if (depthOf(reader) > MAX_COMPILED_DEPTH || depthOf(writer) > MAX_COMPILED_DEPTH) return undefined;
  const source = new ResolverSource(options);
  try {
    return instantiate(source, source.assemble(source.resolveExpression(reader as Typed, writer as Typed)));
  } catch (error) {
    if (error instanceof NotCompiled) return undefined;
    throw error;
  }
}

class NotCompiled extends Error {}

const MAX_COMPILED_DEPTH = 64;

/** How deep `type` nests, a recursive type counted down to where it first repeats. */
function depthOf(type: Typed, path = new Set<AvscType>()): number {
  if (path.has(type) || path.size > MAX_COMPILED_DEPTH) return 0;
  path.add(type);
  let deepest = 0;
  const children = [
    ...(type.fields ?? []).map((field) => field.type),
    ...(type.types ?? []),
    ...(type.itemsType ? [type.itemsType] : []),
    ...(type.valuesType ? [type.valuesType] : []),
  ];
  for (const child of children) deepest = Math.max(deepest, depthOf(child as Typed, path));
  path.delete(type);
  return deepest + 1;
}

const PROMOTIONS: Record<string, Record<string, string>> = {
  long: { int: 'readLong()' },
  // avsc reads a long into a float or double without its 2^53 check.
  float: { int: 'readLong()', long: 'readLong()' },
  double: { int: 'readLong()', long: 'readLong()', float: 'readFloat()' },
  string: { bytes: 'readString()' },
  bytes: { string: 'readBytes(readLength())' },
};

class ResolverSource extends CodecSource {
  constructor(private readonly options: { ignoreNamespaces: boolean }) {
    super();
  }

  /** An expression reading a value written as `writer` into `reader`'s shape. */
  resolveExpression(reader: Typed, writer: Typed): string {
    if (reader.equals(writer)) return this.readExpression(writer);
    if (writer.typeName.startsWith('union:')) {
      // Each writer branch resolves on its own (avsc refuses the pair unless all of them do).
      const fn = this.named(this.pairKey('u', reader, writer), (name) => {
        const cases = writer.types!.map(
          (branch, i) => `    case ${i}: return ${this.resolveExpression(reader, branch as Typed)};`,
        );
        return `function ${name}() {\n  switch (readLong()) {\n${cases.join('\n')}\n    default: throw FALL_BACK;\n  }\n}`;
      });
      return `${fn}()`;
    }
    if (reader.typeName === 'union:unwrapped') {
      const branch = reader.types!.find((candidate) => this.resolves(candidate, writer));
      if (!branch) throw new NotCompiled();
      return this.resolveExpression(branch as Typed, writer);
    }
    const promoted = PROMOTIONS[reader.typeName]?.[writer.typeName];
    if (promoted) return promoted;
    if (reader.typeName !== writer.typeName) throw new NotCompiled();
    switch (reader.typeName) {
      case 'record':
        return this.recordExpression(reader, writer);
      case 'enum':
        return this.enumExpression(reader, writer);
      case 'fixed':
        return this.readExpression(writer);
      case 'array':
      case 'map':
        return this.collectionExpression(reader, writer);
      default:
        throw new NotCompiled();
    }
  }

  /** Whether avsc resolves `writer` into `reader` (how it picks a reader union's branch). */
  private resolves(reader: AvscType, writer: AvscType): boolean {
    try {
      reader.createResolver(writer, { ignoreNamespaces: this.options.ignoreNamespaces });
      return true;
    } catch {
      return false;
    }
  }

  private pairKey(prefix: string, reader: AvscType, writer: AvscType): string {
    return `${prefix}${this.idOf(reader)}_${this.idOf(writer)}`;
  }

  private recordExpression(reader: Typed, writer: Typed): string {
    const fn = this.named(this.pairKey('rr', reader, writer), (name) => {
      const readerFieldOf = new Map<string, Field>();
      for (const field of reader.fields!) {
        for (const alias of [field.name, ...field.aliases]) {
          if (!writer.fields!.some((w) => w.name === alias)) continue;
          // avsc reads a writer field into several reader fields by peeking; not compiled.
          if (readerFieldOf.has(alias)) throw new NotCompiled();
          readerFieldOf.set(alias, field);
        }
      }
      const body: string[] = [];
      const locals = new Map<Field, string>();
      writer.fields!.forEach((writerField, i) => {
        const readerField = readerFieldOf.get(writerField.name);
        if (!readerField) {
          body.push(`  ${this.skipStatements(writerField.type as Typed)}`);
          return;
        }
        locals.set(readerField, `f${i}`);
        body.push(
          `  const f${i} = ${this.resolveExpression(readerField.type as Typed, writerField.type as Typed)};`,
        );
      });
      const values = reader.fields!.map((field) => {
        // A field the writer lacks takes its default, copied per record as avsc does.
        const value = locals.get(field) ?? `${this.constant(field)}.defaultValue()`;
        return `    ${JSON.stringify(field.name)}: ${value},`;
      });
      return `function ${name}() {\n${body.join('\n')}\n  return {\n${values.join('\n')}\n  };\n}`;
    });
    return `${fn}()`;
  }

  /** Writer symbols by index, as the reader names them (its default for the ones it lacks). */
  private enumExpression(reader: Typed, writer: Typed): string {
    const readerDefault = (reader as Typed & { default?: string }).default;
    const symbols = writer.symbols!.map((symbol) =>
      reader.symbols!.includes(symbol) ? symbol : readerDefault,
    );
    return `(${this.constant(symbols)}[readLong()] ?? fallBack())`;
  }

  private collectionExpression(reader: Typed, writer: Typed): string {
    const isMap = reader.typeName === 'map';
    const item = isMap
      ? this.resolveExpression(reader.valuesType as Typed, writer.valuesType as Typed)
      : this.resolveExpression(reader.itemsType as Typed, writer.itemsType as Typed);
    // Writer items of at least a byte each cannot outnumber the bytes left.
    const bounded = !isMap && this.minimumSize(writer.itemsType as Typed) > 0;
    const fn = this.named(this.pairKey(isMap ? 'rm' : 'ra', reader, writer), (name) =>
      isMap
        ? this.mapReader(name, item)
        : [
            `function ${name}() {`,
            '  const out = [];',
            '  let n;',
            '  while ((n = readBlockCount()) !== 0) {',
            bounded ? '    if (n > buf.length - pos) throw FALL_BACK;' : '',
            `    while (n-- > 0) out.push(${item});`,
            '  }',
            '  return out;',
            '}',
          ].join('\n'),
    );
    return `${fn}()`;
  }
}
