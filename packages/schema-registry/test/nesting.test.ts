import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCanonicalString, toNormalizedString, toParsingCanonicalForm } from '../src/avro/canonical.js';
import { parseSchema } from '../src/avro/parse.js';
import { runCheck } from '../src/cli/check.js';
import { exitCodeOf, formatReports } from '../src/cli/report.js';
import { SchemaRegistryClient } from '../src/client/client.js';
import { checkCompatibility } from '../src/compatibility/reader-writer.js';
import { InvalidValueError, SchemaParseError, SchemaTooDeepError, SerdeError } from '../src/errors.js';
import { checkTextNesting, checkValueNesting, isStackOverflow, MAX_NESTING_DEPTH } from '../src/nesting.js';
import { avscTypeFor } from '../src/serde/avro-types.js';
import { AvroDeserializer, AvroSerializer } from '../src/serde/serde.js';
import { encodeWire } from '../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../src/server/http.js';
import { decodeRecord, encodeKey, type RegistryRecord, schemaKey } from '../src/server/records.js';
import { MemoryRegistryLog } from '../src/server/store.js';
import { generateTypeScript } from '../src/typed/codegen.js';
import { typedSchema } from '../src/typed/typed-schema.js';
import { arrays, FAMILIES } from './fixtures/deep-schemas.js';

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

const LINKED_LIST = '{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}';
/** Deeper than any stack: a recursive schema admits it, so walks of values must fail cleanly. */
const VERY_DEEP = 300_000;
const deepList = (levels: number) => {
  let node: unknown = null;
  for (let i = 0; i < levels; i++) node = { next: node };
  return node;
};

describe('recursive types within the limit', () => {
  /** Records N in namespaces <prefix>0..<prefix>{length-1}, each holding the next, the last the first. */
  const cycle = (prefix: string, length: number) => {
    const open: string[] = [];
    for (let i = 0; i < length; i++) {
      open.push(
        `{"type":"record","name":"N","namespace":"${prefix}${i}","fields":[{"name":"next","type":["null",`,
      );
    }
    return `${open.join('')}"${prefix}0.N"${']}]}'.repeat(length)}`;
  };

  it('are checked for compatibility however long the chain of type pairs they walk', () => {
    // Names match unqualified, so each reader record is checked against each writer record it meets: cycles of 120
    // and 119 records pair up 14280 times before a pair repeats, each pair a level deeper.
    const reader = parseSchema(cycle('r', 120));
    const writer = parseSchema(cycle('w', 119));
    expect(checkCompatibility(reader, writer)).toEqual({ compatible: true, incompatibilities: [] });
  });

  it('admit values of any depth, which encoding and validating refuse with a typed error past the stack', () => {
    const client = new SchemaRegistryClient({ url: 'http://127.0.0.1:9' });
    const serializer = new AvroSerializer({ client, schema: LINKED_LIST });
    expect(serializer.encode(1, deepList(1000)).length).toBe(5 + 1000);
    const error = thrown(() => serializer.encode(1, deepList(VERY_DEEP)));
    expect(error).toBeInstanceOf(InvalidValueError);
    expect((error as Error).message).toMatch(/Value nests too deeply to encode with Avro schema Node/);
    const typed = typedSchema(LINKED_LIST);
    expect(typed.is(deepList(1000))).toBe(true);
    expect(typed.is(deepList(VERY_DEEP))).toBe(false);
    expect(() => typed.validate(deepList(VERY_DEEP))).toThrow(/nests deeper than the validator can follow/);
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

  it('refuses to resolve recursive schemas whose cycles pair up deeper than avsc can follow', async () => {
    // Records R0..R119 (each taking any W name as an alias) and W0..W118, each holding an array of the next.
    const cycle = (prefix: string, length: number, aliases: string[]) => {
      const open: string[] = [];
      for (let i = 0; i < length; i++) {
        open.push(
          `{"type":"record","name":"${prefix}${i}","aliases":${JSON.stringify(aliases)},"fields":[{"name":"next","type":{"type":"array","items":`,
        );
      }
      return `${open.join('')}"${prefix}0"${'}}]}'.repeat(length)}`;
    };
    const writer = cycle('W', 119, []);
    const reader = cycle(
      'R',
      120,
      Array.from({ length: 119 }, (_, i) => `W${i}`),
    );
    expect(checkCompatibility(reader, writer).compatible).toBe(true);
    const id = await client.register('cycles-value', { schema: writer });
    // W0 { next: [] }.
    const failure = await new AvroDeserializer({ client, readerSchema: reader })
      .deserialize('cycles', encodeWire(id, Buffer.from([0x00])))
      .catch((error) => error);
    expect(failure).toBeInstanceOf(SerdeError);
    expect((failure as Error).message).toBe(
      `The reader schema cannot be resolved against schema ${id}: their recursive types pair up too deeply`,
    );
  });

  it('refuses a message nested deeper than the stack, of a recursive schema, with a SerdeError', async () => {
    const id = await client.register('linked-list-value', { schema: LINKED_LIST });
    // Node -> next: union branch 1 (zig-zag 2) VERY_DEEP times, then branch 0 (null).
    const body = Buffer.alloc(VERY_DEEP + 1, 0x02);
    body[VERY_DEEP] = 0x00;
    const failure = await new AvroDeserializer({ client })
      .deserialize('linked-list', encodeWire(id, body))
      .catch((error) => error);
    expect(failure).toBeInstanceOf(SerdeError);
    expect((failure as Error).message).toBe(
      `Message for schema ${id} nests too deeply to decode: its recursive types go deeper than the stack allows`,
    );
  });

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

describe('the CI check command', () => {
  let server: RegistryServer;
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const storedDeep = `{"type":"record","name":"Order","fields":[{"name":"deep","type":${arrays.schema(5000)}}]}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-nesting-'));
    // A version stored before the limit existed, and one at the limit.
    const log = new MemoryRegistryLog();
    const value = JSON.stringify({
      subject: 'orders',
      version: 1,
      id: 1,
      schema: storedDeep,
      deleted: false,
    });
    log.records.push(decodeRecord(encodeKey(schemaKey('orders', 1)), value) as RegistryRecord);
    server = await startRegistryServer({ port: 0, log });
    await new SchemaRegistryClient({ url: server.url }).register('deep', {
      schema: arrays.schema(arrays.atLimit),
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (files: string[], subjects: string[]) =>
    runCheck({ files, level: 'BACKWARD', source: { kind: 'registry', url: server.url, subjects } });

  it('checks files at the limit, and locates a problem at the bottom of one', async () => {
    const compatible = file('compatible.avsc', arrays.schema(arrays.atLimit, 'long'));
    const broken = file('broken.avsc', arrays.schema(arrays.atLimit, 'string'));
    const reports = await check([compatible, broken], ['deep', 'deep']);
    expect(reports.map((report) => report.compatible)).toEqual([true, false]);
    expect(reports[1]!.incompatibilities[0]).toMatchObject({
      type: 'TYPE_MISMATCH',
      location: '/items'.repeat(arrays.atLimit),
    });
    expect(formatReports(reports, 'github')).toContain(`::error file=${broken},line=1,`);
  });

  it('refuses a file past the limit as an input error (exit 2), naming the limit', async () => {
    const [report] = await check([file('too-deep.avsc', arrays.schema(arrays.pastLimit))], ['deep']);
    expect(report!.error).toMatch(
      /is not a valid Avro schema: Schema is nested too deeply: .*at most 1000 levels/,
    );
    expect(exitCodeOf([report!])).toBe(2);
  });

  it('checks against previous versions deeper than the limit', async () => {
    const dropped = file('dropped.avsc', '{"type":"record","name":"Order","fields":[]}');
    const changed = file(
      'changed.avsc',
      '{"type":"record","name":"Order","fields":[{"name":"deep","type":{"type":"array","items":"int"}}]}',
    );
    const [ok, broken] = await check([dropped, changed], ['orders', 'orders']);
    expect([ok!.error, broken!.error]).toEqual([undefined, undefined]);
    expect([ok!.compatible, broken!.compatible]).toEqual([true, false]);
    expect(broken!.incompatibilities[0]!.type).toBe('TYPE_MISMATCH');
  });
});
