import { SchemaParseError } from '../errors.js';
import {
  type EnumConstantElement,
  type EnumElement,
  type ExtendElement,
  type ExtensionsElement,
  type FieldElement,
  MAX_TAG_VALUE,
  type MessageElement,
  mapTypes,
  type OneOfElement,
  type ProtoFile,
  type ProtoOption,
  type ProtoOptionValue,
  type ProtoType,
  type ReservedElement,
  type ReservedValue,
  type RpcElement,
  SCALAR_TYPES,
  type ServiceElement,
} from './ast.js';
import { mapTypeOf, type ProtoTypeIndex } from './type-index.js';

/**
 * Writes a .proto file the way Confluent's registry stores it (`ProtobufSchemaUtils.toString`): comments dropped,
 * two-space indentation, fields, then oneofs, then nested messages and enums. With `normalize` (what
 * `normalize=true` stores and compares): proto2's `syntax` line dropped, imports sorted, fields, enum constants,
 * reserved ranges and options sorted, every type name fully qualified, map entries written as `map<>`. Message
 * order is never changed: message indexes in serialized data count it.
 */
export function printProtoFile(
  file: ProtoFile,
  options: { normalize?: boolean; index?: ProtoTypeIndex } = {},
): string {
  if (options.normalize && !options.index)
    throw new Error('printProtoFile: normalizing needs the type index');
  return new Printer(file, options.normalize === true, options.index).file();
}

class Printer {
  private readonly scope: string[] = [];
  private readonly packageName: string;

  constructor(
    private readonly source: ProtoFile,
    private readonly normalize: boolean,
    private readonly index: ProtoTypeIndex | undefined,
  ) {
    this.packageName = source.packageName ?? '';
  }

  file(): string {
    const file = this.source;
    let out = '';
    if (file.syntax && (!this.normalize || file.syntax === 'proto3')) out += `syntax = "${file.syntax}";\n`;
    if (file.edition) out += `edition = "${file.edition}";\n`;
    if (file.packageName) out += `package ${file.packageName};\n`;
    if (file.imports.length > 0 || file.publicImports.length > 0) {
      out += '\n';
      for (const name of this.sortedIfNormal(file.imports)) out += `import "${name}";\n`;
      for (const name of this.sortedIfNormal(file.publicImports)) out += `import public "${name}";\n`;
    }
    const fileOptions = this.filterOptions(file.options);
    if (fileOptions.length > 0) {
      out += '\n';
      for (const option of fileOptions) out += this.optionStatement(option);
    }
    out += this.types(file.types, false);
    if (file.extendDeclarations.length > 0) {
      out += '\n';
      for (const extend of this.extends(file.extendDeclarations)) out += this.extend(extend);
    }
    if (file.services.length > 0) {
      out += '\n';
      for (const service of file.services) out += this.service(service);
    }
    return out;
  }

  private sortedIfNormal(names: readonly string[]): string[] {
    return this.normalize ? [...new Set(names)].sort() : [...names];
  }

  /** Messages first, then enums; synthetic map entries left out when normalizing. */
  private types(types: readonly ProtoType[], indent: boolean): string {
    const kept = types.filter(
      (type) => !(this.normalize && type.kind === 'message' && this.isMapEntryHere(type)),
    );
    if (kept.length === 0) return '';
    let out = '\n';
    for (const kind of ['message', 'enum'] as const) {
      for (const type of kept) {
        if (type.kind !== kind) continue;
        this.scope.push(type.name);
        const text = type.kind === 'message' ? this.message(type) : this.enumeration(type);
        this.scope.pop();
        out += indent ? indented(text) : text;
      }
    }
    return out;
  }

  private isMapEntryHere(message: MessageElement): boolean {
    return (
      this.index?.typeOf(message.name, { packageName: this.packageName, path: this.scope })?.isMap === true
    );
  }

  private message(message: MessageElement): string {
    let out = `message ${message.name} {`;
    if (message.reserveds.length > 0) {
      out += '\n';
      for (const reserved of this.reserveds(message.reserveds)) out += indented(this.reserved(reserved));
    }
    const options = this.filterOptions(message.options);
    if (options.length > 0) {
      out += '\n';
      for (const option of options) out += indented(this.optionStatement(option));
    }
    if (message.fields.length > 0) {
      out += '\n';
      for (const field of this.byTag(message.fields)) out += indented(this.field(field));
    }
    if (message.oneOfs.length > 0) {
      let oneOfs = message.oneOfs;
      if (this.normalize) {
        oneOfs = oneOfs
          .filter((oneOf) => oneOf.fields.length > 0)
          .map((oneOf) => ({ ...oneOf, fields: this.byTag(oneOf.fields) }))
          .sort((a, b) => a.fields[0]!.tag - b.fields[0]!.tag);
      }
      out += '\n';
      for (const oneOf of oneOfs) out += indented(this.oneOf(oneOf));
    }
    if (message.extensions.length > 0) {
      out += '\n';
      for (const extensions of this.extensionRanges(message.extensions))
        out += indented(this.extensions(extensions));
    }
    if (message.extendDeclarations.length > 0) {
      out += '\n';
      for (const extend of this.extends(message.extendDeclarations)) out += indented(this.extend(extend));
    }
    out += this.types(message.nestedTypes, true);
    return `${out}}\n`;
  }

  private byTag(fields: readonly FieldElement[]): FieldElement[] {
    return this.normalize ? [...fields].sort((a, b) => a.tag - b.tag) : [...fields];
  }

  private enumeration(type: EnumElement): string {
    let out = `enum ${type.name} {`;
    if (type.reserveds.length > 0) {
      out += '\n';
      for (const reserved of this.reserveds(type.reserveds)) out += indented(this.reserved(reserved));
    }
    if (type.reserveds.length === 0 && (type.options.length > 0 || type.constants.length > 0)) out += '\n';
    for (const option of this.filterOptions(type.options)) out += indented(this.optionStatement(option));
    let constants: EnumConstantElement[] = type.constants;
    if (this.normalize) {
      constants = [...constants].sort(
        (a, b) => a.tag - b.tag || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
      );
    }
    for (const constant of constants) {
      let line = `${constant.name} = ${constant.tag}`;
      const options = this.filterOptions(constant.options);
      if (options.length > 0) line += ` ${this.optionList(options)}`;
      out += indented(`${line};\n`);
    }
    return `${out}}\n`;
  }

  private reserveds(reserveds: readonly ReservedElement[]): ReservedElement[] {
    if (!this.normalize) return [...reserveds];
    const order = (value: ReservedValue) =>
      typeof value === 'number' ? value : typeof value === 'string' ? Number.POSITIVE_INFINITY : value.start;
    return reserveds
      .flatMap((reserved) => reserved.values.map((value) => ({ values: [value] })))
      .sort(
        (a, b) =>
          order(a.values[0]!) - order(b.values[0]!) ||
          (valueText(a.values[0]!) < valueText(b.values[0]!) ? -1 : 1),
      );
  }

  private reserved(reserved: ReservedElement): string {
    return `reserved ${reserved.values.map((value) => (typeof value === 'string' ? `"${value}"` : this.range(value))).join(', ')};\n`;
  }

  private range(value: number | { start: number; end: number }): string {
    if (typeof value === 'number') return String(value);
    if (this.normalize && value.start === value.end) return String(value.start);
    return `${value.start} to ${value.end < MAX_TAG_VALUE ? value.end : 'max'}`;
  }

  private extensionRanges(extensions: readonly ExtensionsElement[]): ExtensionsElement[] {
    if (!this.normalize) return [...extensions];
    const start = (value: number | { start: number }) => (typeof value === 'number' ? value : value.start);
    return extensions
      .flatMap((element) => element.values.map((value) => ({ values: [value], options: element.options })))
      .sort((a, b) => start(a.values[0]!) - start(b.values[0]!));
  }

  private extensions(extensions: ExtensionsElement): string {
    let out = `extensions ${extensions.values.map((value) => this.range(value)).join(', ')}`;
    const options = this.filterOptions(extensions.options);
    if (options.length > 0) out += ` ${this.optionList(options)}`;
    return `${out};\n`;
  }

  private oneOf(oneOf: OneOfElement): string {
    let out = `oneof ${oneOf.name} {`;
    const options = this.filterOptions(oneOf.options);
    if (options.length > 0) {
      out += '\n';
      for (const option of options) out += indented(this.optionStatement(option));
    }
    if (oneOf.fields.length > 0) {
      out += '\n';
      for (const field of oneOf.fields) out += indented(this.field(field));
    }
    return `${out}}\n`;
  }

  private extends(extends_: readonly ExtendElement[]): ExtendElement[] {
    if (!this.normalize) return [...extends_];
    const grouped = new Map<string, FieldElement[]>();
    for (const extend of extends_) {
      const name = this.qualified(extend.name);
      grouped.set(name, [...(grouped.get(name) ?? []), ...extend.fields]);
    }
    return [...grouped].map(([name, fields]) => ({ name, fields }));
  }

  private extend(extend: ExtendElement): string {
    let out = `extend ${extend.name} {`;
    if (extend.fields.length > 0) {
      out += '\n';
      for (const field of this.byTag(extend.fields)) out += indented(this.field(field));
    }
    return `${out}}\n`;
  }

  private service(service: ServiceElement): string {
    let out = `service ${service.name} {`;
    const options = this.filterOptions(service.options);
    if (options.length > 0) {
      out += '\n';
      for (const option of options) out += indented(this.optionStatement(option));
    }
    if (service.rpcs.length > 0) {
      out += '\n';
      for (const rpc of service.rpcs) out += indented(this.rpc(rpc));
    }
    return `${out}}\n`;
  }

  private rpc(rpc: RpcElement): string {
    const request = this.normalize ? this.qualified(rpc.requestType) : rpc.requestType;
    const response = this.normalize ? this.qualified(rpc.responseType) : rpc.responseType;
    let out = `rpc ${rpc.name} (${rpc.requestStreaming ? 'stream ' : ''}${request}) returns (${rpc.responseStreaming ? 'stream ' : ''}${response})`;
    const options = this.filterOptions(rpc.options);
    if (options.length > 0) {
      out += ' {\n';
      for (const option of options) out += indented(this.optionStatement(option));
      out += '}';
    }
    return `${out};\n`;
  }

  private field(field: FieldElement): string {
    let label = field.label;
    let type = field.type;
    if (this.normalize) {
      const map = mapTypes(type);
      if (!map && !SCALAR_TYPES.has(type)) {
        const qualified = this.qualified(type);
        const info = this.index!.types.get(qualified.slice(1));
        type = (info && mapTypeOf(info)) ?? qualified;
      }
      const asMap = mapTypes(type);
      if (asMap) {
        const value = SCALAR_TYPES.has(asMap.value)
          ? asMap.value
          : this.index!.resolve(asMap.value, { packageName: this.packageName, path: this.scope });
        type = `map<${asMap.key}, ${value === undefined || SCALAR_TYPES.has(value) ? asMap.value : `.${value}`}>`;
        label = undefined;
      }
    }
    let out = `${label ? `${label} ` : ''}${type} ${field.name} = ${field.tag}`;
    const special: ProtoOption[] = [...field.options];
    if (field.defaultValue !== undefined) {
      special.push({
        name: 'default',
        parenthesized: false,
        value: defaultValueOf(field.defaultValue, type),
      });
    }
    if (field.jsonName !== undefined) {
      special.push({
        name: 'json_name',
        parenthesized: false,
        value: { kind: 'string', value: field.jsonName },
      });
    }
    const options = this.filterOptions(special);
    if (options.length > 0) out += ` ${this.optionList(options)}`;
    return `${out};\n`;
  }

  /** A type name fully qualified with a leading dot; throws when it names nothing known. */
  private qualified(name: string): string {
    const resolved = this.index!.resolve(name, { packageName: this.packageName, path: this.scope });
    if (resolved === undefined) throw new SchemaParseError(`Could not resolve type: ${name}`, '');
    return `.${resolved}`;
  }

  /**
   * Normalizing: custom option names fully qualified, options sorted by name, and `(opt).a = 1; (opt).b = 2`
   * merged into one `(opt) = { a: 1 b: 2 }`.
   */
  private filterOptions(options: readonly ProtoOption[]): ProtoOption[] {
    if (!this.normalize || options.length === 0) return [...options];
    const qualified = options.map((option) => {
      let name = option.name;
      if (option.parenthesized) {
        name =
          this.index!.resolve(name, { packageName: this.packageName, path: this.scope }, 'extends') ?? name;
      }
      if (!option.path) return { ...option, name };
      let value = option.value;
      for (const token of option.path.split('.').reverse())
        value = { kind: 'map', entries: [[token, value]] };
      return { name, parenthesized: option.parenthesized, value };
    });
    const merged: ProtoOption[] = [];
    for (const option of qualified.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const last = merged.at(-1);
      if (last && last.name === option.name && last.value.kind === 'map' && option.value.kind === 'map') {
        merged[merged.length - 1] = { ...last, value: mergeMaps(last.value, option.value) };
      } else merged.push(option);
    }
    return merged;
  }

  private optionStatement(option: ProtoOption): string {
    return `option ${this.option(option)};\n`;
  }

  private option(option: ProtoOption): string {
    const name = option.parenthesized
      ? `(${option.name})${option.path ? `.${option.path}` : ''}`
      : option.name;
    const value = option.value;
    switch (value.kind) {
      case 'map':
        return `${name} = {\n${this.mapEntries(value.entries)}}`;
      case 'list':
        return `${name} = ${this.valueList(value.items)}`;
      default:
        return `${name} = ${this.value(value)}`;
    }
  }

  /** `[a = 1]`, or one per line for several (Confluent's appendOptions). */
  private optionList(options: readonly ProtoOption[]): string {
    if (options.length === 1) return `[${this.option(options[0]!)}]`;
    return `[\n${options.map((option, i) => indented(`${this.option(option)}${i < options.length - 1 ? ',' : ''}`)).join('')}]`;
  }

  private valueList(items: readonly ProtoOptionValue[]): string {
    if (items.length === 1) return `[${this.value(items[0]!)}]`;
    return `[\n${items.map((item, i) => indented(`${this.value(item)}${i < items.length - 1 ? ',' : ''}`)).join('')}]`;
  }

  private mapEntries(entries: ReadonlyArray<[string, ProtoOptionValue]>): string {
    let list = [...entries];
    if (this.normalize) {
      list = list
        .filter(([, value]) => value.kind !== 'list' || value.items.length > 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    }
    return list
      .map(([key, value], i) => indented(`${key}: ${this.value(value)}${i < list.length - 1 ? ',' : ''}`))
      .join('');
  }

  private value(value: ProtoOptionValue): string {
    switch (value.kind) {
      case 'string':
        return `"${escapeChars(value.value)}"`;
      case 'enum':
        return value.value;
      case 'boolean':
        return String(value.value);
      case 'number':
        return this.normalize ? formatNumber(value.value) : value.value;
      case 'map':
        return `{\n${this.mapEntries(value.entries)}}`;
      case 'list':
        if (this.normalize && value.items.length === 1) return this.value(value.items[0]!);
        return `[\n${value.items.map((item, i) => indented(`${this.value(item)}${i < value.items.length - 1 ? ',' : ''}`)).join('')}]`;
    }
  }
}

function mergeMaps(
  a: Extract<ProtoOptionValue, { kind: 'map' }>,
  b: Extract<ProtoOptionValue, { kind: 'map' }>,
): ProtoOptionValue {
  const entries = [...a.entries];
  for (const [key, value] of b.entries) {
    const at = entries.findIndex(([existing]) => existing === key);
    const previous = at >= 0 ? entries[at]![1] : undefined;
    if (previous?.kind === 'map' && value.kind === 'map') entries[at] = [key, mergeMaps(previous, value)];
    else if (at >= 0) entries[at] = [key, value];
    else entries.push([key, value]);
  }
  return { kind: 'map', entries };
}

function valueText(value: ReservedValue): string {
  return typeof value === 'object' ? `${value.start} to ${value.end}` : String(value);
}

/** A field default's kind by the field's type, as Confluent's `toKind` decides it. */
function defaultValueOf(text: string, type: string): ProtoOptionValue {
  const simple = type.slice(type.lastIndexOf('.') + 1);
  if (simple === 'bool') return { kind: 'boolean', value: text === 'true' };
  if (simple === 'string' || simple === 'bytes') return { kind: 'string', value: text };
  if (SCALAR_TYPES.has(simple)) return { kind: 'number', value: text };
  return { kind: 'enum', value: text };
}

/** Java's DecimalFormat without grouping: integers as they are, at most three decimals, no exponent. */
function formatNumber(text: string): string {
  const number = Number(text);
  if (!Number.isFinite(number)) return text;
  if (Number.isInteger(number))
    return /^-?\d+$/.test(text) ? text.replace(/^(-?)0+(?=\d)/, '$1') : number.toFixed(0);
  return number.toFixed(3).replace(/\.?0+$/, '');
}

function indented(text: string): string {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines.map((line) => `  ${line}\n`).join('');
}

/** Confluent's `escapeChars`. */
export function escapeChars(input: string): string {
  let out = '';
  for (const c of input) {
    switch (c) {
      case '\u0007':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\v':
        out += '\\v';
        break;
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      default:
        out += c;
    }
  }
  return out;
}
