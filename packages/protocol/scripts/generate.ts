/**
 * Generates `src/generated/`: TypeScript types and per-version encoders/decoders for every API
 * in `protocolSpec`. Each version gets straight-line code (no field-list interpretation at run
 * time); versions whose wire format is identical share one function.
 *
 * Run with `npm run generate -w @samsa/protocol` (the build does it first).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolSpec } from '../src/spec/index.js';
import type { ApiSpec, FieldSpec, MessageSpec, VersionRange } from '../src/spec/types.js';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'generated');

const PRIMITIVES = new Set([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'uuid',
  'bytes',
  'records',
]);

const inRange = (r: VersionRange | undefined, v: number): boolean =>
  r !== undefined && v >= r[0] && (r[1] === null || v <= r[1]);

const covers = (r: VersionRange, min: number, max: number): boolean =>
  r[0] <= min && (r[1] === null || r[1] >= max);

const camel = (name: string): string => name[0].toLowerCase() + name.slice(1);

const kebab = (name: string): string => name.replace(/(?<!^)(?=[A-Z])/g, '-').toLowerCase();

const elementType = (type: string): string => (type.startsWith('[]') ? type.slice(2) : type);

const isArray = (type: string): boolean => type.startsWith('[]');

const isStruct = (field: FieldSpec): boolean => field.fields !== undefined;

interface StructInfo {
  /** TypeScript interface name. */
  typeName: string;
  fields: readonly FieldSpec[];
  /** Versions in which this struct exists at all. */
  range: readonly [number, number];
}

/** Everything generated for one message (a request or a response of one API). */
class MessageGenerator {
  private readonly structs = new Map<string, StructInfo>();
  private readonly functionsByBody = new Map<string, string>();
  readonly code: string[] = [];
  readonly types: string[] = [];

  constructor(
    private readonly messageName: string,
    private readonly spec: MessageSpec,
  ) {}

  private get minVersion(): number {
    return this.spec.validVersions[0];
  }

  private get maxVersion(): number {
    return this.spec.validVersions[1];
  }

  private flexible(v: number): boolean {
    return this.spec.flexibleVersions !== null && v >= this.spec.flexibleVersions;
  }

  /** Registers the struct types (recursively), naming them `<Message><Struct>`. */
  collectStructs(fields: readonly FieldSpec[], range: readonly [number, number]): void {
    for (const f of fields) {
      if (!isStruct(f)) continue;
      const name = elementType(f.type);
      const lo = Math.max(range[0], f.versions[0]);
      const hi = Math.min(range[1], f.versions[1] ?? range[1]);
      const existing = this.structs.get(name);
      if (existing) {
        if (JSON.stringify(existing.fields) !== JSON.stringify(f.fields)) {
          throw new Error(`${this.messageName}: struct ${name} is defined twice with different fields`);
        }
        existing.range = [Math.min(existing.range[0], lo), Math.max(existing.range[1], hi)];
      } else {
        this.structs.set(name, {
          typeName: `${this.messageName}${name}`,
          fields: f.fields!,
          range: [lo, hi],
        });
      }
      this.collectStructs(f.fields!, [lo, hi]);
    }
  }

  // ---------- TypeScript types ----------

  private tsType(field: FieldSpec, forEncode = false): string {
    const nullable = field.nullableVersions !== undefined;
    const base = elementType(field.type);
    let t: string;
    switch (base) {
      case 'bool':
        t = 'boolean';
        break;
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'float64':
        t = 'number';
        break;
      case 'int64':
        t = 'bigint';
        break;
      case 'string':
      case 'uuid':
        t = 'string';
        break;
      case 'bytes':
        t = 'Buffer';
        break;
      case 'records':
        // Decoders return one view of the frame; encoders also take several batches as a list.
        return forEncode ? 'RecordsInput' : 'Buffer | null';
      default:
        t = this.structs.get(base)!.typeName;
    }
    if (isArray(field.type)) t = `${t}[]`;
    return nullable ? `${t} | null` : t;
  }

  emitTypes(): void {
    const all = [...this.structs.values()].reverse();
    const top: StructInfo = {
      typeName: this.messageName,
      fields: this.spec.fields,
      range: [this.minVersion, this.maxVersion],
    };
    for (const s of [top, ...all]) {
      this.types.push(`export interface ${s.typeName} {`);
      for (const f of s.fields) {
        const optional = !covers(f.versions, s.range[0], s.range[1]) || f.taggedVersions !== undefined;
        const note = optional
          ? ` // versions ${f.versions[0]}${f.versions[1] === null ? '+' : `-${f.versions[1]}`}`
          : '';
        this.types.push(`  ${camel(f.name)}${optional ? '?' : ''}: ${this.tsType(f)};${note}`);
      }
      this.types.push('  _unknownTaggedFields?: UnknownTaggedField[];');
      this.types.push('}');
      this.types.push('');
    }
  }

  // ---------- defaults ----------

  private defaultExpr(field: FieldSpec): string {
    if (field.default !== undefined && !isArray(field.type)) {
      const d = field.default;
      if (d === null) return 'null';
      if (field.type === 'int64') return `${d}n`;
      if (typeof d === 'string') return JSON.stringify(d);
      return String(d);
    }
    if (isArray(field.type)) return field.default === null ? 'null' : '[]';
    switch (field.type) {
      case 'bool':
        return 'false';
      case 'int64':
        return '0n';
      case 'string':
        return "''";
      case 'uuid':
        return 'ZERO_UUID';
      case 'bytes':
        return 'EMPTY_BUFFER';
      case 'records':
        return 'null';
      default:
        if (PRIMITIVES.has(field.type)) return '0';
        return `default${this.structs.get(field.type)!.typeName}()`;
    }
  }

  emitDefaults(): void {
    for (const s of this.structs.values()) {
      const props = s.fields.map((f) => `${camel(f.name)}: ${this.defaultExpr(f)}`);
      this.code.push(`function default${s.typeName}(): ${s.typeName} {`);
      this.code.push(`  return { ${props.join(', ')} };`);
      this.code.push('}');
      this.code.push('');
      // Tagged fields are written only when they differ from their default.
      const checks = s.fields.map((f) => this.isDefaultCheck(f, `x.${camel(f.name)}`));
      this.code.push(`function isDefault${s.typeName}(x: ${s.typeName}): boolean {`);
      this.code.push(`  return ${checks.join(' && ') || 'true'};`);
      this.code.push('}');
      this.code.push('');
    }
  }

  private isDefaultCheck(field: FieldSpec, expr: string): string {
    if (isArray(field.type)) {
      return field.default === null ? `${expr} == null` : `(${expr} == null || ${expr}.length === 0)`;
    }
    if (isStruct(field)) {
      const t = this.structs.get(field.type)!.typeName;
      return field.default === null ? `${expr} == null` : `(${expr} == null || isDefault${t}(${expr}))`;
    }
    if (field.type === 'bytes') return `(${expr} == null || ${expr}.length === 0)`;
    if (field.type === 'records') return `${expr} == null`;
    const d = this.defaultExpr(field);
    if (field.type === 'int64') return `(${expr} === undefined || BigInt(${expr}) === ${d})`;
    return `(${expr} === undefined || ${expr} === ${d})`;
  }

  // ---------- encoders ----------

  private writePrimitive(type: string, expr: string, nullable: boolean, flexible: boolean): string {
    switch (type) {
      case 'bool':
        return `w.bool(${expr});`;
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64':
      case 'float64':
      case 'uuid':
        return `w.${type}(${expr});`;
      case 'string':
        if (flexible) return nullable ? `w.compactNullableString(${expr});` : `w.compactString(${expr});`;
        return nullable ? `w.nullableString(${expr});` : `w.string(${expr});`;
      case 'bytes':
        if (flexible) return nullable ? `w.compactNullableBytes(${expr});` : `w.compactBytes(${expr});`;
        return nullable ? `w.nullableBytes(${expr});` : `w.bytes(${expr});`;
      case 'records':
        return `w.records(${expr}, ${flexible});`;
      default:
        throw new Error(`not a primitive: ${type}`);
    }
  }

  /** Statements writing `expr` (field `f`) at version `v`. */
  private writeField(f: FieldSpec, expr: string, v: number, lines: string[], ind: string): void {
    const flexible = this.flexible(v);
    const nullable = inRange(f.nullableVersions, v);
    const base = elementType(f.type);
    if (isArray(f.type)) {
      const a = `a${lines.length}`;
      lines.push(`${ind}const ${a} = ${expr};`);
      if (nullable) {
        lines.push(`${ind}w.arrayLength(${a} == null ? null : ${a}.length, ${flexible});`);
        lines.push(`${ind}if (${a} != null) for (let i = 0; i < ${a}.length; i++) {`);
      } else {
        lines.push(`${ind}if (${a} == null) throw nullNotAllowed('${this.messageName}', '${f.name}');`);
        lines.push(`${ind}w.arrayLength(${a}.length, ${flexible});`);
        lines.push(`${ind}for (let i = 0; i < ${a}.length; i++) {`);
      }
      if (PRIMITIVES.has(base)) {
        lines.push(`${ind}  ${this.writePrimitive(base, `${a}[i]`, false, flexible)}`);
      } else {
        lines.push(`${ind}  ${this.structFunction('encode', base, v)}(w, ${a}[i]);`);
      }
      lines.push(`${ind}}`);
      return;
    }
    if (isStruct(f)) {
      const fn = this.structFunction('encode', base, v);
      if (nullable) {
        const s = `s${lines.length}`;
        lines.push(`${ind}const ${s} = ${expr};`);
        lines.push(`${ind}if (${s} == null) w.int8(-1);`);
        lines.push(`${ind}else { w.int8(1); ${fn}(w, ${s}); }`);
      } else {
        lines.push(`${ind}${fn}(w, ${expr} === undefined ? ${this.defaultExpr(f)} : ${expr});`);
      }
      return;
    }
    lines.push(`${ind}${this.writePrimitive(base, expr, nullable, flexible)}`);
  }

  /** Source of the encoder of struct `fields` at version v; returns the function name. */
  private encoder(typeName: string, fields: readonly FieldSpec[], v: number, fnPrefix: string): string {
    const lines: string[] = [];
    const tagged: FieldSpec[] = [];
    for (const f of fields) {
      if (!inRange(f.versions, v)) continue;
      if (inRange(f.taggedVersions, v)) {
        tagged.push(f);
        continue;
      }
      const expr = `m.${camel(f.name)}`;
      const optional = !covers(f.versions, this.minVersion, this.maxVersion);
      const structValue = isStruct(f) && !isArray(f.type);
      // `undefined` means omitted; `null` is a value for nullable fields and is kept.
      const valueExpr =
        optional && !structValue ? `(${expr} === undefined ? ${this.defaultExpr(f)} : ${expr})` : expr;
      this.writeField(f, valueExpr, v, lines, '  ');
    }
    if (this.flexible(v)) {
      tagged.sort((a, b) => a.tag! - b.tag!);
      lines.push('  const unknown = m._unknownTaggedFields;');
      lines.push(`  let tagCount = unknown ? unknown.length : 0;`);
      tagged.forEach((f, i) => {
        lines.push(`  const t${i} = m.${camel(f.name)};`);
        lines.push(`  const has${i} = !${this.isDefaultCheck(f, `t${i}`)};`);
        lines.push(`  if (has${i}) tagCount++;`);
      });
      lines.push('  w.uvarint(tagCount);');
      tagged.forEach((f, i) => {
        const inner: string[] = [];
        this.writeField(f, `t${i}!`, v, inner, '    ');
        lines.push(`  if (has${i}) {`);
        lines.push(`    w.uvarint(${f.tag});`);
        lines.push('    const outer = w;');
        lines.push('    {');
        lines.push('      const w = new Writer(64);');
        lines.push(...inner.map((l) => `  ${l}`));
        lines.push('      const bytes = w.toBuffer();');
        lines.push('      outer.uvarint(bytes.length);');
        lines.push('      outer.raw(bytes);');
        lines.push('    }');
        lines.push('  }');
      });
      lines.push('  if (unknown) writeUnknownTaggedFields(w, unknown);');
    }
    return this.dedupe(
      `${fnPrefix}V${v}`,
      (name) => `function ${name}(w: Writer, m: ${typeName}): void {\n${lines.join('\n')}\n}`,
    );
  }

  // ---------- decoders ----------

  private readPrimitive(type: string, nullable: boolean, flexible: boolean): string {
    switch (type) {
      case 'bool':
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64':
      case 'float64':
      case 'uuid':
        return `r.${type}()`;
      case 'string':
        if (flexible) return nullable ? 'r.compactNullableString()' : 'r.compactString()';
        return nullable ? 'r.nullableString()' : 'r.string()';
      case 'bytes':
        if (flexible) return nullable ? 'r.compactNullableBytes()' : 'r.compactBytes()';
        return nullable ? 'r.nullableBytes()' : 'r.bytes()';
      case 'records':
        return `r.records(${flexible})`;
      default:
        throw new Error(`not a primitive: ${type}`);
    }
  }

  /** Statements reading field `f` at version v into variable `target`. */
  private readField(f: FieldSpec, target: string, v: number, lines: string[], ind: string): void {
    const flexible = this.flexible(v);
    const nullable = inRange(f.nullableVersions, v);
    const base = elementType(f.type);
    if (isArray(f.type)) {
      const n = `n${lines.length}`;
      lines.push(`${ind}const ${n} = r.arrayLength(${flexible});`);
      if (nullable) {
        lines.push(`${ind}if (${n} < 0) ${target} = null;`);
      } else {
        lines.push(`${ind}if (${n} < 0) throw nullArray('${this.messageName}', '${f.name}');`);
      }
      lines.push(`${ind}else {`);
      lines.push(`${ind}  const a = new Array(${n});`);
      const elem = PRIMITIVES.has(base)
        ? this.readPrimitive(base, false, flexible)
        : `${this.structFunction('decode', base, v)}(r)`;
      lines.push(`${ind}  for (let i = 0; i < ${n}; i++) a[i] = ${elem};`);
      lines.push(`${ind}  ${target} = a;`);
      lines.push(`${ind}}`);
      return;
    }
    if (isStruct(f)) {
      const fn = this.structFunction('decode', base, v);
      if (nullable) lines.push(`${ind}${target} = r.int8() < 0 ? null : ${fn}(r);`);
      else lines.push(`${ind}${target} = ${fn}(r);`);
      return;
    }
    lines.push(`${ind}${target} = ${this.readPrimitive(base, nullable, flexible)};`);
  }

  private decoder(typeName: string, fields: readonly FieldSpec[], v: number, fnPrefix: string): string {
    const lines: string[] = [];
    const vars = fields.map((f) => `f_${camel(f.name)}`);
    fields.forEach((f, i) => {
      if (inRange(f.versions, v) && !inRange(f.taggedVersions, v)) {
        lines.push(`  let ${vars[i]}: ${this.tsType(f)};`);
        this.readField(f, vars[i], v, lines, '  ');
      } else {
        lines.push(`  let ${vars[i]}: ${this.tsType(f)} = ${this.defaultExpr(f)};`);
      }
    });
    let unknown = 'undefined';
    if (this.flexible(v)) {
      unknown = 'unknown';
      lines.push('  let unknown: UnknownTaggedField[] | undefined;');
      lines.push('  const tagCount = r.uvarint();');
      lines.push('  for (let t = 0; t < tagCount; t++) {');
      lines.push('    const tag = r.uvarint();');
      lines.push('    const size = r.uvarint();');
      lines.push('    const end = r.pos + size;');
      lines.push('    const outer = r;');
      lines.push('    {');
      lines.push('      const r = outer.sub(size);');
      lines.push('      switch (tag) {');
      fields.forEach((f, i) => {
        if (!inRange(f.taggedVersions, v)) return;
        const inner: string[] = [];
        this.readField(f, vars[i], v, inner, '          ');
        lines.push(`        case ${f.tag}: {`);
        lines.push(...inner);
        lines.push('          break;');
        lines.push('        }');
      });
      lines.push('        default:');
      lines.push('          (unknown ??= []).push({ tag, data: r.raw(size) });');
      lines.push('      }');
      lines.push('    }');
      lines.push('    r.seek(end);');
      lines.push('  }');
    }
    const props = fields.map((f, i) => `${camel(f.name)}: ${vars[i]}`);
    lines.push(`  const m: ${typeName} = { ${props.join(', ')} };`);
    if (unknown !== 'undefined') lines.push('  if (unknown) m._unknownTaggedFields = unknown;');
    lines.push('  return m;');
    return this.dedupe(
      `${fnPrefix}V${v}`,
      (name) => `function ${name}(r: Reader): ${typeName} {\n${lines.join('\n')}\n}`,
    );
  }

  /** Emits `source(name)` once per distinct body, returning the name callers should use. */
  private dedupe(name: string, source: (name: string) => string): string {
    const key = source('$');
    const existing = this.functionsByBody.get(key);
    if (existing) return existing;
    this.functionsByBody.set(key, name);
    this.code.push(source(name));
    this.code.push('');
    return name;
  }

  private structFunction(kind: 'encode' | 'decode', struct: string, v: number): string {
    const s = this.structs.get(struct)!;
    return kind === 'encode'
      ? this.encoder(s.typeName, s.fields, v, `encode${s.typeName}`)
      : this.decoder(s.typeName, s.fields, v, `decode${s.typeName}`);
  }

  /** Generates all versions; returns the per-version function names (index = version). */
  emitVersions(): { encoders: string[]; decoders: string[] } {
    const encoders: string[] = [];
    const decoders: string[] = [];
    for (let v = this.minVersion; v <= this.maxVersion; v++) {
      encoders[v] = this.encoder(this.messageName, this.spec.fields, v, `encode${this.messageName}`);
      decoders[v] = this.decoder(this.messageName, this.spec.fields, v, `decode${this.messageName}`);
    }
    return { encoders, decoders };
  }
}

function versionTable(names: string[]): string {
  const cells: string[] = [];
  for (let v = 0; v < names.length; v++) cells.push(names[v] ?? 'undefined');
  return `[${cells.join(', ')}]`;
}

function generateApi(api: ApiSpec): { file: string; source: string } {
  const parts: string[] = [];
  const types: string[] = [];
  const tables: string[] = [];
  for (const [direction, spec] of [
    ['Request', api.request],
    ['Response', api.response],
  ] as const) {
    const gen = new MessageGenerator(`${api.name}${direction}`, spec);
    gen.collectStructs(spec.fields, spec.validVersions);
    gen.emitTypes();
    gen.emitDefaults();
    const { encoders, decoders } = gen.emitVersions();
    types.push(...gen.types);
    parts.push(...gen.code);
    tables.push(
      `  ${direction.toLowerCase()}: {`,
      `    minVersion: ${spec.validVersions[0]},`,
      `    maxVersion: ${spec.validVersions[1]},`,
      `    flexibleVersions: ${spec.flexibleVersions},`,
      `    encode: ${versionTable(encoders)},`,
      `    decode: ${versionTable(decoders)},`,
      '  },',
    );
  }
  const source = [
    `// Generated by scripts/generate.ts from src/spec/apis/${kebab(api.name)}.ts. Do not edit.`,
    '/* eslint-disable */',
    "import { Reader } from '../io/reader.js';",
    "import { Writer } from '../io/writer.js';",
    "import { EMPTY_BUFFER, nullArray, nullNotAllowed, writeUnknownTaggedFields, type ApiCodec, type UnknownTaggedField } from '../codec-support.js';",
    "import { ZERO_UUID } from '../io/uuid.js';",
    '',
    ...types,
    ...parts,
    `export const ${camel(api.name)}Codec: ApiCodec<${api.name}Request, ${api.name}Response> = {`,
    `  apiKey: ${api.apiKey},`,
    `  name: '${api.name}',`,
    ...tables,
    '};',
    '',
  ].join('\n');
  return { file: `${kebab(api.name)}.ts`, source };
}

/**
 * `apis.ts`: what is known of every API without loading its codec (keys, body types by key, names,
 * version ranges, flexible versions) and how to load each codec on first use.
 */
function generateApis(apis: readonly ApiSpec[]): string {
  const lines = [
    '// Generated by scripts/generate.ts. Do not edit.',
    "import type { ApiCodec } from '../codec-support.js';",
  ];
  for (const api of apis) {
    lines.push(`import type { ${api.name}Request, ${api.name}Response } from './${kebab(api.name)}.js';`);
  }
  lines.push('');
  lines.push('/** API keys by name. */');
  lines.push('export const ApiKey = {');
  for (const api of apis) lines.push(`  ${api.name}: ${api.apiKey},`);
  lines.push('} as const;');
  lines.push('export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];');
  lines.push('');
  lines.push('/** Request body type by API key. */');
  lines.push('export interface RequestBodies {');
  for (const api of apis) lines.push(`  ${api.apiKey}: ${api.name}Request;`);
  lines.push('}');
  lines.push('');
  lines.push('/** Response body type by API key. */');
  lines.push('export interface ResponseBodies {');
  for (const api of apis) lines.push(`  ${api.apiKey}: ${api.name}Response;`);
  lines.push('}');
  lines.push('');
  lines.push('/** The versions of one direction of an API. */');
  lines.push('export interface ApiVersionRange {');
  lines.push('  readonly minVersion: number;');
  lines.push('  readonly maxVersion: number;');
  lines.push('  /** First flexible version, or null. */');
  lines.push('  readonly flexibleVersions: number | null;');
  lines.push('}');
  lines.push('');
  lines.push("/** An API's name and versions: its codec without the encoders and decoders. */");
  lines.push('export interface ApiInfo {');
  lines.push('  readonly apiKey: number;');
  lines.push('  readonly name: string;');
  lines.push('  readonly request: ApiVersionRange;');
  lines.push('  readonly response: ApiVersionRange;');
  lines.push('}');
  lines.push('');
  lines.push('/** Every API by key, with no codec loaded. */');
  lines.push('export const apiInfo: ReadonlyMap<number, ApiInfo> = new Map<number, ApiInfo>([');
  const range = (spec: MessageSpec) =>
    `{ minVersion: ${spec.validVersions[0]}, maxVersion: ${spec.validVersions[1]}, flexibleVersions: ${spec.flexibleVersions} }`;
  for (const api of apis) {
    lines.push(
      `  [${api.apiKey}, { apiKey: ${api.apiKey}, name: '${api.name}', request: ${range(api.request)}, response: ${range(api.response)} }],`,
    );
  }
  lines.push(']);');
  lines.push('');
  lines.push('/** Loads the codec of an API (its module is imported on first use). */');
  lines.push(
    'export const apiCodecLoaders: ReadonlyMap<number, () => Promise<ApiCodec<any, any>>> = new Map<number, () => Promise<ApiCodec<any, any>>>([',
  );
  for (const api of apis) {
    lines.push(
      `  [${api.apiKey}, async () => (await import('./${kebab(api.name)}.js')).${camel(api.name)}Codec],`,
    );
  }
  lines.push(']);');
  lines.push('');
  return lines.join('\n');
}

/** `types.ts`: the message types of every API and what `apis.ts` exports, with no codec loaded. */
function generateTypes(apis: readonly ApiSpec[]): string {
  const lines = ['// Generated by scripts/generate.ts. Do not edit.'];
  for (const api of apis) lines.push(`export type * from './${kebab(api.name)}.js';`);
  lines.push(
    "export { ApiKey, type ApiInfo, apiInfo, type ApiVersionRange, type RequestBodies, type ResponseBodies } from './apis.js';",
  );
  lines.push('');
  return lines.join('\n');
}

/** `index.ts`: every codec, loaded and registered up front (the package's root entry). */
function generateIndex(apis: readonly ApiSpec[]): string {
  const lines = [
    '// Generated by scripts/generate.ts. Do not edit.',
    "import type { ApiCodec } from '../codec-support.js';",
    "import { registerApiCodec } from '../codec-registry.js';",
  ];
  for (const api of apis) {
    lines.push(`import { ${camel(api.name)}Codec } from './${kebab(api.name)}.js';`);
  }
  lines.push('');
  for (const api of apis) lines.push(`export * from './${kebab(api.name)}.js';`);
  lines.push(
    "export { ApiKey, type ApiInfo, apiInfo, type ApiVersionRange, type RequestBodies, type ResponseBodies } from './apis.js';",
  );
  lines.push('');
  lines.push('/** Codec of every API, indexed by API key. */');
  lines.push(
    'export const apiCodecs: ReadonlyMap<number, ApiCodec<any, any>> = new Map<number, ApiCodec<any, any>>([',
  );
  for (const api of apis) lines.push(`  [${api.apiKey}, ${camel(api.name)}Codec],`);
  lines.push(']);');
  lines.push('for (const codec of apiCodecs.values()) registerApiCodec(codec);');
  lines.push('');
  return lines.join('\n');
}

function main(): void {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  for (const api of protocolSpec) {
    const { file, source } = generateApi(api);
    writeFileSync(join(OUT_DIR, file), source);
  }
  writeFileSync(join(OUT_DIR, 'apis.ts'), generateApis(protocolSpec));
  writeFileSync(join(OUT_DIR, 'types.ts'), generateTypes(protocolSpec));
  writeFileSync(join(OUT_DIR, 'index.ts'), generateIndex(protocolSpec));
  console.log(`generated codecs for ${protocolSpec.length} APIs in ${OUT_DIR}`);
}

main();
