import { PRELUDE } from './avro-codec-runtime.js';
import type { AvscType } from './avro-types.js';

/**
 * A per-schema Avro encoder and decoder, compiled to straight-line JavaScript from an avsc type: one function per
 * record, array, map and union, primitives inlined, the buffer and position in locals of one closure instead of a
 * Tap object. It writes the same bytes as avsc and reads the same values (records as plain objects), but only
 * promises that for what it accepts: a value or message it is unsure of makes it throw `FALL_BACK`, and the caller
 * runs avsc, whose answer (or error) stands. Schemas it does not compile (see `compileAvroCodec`) use avsc only.
 */
export interface AvroCodec extends AvroDecoder {
  /**
   * Writes `value` into `buffer` from `offset`; returns the end offset, or minus the number of missing bytes when
   * the buffer is too small (as avsc's `Type#encode`). Throws `FALL_BACK` for a value it does not vouch for.
   */
  encode(value: unknown, buffer: Buffer, offset: number): number;
}

/** The reading half of a codec, also what a compiled resolver is (see avro-resolver.ts). */
export interface AvroDecoder {
  /**
   * Reads one value from `offset`; `end` is the offset after it. Throws `FALL_BACK` for anything unusual (an
   * unknown union or enum index, a negative length, a long past 2^53, a read past the end).
   */
  decode(buffer: Buffer, offset: number): unknown;
  /** The offset after the value `decode` last read. */
  readonly end: number;
}

/** Thrown by a compiled codec to hand a value or message over to avsc. */
export const FALL_BACK: unique symbol = Symbol('avro-codec: use avsc');

export type Field = { name: string; aliases: string[]; type: AvscType; defaultValue(): unknown };
export type Typed = AvscType & {
  fields?: Field[];
  symbols?: string[];
  size?: number;
  itemsType?: AvscType;
  valuesType?: AvscType;
  types?: AvscType[];
  branchName?: string;
};

const COMPILED = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
  'fixed',
  'enum',
  'array',
  'map',
  'record',
  'union:unwrapped',
  'union:wrapped',
]);

/** Enums up to this many symbols are written with a switch (their indexes are one-byte varints), larger with a Map. */
const SWITCHED_ENUM_SYMBOLS = 8;

/** What a union branch's values look like in JavaScript (avsc's buckets for unwrapped unions). */
function bucketOf(type: AvscType): string {
  switch (type.typeName) {
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'bytes':
    case 'fixed':
      return 'buffer';
    case 'enum':
      return 'string';
    case 'map':
    case 'record':
      return 'object';
    default:
      return type.typeName;
  }
}

/** Every type reachable from `root`, or undefined when one of them is not compiled. */
function reachableTypes(root: AvscType): Set<Typed> | undefined {
  const seen = new Set<Typed>();
  const pending: Typed[] = [root as Typed];
  while (pending.length > 0) {
    const type = pending.pop()!;
    if (seen.has(type)) continue;
    if (!COMPILED.has(type.typeName)) return undefined;
    seen.add(type);
    // A field named __proto__ would set the prototype of avsc's record but define a property of ours.
    if (type.fields?.some((field) => field.name === '__proto__')) return undefined;
    for (const field of type.fields ?? []) pending.push(field.type as Typed);
    if (type.itemsType) pending.push(type.itemsType as Typed);
    if (type.valuesType) pending.push(type.valuesType as Typed);
    for (const branch of type.types ?? []) pending.push(branch as Typed);
  }
  return seen;
}

/** Generates the source of one codec; `constants` collects values the source refers to as `K[i]`. */
export class CodecSource {
  private readonly functions: string[] = [];
  private readonly generated = new Set<string>();
  readonly constants: unknown[] = [];

  constant(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  /** The source of function `name`, reading a map whose values `valueExpression` reads. */
  protected mapReader(name: string, valueExpression: string): string {
    return [
      `function ${name}() {`,
      '  const out = {};',
      '  let n;',
      '  while ((n = readBlockCount()) !== 0) {',
      // Entries of at least a byte each cannot outnumber the bytes left: a corrupt count fails before looping.
      '    if (n > buf.length - pos) throw FALL_BACK;',
      '    while (n-- > 0) {',
      '      const key = readString();',
      `      out[key] = ${valueExpression};`,
      '    }',
      '  }',
      '  return out;',
      '}',
    ].join('\n');
  }

  /** The source of a codec (decode and encode) for `root`. */
  codec(root: Typed): string {
    const read = this.readExpression(root);
    const write = this.writeStatements(root, 'value');
    return this.assemble(read, write);
  }

  /** The source of an object whose `decode` evaluates `read` (an expression) over a message. */
  assemble(read: string, write?: string): string {
    return `${PRELUDE}
${this.functions.join('\n')}
return {
  end: 0,
  decode(buffer, offset) {
    buf = buffer;
    pos = offset;
    // Small messages only: every string cut from the latin1 copy keeps all of it alive.
    textStart = buffer.length - offset <= 4096 ? offset : -1;
    try {
      const value = ${read};
      if (pos > buffer.length) throw FALL_BACK;
      this.end = pos;
      return value;
    } finally {
      buf = EMPTY;
      text = undefined;
    }
  },
  encode(value, buffer, offset) {
    buf = buffer;
    pos = offset;
    try {
${write ?? '      throw FALL_BACK;'}
      return pos > buffer.length ? buffer.length - pos : pos;
    } finally {
      buf = EMPTY;
    }
  },
};`;
  }

  private readonly ids = new Map<AvscType, number>();

  /** A short stable id for a type within this source. */
  idOf(type: AvscType): number {
    let id = this.ids.get(type);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(type, id);
    }
    return id;
  }

  /**
   * The name of the function `key` (a prefix and type ids), generating it with `body` on first use. It is named
   * before its body is generated, so a recursive type calls the function being written.
   */
  named(key: string | AvscType, body: (name: string) => string, prefix = 'r'): string {
    const name = typeof key === 'string' ? key : `${prefix}${this.idOf(key)}`;
    if (!this.generated.has(name)) {
      this.generated.add(name);
      this.functions.push(body(name));
    }
    return name;
  }

  /** A JavaScript expression reading one value of `type` at `pos`. */
  readExpression(type: Typed): string {
    switch (type.typeName) {
      case 'null':
        return 'null';
      case 'boolean':
        return 'buf[pos++] !== 0';
      case 'int':
        return 'readLong()';
      case 'long':
        return 'readSafeLong()';
      case 'float':
        return 'readFloat()';
      case 'double':
        return 'readDouble()';
      case 'string':
        return 'readString()';
      case 'bytes':
        return 'readBytes(readLength())';
      case 'fixed':
        return `(pos + ${type.size} > buf.length ? fallBack() : readBytes(${type.size}))`;
      case 'enum': {
        const symbols = this.constant(type.symbols);
        return `(${symbols}[readLong()] ?? fallBack())`;
      }
      case 'record': {
        const fn = this.named(type, (name) => {
          const fields = type.fields!.map(
            (field) => `    ${JSON.stringify(field.name)}: ${this.readExpression(field.type as Typed)},`,
          );
          return `function ${name}() {\n  return {\n${fields.join('\n')}\n  };\n}`;
        });
        return `${fn}()`;
      }
      case 'array': {
        const items = type.itemsType as Typed;
        // Items of at least a byte each cannot outnumber the bytes left: a corrupt count fails before allocating.
        const bounded = this.minimumSize(items) > 0;
        const fn = this.named(type, (name) =>
          [
            `function ${name}() {`,
            '  let n = readBlockCount();',
            '  if (n === 0) return [];',
            '  let out;',
            '  let i = 0;',
            '  do {',
            bounded ? '    if (n > buf.length - pos) throw FALL_BACK;' : '',
            '    if (out === undefined) out = new Array(n);',
            `    while (n-- > 0) out[i++] = ${this.readExpression(items)};`,
            '    n = readBlockCount();',
            '  } while (n !== 0);',
            '  return out;',
            '}',
          ].join('\n'),
        );
        return `${fn}()`;
      }
      case 'map': {
        const values = type.valuesType as Typed;
        const fn = this.named(type, (name) => this.mapReader(name, this.readExpression(values)));
        return `${fn}()`;
      }
      case 'union:unwrapped':
      case 'union:wrapped': {
        const wrapped = type.typeName === 'union:wrapped';
        const fn = this.named(type, (name) => {
          const cases = type.types!.map((branch, i) => {
            const read = this.readExpression(branch as Typed);
            const value =
              wrapped && branch.typeName !== 'null'
                ? `{ [${JSON.stringify((branch as Typed).branchName)}]: ${read} }`
                : read;
            return `    case ${i}: return ${value};`;
          });
          return `function ${name}() {\n  switch (readLong()) {\n${cases.join('\n')}\n    default: throw FALL_BACK;\n  }\n}`;
        });
        return `${fn}()`;
      }
      default:
        throw new Error(`avro-codec: ${type.typeName} is not compiled`);
    }
  }

  /** JavaScript statements moving `pos` past one value of `type` (a writer's field the reader does not have). */
  skipStatements(type: Typed): string {
    switch (type.typeName) {
      case 'null':
        return '';
      case 'boolean':
        return 'pos++;';
      case 'int':
      case 'long':
      case 'enum':
        return 'readLong();';
      case 'float':
        return 'pos += 4;';
      case 'double':
        return 'pos += 8;';
      case 'string':
      case 'bytes':
        return 'skipLength();';
      case 'fixed':
        return `pos += ${type.size};`;
      default: {
        const fn = this.named(type, (name) => `function ${name}() {\n${this.skipComposite(type)}\n}`, 's');
        return `${fn}();`;
      }
    }
  }

  private skipComposite(type: Typed): string {
    switch (type.typeName) {
      case 'record':
        return type.fields!.map((field) => `  ${this.skipStatements(field.type as Typed)}`).join('\n');
      case 'array':
      case 'map': {
        // A negative count is followed by the block's size in bytes, which lets a reader jump over it.
        const item =
          type.typeName === 'map'
            ? `skipLength(); ${this.skipStatements(type.valuesType as Typed)}`
            : this.skipStatements(type.itemsType as Typed);
        return [
          '  let n;',
          '  while ((n = readLong()) !== 0) {',
          '    if (n < 0) skipLength();',
          `    else while (n-- > 0) { ${item} }`,
          '  }',
        ].join('\n');
      }
      case 'union:unwrapped':
      case 'union:wrapped': {
        const cases = type.types!.map(
          (branch, i) => `    case ${i}: ${this.skipStatements(branch as Typed)} return;`,
        );
        return `  switch (readLong()) {\n${cases.join('\n')}\n    default: throw FALL_BACK;\n  }`;
      }
      default:
        throw new Error(`avro-codec: ${type.typeName} is not compiled`);
    }
  }

  /** The fewest bytes a value of `type` takes (0 for null, empty records, and records of those). */
  minimumSize(type: Typed, seen = new Set<AvscType>()): number {
    if (type.typeName === 'null') return 0;
    if (type.typeName === 'fixed') return Math.min(1, type.size!);
    if (type.typeName === 'record') {
      if (seen.has(type)) return 0;
      seen.add(type);
      return type.fields!.some((field) => this.minimumSize(field.type as Typed, seen) > 0) ? 1 : 0;
    }
    return 1;
  }

  /** JavaScript statements writing the value in variable `v` as `type`. */
  private writeStatements(type: Typed, v: string): string {
    switch (type.typeName) {
      case 'null':
        return `  if (${v} !== null) throw FALL_BACK;`;
      case 'boolean':
        return `  if (typeof ${v} !== 'boolean') throw FALL_BACK;\n  buf[pos++] = ${v} ? 1 : 0;`;
      case 'int':
        return `  if (${v} !== (${v} | 0)) throw FALL_BACK;\n  writeLong(${v});`;
      case 'long':
        // Math.floor is one instruction where % on a non-small number (a timestamp) calls out to fmod.
        return (
          `  if (typeof ${v} !== 'number' || Math.floor(${v}) !== ${v} || !(${v} >= -9007199254740990 && ${v} <= 9007199254740990)) throw FALL_BACK;\n` +
          `  writeLong(${v});`
        );
      case 'float':
        return `  if (typeof ${v} !== 'number') throw FALL_BACK;\n  writeFloat(${v});`;
      case 'double':
        return `  if (typeof ${v} !== 'number') throw FALL_BACK;\n  writeDouble(${v});`;
      case 'string':
        return `  if (typeof ${v} !== 'string') throw FALL_BACK;\n  writeString(${v});`;
      case 'bytes':
        return `  if (!Buffer.isBuffer(${v})) throw FALL_BACK;\n  writeLong(${v}.length);\n  writeBytes(${v}, ${v}.length);`;
      case 'fixed':
        return `  if (!Buffer.isBuffer(${v}) || ${v}.length !== ${type.size}) throw FALL_BACK;\n  writeBytes(${v}, ${type.size});`;
      case 'enum': {
        const symbols = type.symbols!;
        if (symbols.length <= SWITCHED_ENUM_SYMBOLS) {
          // A few string comparisons cost less than hashing the value for a Map.
          const cases = symbols.map(
            (symbol, i) => `    case ${JSON.stringify(symbol)}: buf[pos++] = ${i * 2}; break;`,
          );
          return `  switch (${v}) {\n${cases.join('\n')}\n    default: throw FALL_BACK;\n  }`;
        }
        const indices = this.constant(new Map(symbols.map((symbol, i) => [symbol, i])));
        return `  const i_${v} = ${indices}.get(${v});\n  if (i_${v} === undefined) throw FALL_BACK;\n  writeLong(i_${v});`;
      }
      default:
        return `  ${this.writerOf(type)}(${v});`;
    }
  }

  /** The function writing a composite type, generated on first use. */
  private writerOf(type: Typed): string {
    return this.named(
      type,
      (name) => {
        const body: string[] = [];
        switch (type.typeName) {
          case 'record': {
            body.push("  if (v === null || typeof v !== 'object') throw FALL_BACK;");
            type.fields!.forEach((field, i) => {
              const value = `f${i}`;
              body.push(`  const ${value} = v[${JSON.stringify(field.name)}];`);
              const fallback = field.defaultValue();
              if (fallback === undefined) {
                body.push(this.writeStatements(field.type as Typed, value));
              } else {
                // avsc writes a field left undefined with its default.
                const bytes = this.constant(field.type.toBuffer(fallback));
                body.push(`  if (${value} === undefined) writeBytes(${bytes}, ${bytes}.length);`);
                body.push(`  else {\n${this.writeStatements(field.type as Typed, value)}\n  }`);
              }
            });
            break;
          }
          case 'array':
            body.push('  if (!Array.isArray(v)) throw FALL_BACK;');
            body.push('  const n = v.length;');
            body.push('  if (n !== 0) {');
            body.push('    writeLong(n);');
            body.push('    for (let i = 0; i < n; i++) {');
            body.push('      const item = v[i];');
            body.push(this.writeStatements(type.itemsType as Typed, 'item'));
            body.push('    }');
            body.push('  }');
            body.push('  buf[pos++] = 0;');
            break;
          case 'map':
            body.push("  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw FALL_BACK;");
            body.push('  const keys = Object.keys(v);');
            body.push('  const n = keys.length;');
            body.push('  if (n !== 0) {');
            body.push('    writeLong(n);');
            body.push('    for (let i = 0; i < n; i++) {');
            body.push('      const key = keys[i];');
            body.push('      writeString(key);');
            body.push('      const item = v[key];');
            body.push(this.writeStatements(type.valuesType as Typed, 'item'));
            body.push('    }');
            body.push('  }');
            body.push('  buf[pos++] = 0;');
            break;
          case 'union:unwrapped':
            body.push(this.unwrappedUnionWriter(type));
            break;
          case 'union:wrapped':
            body.push(this.wrappedUnionWriter(type));
            break;
          default:
            throw new Error(`avro-codec: ${type.typeName} is not compiled`);
        }
        return `function ${name}(v) {\n${body.join('\n')}\n}`;
      },
      'w',
    );
  }

  /** Picks the branch by the value's JavaScript type, as avsc does (at most one branch per kind of value). */
  private unwrappedUnionWriter(type: Typed): string {
    const branches = new Map(type.types!.map((branch, i) => [bucketOf(branch), i]));
    const write = (bucket: string) => {
      const i = branches.get(bucket);
      if (i === undefined) return '    throw FALL_BACK;';
      const branch = type.types![i] as Typed;
      return `    buf[pos++] = ${i * 2};\n${branch.typeName === 'null' ? '' : this.writeStatements(branch, 'v')}`;
    };
    // Union indexes are written as one-byte varints: a union of 64 branches or more is not compiled.
    return [
      '  if (v === null) {',
      write('null'),
      "  } else if (typeof v === 'string') {",
      write('string'),
      "  } else if (typeof v === 'number') {",
      write('number'),
      "  } else if (typeof v === 'boolean') {",
      write('boolean'),
      "  } else if (typeof v === 'object') {",
      '    if (Array.isArray(v)) {',
      write('array'),
      '    } else if (Buffer.isBuffer(v)) {',
      write('buffer'),
      '    } else {',
      write('object'),
      '    }',
      '  } else throw FALL_BACK;',
    ].join('\n');
  }

  private wrappedUnionWriter(type: Typed): string {
    const lines = ['  if (v === null) {'];
    const nullIndex = type.types!.findIndex((branch) => branch.typeName === 'null');
    lines.push(nullIndex < 0 ? '    throw FALL_BACK;' : `    buf[pos++] = ${nullIndex * 2};\n    return;`);
    lines.push('  }');
    lines.push("  if (typeof v !== 'object') throw FALL_BACK;");
    lines.push('  const keys = Object.keys(v);');
    lines.push('  if (keys.length !== 1) throw FALL_BACK;');
    lines.push('  const name = keys[0];');
    lines.push('  const branch = v[name];');
    lines.push('  switch (name) {');
    type.types!.forEach((branch, i) => {
      if (branch.typeName === 'null') return;
      lines.push(`    case ${JSON.stringify((branch as Typed).branchName)}: {`);
      lines.push(`      buf[pos++] = ${i * 2};`);
      lines.push(this.writeStatements(branch as Typed, 'branch'));
      lines.push('      return;');
      lines.push('    }');
    });
    lines.push('  }');
    lines.push('  throw FALL_BACK;');
    return lines.join('\n');
  }
}

/** Whether every type reachable from `type` is compiled. */
export function isCompiled(type: AvscType): boolean {
  const types = LITTLE_ENDIAN ? reachableTypes(type) : undefined;
  return types !== undefined && [...types].every((t) => (t.types?.length ?? 0) < 64);
}

/** The compiled writers copy floats out of typed arrays, which use the platform's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fallBack(): never {
  throw FALL_BACK;
}

/**
 * Compiles a codec for `type`, or returns undefined when its schema has something the compiler leaves to avsc:
 * logical types avsc was given an implementation for, error records, a field named `__proto__`, unions of 64
 * branches or more.
 */
export function compileAvroCodec(type: AvscType): AvroCodec | undefined {
  if (!isCompiled(type)) return undefined;
  const source = new CodecSource();
  return instantiate(source, source.codec(type as Typed)) as AvroCodec;
}

/** Evaluates generated source: it comes from parsed schemas (names quoted with JSON.stringify), never from values. */
export function instantiate(source: CodecSource, body: string): AvroDecoder {
  const factory = new Function('K', 'FALL_BACK', 'fallBack', 'EMPTY', body);
  return factory(source.constants, FALL_BACK, fallBack, Buffer.alloc(0)) as AvroDecoder;
}
