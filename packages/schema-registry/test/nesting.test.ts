import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCanonicalString, toNormalizedString, toParsingCanonicalForm } from '../src/avro/canonical.js';
import { parseSchema } from '../src/avro/parse.js';
import { SchemaRegistryClient } from '../src/client/client.js';
import { checkCompatibility } from '../src/compatibility/reader-writer.js';
import { SchemaParseError, SchemaTooDeepError } from '../src/errors.js';
import { checkTextNesting, checkValueNesting, isStackOverflow, MAX_NESTING_DEPTH } from '../src/nesting.js';
import { avscTypeFor } from '../src/serde/avro-types.js';
import { AvroDeserializer, AvroSerializer } from '../src/serde/serde.js';
import { type RegistryServer, startRegistryServer } from '../src/server/http.js';
import { generateTypeScript } from '../src/typed/codegen.js';
import { typedSchema } from '../src/typed/typed-schema.js';
import { FAMILIES } from './fixtures/deep-schemas.js';

function thrown(operation: () => unknown): unknown {
  try {
    operation();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('checkTextNesting', () => {
  it('admits 1000 levels of arrays and objects, as Jackson does, and refuses 1001 with where', () => {
    expect(MAX_NESTING_DEPTH).toBe(1000);
    expect(() => checkTextNesting(`${'['.repeat(1000)}${']'.repeat(1000)}`)).not.toThrow();
    expect(() => checkTextNesting(`${'{"a":'.repeat(999)}[]${'}'.repeat(999)}`)).not.toThrow();
    const error = thrown(() => checkTextNesting(`${'['.repeat(1001)}${']'.repeat(1001)}`));
    expect(error).toBeInstanceOf(SchemaTooDeepError);
    expect(error).toBeInstanceOf(SchemaParseError);
    expect((error as SchemaTooDeepError).limit).toBe(1000);
    expect((error as Error).message).toBe(
      'Schema is nested too deeply: more than 1000 levels of JSON arrays and objects (level 1001 opens at line 1, ' +
        'column 1001); at most 1000 levels are allowed',
    );
    expect((thrown(() => checkTextNesting('{\n  "a": [[\n  [', 3)) as Error).message).toMatch(
      /level 4 opens at line 3, column 3/,
    );
  });

  it('counts brackets outside strings only, and the levels open at once, not all brackets', () => {
    const inStrings = `["${'['.repeat(2000)}", "\\"${'{'.repeat(2000)}", '${'['.repeat(2000)}']`;
    expect(() => checkTextNesting(inStrings)).not.toThrow();
    const siblings = '[[]]'.repeat(5000);
    expect(() => checkTextNesting(`[${siblings}]`)).not.toThrow();
    expect(() => checkTextNesting(`${']'.repeat(10)}${'['.repeat(11)}`, 10)).toThrow(SchemaTooDeepError);
  });
});

describe('checkValueNesting', () => {
  const nest = (levels: number) => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
    return value;
  };

  it('bounds values as the text check bounds text', () => {
    expect(() => checkValueNesting(nest(1000))).not.toThrow();
    expect(() => checkValueNesting(nest(1001))).toThrow(SchemaTooDeepError);
    expect(() => checkValueNesting(nest(100_000))).toThrow(/more than 1000 levels/);
  });

  it('ends on cyclic values and walks shared ones once per depth', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => checkValueNesting(cyclic)).toThrow(SchemaTooDeepError);
    // 2^60 paths through 60 shared levels.
    let shared: unknown = 1;
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    expect(() => checkValueNesting(shared)).not.toThrow();
  });
});

describe('isStackOverflow', () => {
  it("recognises V8's stack overflow only", () => {
    const overflow = (): number => overflow() + 1;
    expect(isStackOverflow(thrown(overflow))).toBe(true);
    expect(isStackOverflow(new RangeError('Invalid array length'))).toBe(false);
    expect(isStackOverflow(new Error('Maximum call stack size exceeded'))).toBe(false);
  });
});

describe.each(FAMILIES)('nested $name at the limit', (family) => {
  const v1 = family.schema(family.atLimit, 'int');
  const v2 = family.schema(family.atLimit, 'long');
  const broken = family.schema(family.atLimit, 'string');
  const value = family.value(family.atLimit);

  it('parses, and every walk of the parsed schema works', () => {
    const parsed = parseSchema(v1);
    const canonical = toCanonicalString(parsed);
    expect(toCanonicalString(parseSchema(canonical))).toBe(canonical);
    expect(toNormalizedString(parseSchema(canonical))).toBe(toNormalizedString(parsed));
    expect(toParsingCanonicalForm(parsed).length).toBeGreaterThan(family.atLimit);
    expect(checkCompatibility(parseSchema(v2), parsed).compatible).toBe(true);
    expect(checkCompatibility(parseSchema(broken), parsed).compatible).toBe(false);
  });

  it('compiles with avsc, which encodes, decodes and resolves values as deep', () => {
    const writer = avscTypeFor(v1);
    const reader = avscTypeFor(v2);
    const bytes = writer.toBuffer(value);
    expect(writer.fromBuffer(bytes)).toEqual(value);
    expect(reader.fromBuffer(bytes, reader.createResolver(writer))).toEqual(value);
    expect(writer.isValid(value)).toBe(true);
  });

  it('builds a typed schema whose validator checks values as deep, and generates TypeScript', () => {
    const typed = typedSchema(v1);
    expect(typed.validate(value)).toBe(value);
    expect(typed.is(family.value(family.atLimit, 'not an int'))).toBe(false);
    const source = generateTypeScript([{ path: 'deep.avsc', text: v1 }]);
    expect(source).toMatch(/export const \w+Schema = typedSchema</);
  });
});

describe.each(FAMILIES)('nested $name past the limit', (family) => {
  const tooDeep = family.schema(family.pastLimit);

  it('is refused by the parser, typed schemas, codegen and the serializer, naming the limit', () => {
    const error = thrown(() => parseSchema(tooDeep));
    expect(error).toBeInstanceOf(SchemaTooDeepError);
    expect((error as Error).message).toMatch(
      /^Schema is nested too deeply: .*at most 1000 levels are allowed$/,
    );
    expect(() => typedSchema(tooDeep)).toThrow(SchemaTooDeepError);
    expect(() => generateTypeScript([{ path: 'deep.avsc', text: tooDeep }])).toThrow(
      /deep\.avsc: Schema is nested too deeply/,
    );
    const client = new SchemaRegistryClient({ url: 'http://127.0.0.1:9' });
    expect(() => new AvroSerializer({ client, schema: tooDeep })).toThrow(SchemaTooDeepError);
    expect(() => new AvroDeserializer({ client, readerSchema: tooDeep })).toThrow(SchemaTooDeepError);
  });

  it('parses when the limit is lifted, as the registry reads versions stored before it', () => {
    expect(() => parseSchema(tooDeep, { maxNestingDepth: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});

describe('serde through a registry', () => {
  let server: RegistryServer;
  let client: SchemaRegistryClient;
  beforeAll(async () => {
    server = await startRegistryServer({ port: 0 });
    client = new SchemaRegistryClient({ url: server.url });
  });
  afterAll(() => server.close());

  it.each(FAMILIES)(
    'round-trips values nested $name at the limit, with and without a reader schema',
    async (family) => {
      const topic = `deep-${family.name.replace(/\W/g, '-')}`;
      const value = family.value(family.atLimit);
      const serializer = new AvroSerializer({ client, schema: family.schema(family.atLimit, 'int') });
      const bytes = await serializer.serialize(topic, value);
      expect(await new AvroDeserializer({ client }).deserialize(topic, bytes)).toEqual(value);
      const reader = new AvroDeserializer({ client, readerSchema: family.schema(family.atLimit, 'long') });
      expect(await reader.deserialize(topic, bytes)).toEqual(value);
    },
  );
});
