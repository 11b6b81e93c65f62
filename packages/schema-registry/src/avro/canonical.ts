import { createHash } from 'node:crypto';
import { type AvroSchema, type Field, isNamed, type NamedSchema, type Props } from './schema.js';

/**
 * Renders a parsed schema as compact JSON the way Java's `Schema.toString()` does: named types are written in full
 * the first time and by name afterwards, namespaces only where they differ from the enclosing one. This is the form
 * the registry stores and returns, and what "the same schema" means for idempotent registration.
 */
export function toCanonicalString(schema: AvroSchema, referencedNames: Iterable<string> = []): string {
  // Types from schema references are written by name, never inlined.
  return JSON.stringify(toJson(schema, new Set(referencedNames), ''));
}

function toJson(schema: AvroSchema, written: Set<string>, space: string): unknown {
  if (isNamed(schema)) {
    if (written.has(schema.fullName)) return nameRef(schema, space);
    written.add(schema.fullName);
    const out: Record<string, unknown> = {
      type: schema.type === 'record' && schema.isError ? 'error' : schema.type,
    };
    out.name = schema.name;
    if (schema.namespace !== space) out.namespace = schema.namespace;
    if (schema.doc !== undefined) out.doc = schema.doc;
    switch (schema.type) {
      case 'record':
        out.fields = schema.fields.map((field) => fieldToJson(field, written, schema.namespace));
        break;
      case 'enum':
        out.symbols = schema.symbols;
        if (schema.default !== undefined) out.default = schema.default;
        break;
      case 'fixed':
        out.size = schema.size;
        break;
    }
    Object.assign(out, schema.props);
    if (schema.aliases.length > 0)
      out.aliases = schema.aliases.map((alias) => relativeName(alias, schema.namespace));
    return out;
  }
  switch (schema.type) {
    case 'union':
      return schema.types.map((branch) => toJson(branch, written, space));
    case 'array':
      return { type: 'array', items: toJson(schema.items, written, space), ...schema.props };
    case 'map':
      return { type: 'map', values: toJson(schema.values, written, space), ...schema.props };
    default:
      return Object.keys(schema.props).length === 0 ? schema.type : { type: schema.type, ...schema.props };
  }
}

function fieldToJson(field: Field, written: Set<string>, space: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name: field.name, type: toJson(field.type, written, space) };
  if (field.doc !== undefined) out.doc = field.doc;
  if (field.hasDefault) out.default = field.default;
  if (field.order !== undefined && field.order !== 'ascending') out.order = field.order;
  if (field.aliases.length > 0) out.aliases = field.aliases;
  Object.assign(out, field.props);
  return out;
}

function nameRef(schema: NamedSchema, space: string): string {
  return schema.namespace === space ? schema.name : schema.fullName;
}

function relativeName(fullName: string, space: string): string {
  return space && fullName.startsWith(`${space}.`) && !fullName.slice(space.length + 1).includes('.')
    ? fullName.slice(space.length + 1)
    : fullName;
}

/**
 * A deterministic rendering for `normalize=true` (after Confluent's `AvroSchemaUtils.toNormalizedString`): full
 * names everywhere, aliases sorted, other properties sorted by key. Two schemas that differ only in attribute order,
 * namespace spelling or alias order normalize to the same string.
 */
export function toNormalizedString(schema: AvroSchema, referencedNames: Iterable<string> = []): string {
  return JSON.stringify(toNormalizedJson(schema, new Set(referencedNames)));
}

function sortedProps(props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(props).sort()) out[key] = sortKeysDeep(props[key]);
  return out;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function toNormalizedJson(schema: AvroSchema, written: Set<string>): unknown {
  if (isNamed(schema)) {
    if (written.has(schema.fullName)) return schema.fullName;
    written.add(schema.fullName);
    const out: Record<string, unknown> = {
      name: schema.fullName,
      type: schema.type === 'record' && schema.isError ? 'error' : schema.type,
    };
    if (schema.type === 'enum') out.symbols = schema.symbols;
    if (schema.type === 'fixed') out.size = schema.size;
    if (schema.type === 'record') {
      out.fields = schema.fields.map((field) => {
        const f: Record<string, unknown> = { name: field.name, type: toNormalizedJson(field.type, written) };
        if (field.order !== undefined && field.order !== 'ascending') f.order = field.order;
        if (field.doc !== undefined) f.doc = field.doc;
        if (field.aliases.length > 0) f.aliases = [...field.aliases].sort();
        if (field.hasDefault) f.default = sortKeysDeep(field.default);
        Object.assign(f, sortedProps(field.props));
        return f;
      });
    }
    if (schema.type === 'enum' && schema.default !== undefined) out.default = schema.default;
    if (schema.doc !== undefined) out.doc = schema.doc;
    if (schema.aliases.length > 0) out.aliases = [...schema.aliases].sort();
    Object.assign(out, sortedProps(schema.props));
    return out;
  }
  switch (schema.type) {
    case 'union':
      return schema.types.map((branch) => toNormalizedJson(branch, written));
    case 'array':
      return { type: 'array', items: toNormalizedJson(schema.items, written), ...sortedProps(schema.props) };
    case 'map':
      return { type: 'map', values: toNormalizedJson(schema.values, written), ...sortedProps(schema.props) };
    default:
      return Object.keys(schema.props).length === 0
        ? schema.type
        : { type: schema.type, ...sortedProps(schema.props) };
  }
}

/**
 * Avro's Parsing Canonical Form (the spec's "Transforming into Parsing Canonical Form"): only what affects the
 * binary encoding, so two schemas with the same PCF read and write the same bytes.
 */
export function toParsingCanonicalForm(schema: AvroSchema): string {
  return pcf(schema, new Set());
}

function pcf(schema: AvroSchema, written: Set<string>): string {
  if (isNamed(schema)) {
    const name = JSON.stringify(schema.fullName);
    if (written.has(schema.fullName)) return name;
    written.add(schema.fullName);
    const type = JSON.stringify(schema.type);
    switch (schema.type) {
      case 'record': {
        const fields = schema.fields.map(
          (f) => `{"name":${JSON.stringify(f.name)},"type":${pcf(f.type, written)}}`,
        );
        return `{"name":${name},"type":${type},"fields":[${fields.join(',')}]}`;
      }
      case 'enum':
        return `{"name":${name},"type":${type},"symbols":${JSON.stringify(schema.symbols)}}`;
      case 'fixed':
        return `{"name":${name},"type":${type},"size":${schema.size}}`;
    }
  }
  switch (schema.type) {
    case 'union':
      return `[${schema.types.map((branch) => pcf(branch, written)).join(',')}]`;
    case 'array':
      return `{"type":"array","items":${pcf(schema.items, written)}}`;
    case 'map':
      return `{"type":"map","values":${pcf(schema.values, written)}}`;
    default:
      return JSON.stringify(schema.type);
  }
}

/** MD5 of a schema string, as Confluent stores it in `_schemas` records (base64 there). */
export function md5(text: string): Buffer {
  return createHash('md5').update(text).digest();
}
