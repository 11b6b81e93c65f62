import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RegistryErrorReason, RegistryOperationError } from '../../../src/server/registry/errors.js';
import type { Registration } from '../../../src/server/registry/input.js';
import { Registry } from '../../../src/server/registry/registry.js';
import { MemoryRegistryLog } from '../../../src/server/store.js';
import { recordSchema } from '../helpers.js';

// The domain without HTTP: typed registrations in, ids or RegistryOperationErrors with a reason out.

const avro = (schema: string, extra: Partial<Registration> = {}): Registration => ({
  schemaType: 'AVRO',
  schema,
  references: [],
  ...extra,
});
const V1 = recordSchema('User', [{ name: 'name', type: 'string' }]);
const V2 = recordSchema('User', [
  { name: 'name', type: 'string' },
  { name: 'age', type: ['null', 'int'], default: null },
]);
const BREAKING = recordSchema('User', [
  { name: 'name', type: 'string' },
  { name: 'required', type: 'int' },
]);

let log: MemoryRegistryLog;
let registry: Registry;

beforeEach(async () => {
  log = new MemoryRegistryLog();
  registry = new Registry(log, { maxSchemaChars: 10_000 });
  await registry.start();
});
afterEach(() => registry.close());

async function reasonOf(operation: () => unknown): Promise<RegistryErrorReason> {
  try {
    await operation();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryOperationError);
    return (error as RegistryOperationError).reason;
  }
  throw new Error('the operation succeeded');
}

describe('Registrar.register', () => {
  it('gives each distinct schema one id, shared across subjects, and is idempotent', async () => {
    expect(await registry.registrar.register('a', avro(V1))).toBe(1);
    expect(await registry.registrar.register('a', avro(JSON.stringify(JSON.parse(V1), null, 2)))).toBe(1);
    expect(await registry.registrar.register('b', avro(V1))).toBe(1);
    expect(await registry.registrar.register('a', avro(V2))).toBe(2);
    expect(registry.subjects.versions('a')).toEqual([1, 2]);
    expect(log.records).toHaveLength(3);
  });

  it('stores the canonical form, with its references', async () => {
    const money = JSON.stringify({
      type: 'record',
      name: 'Money',
      namespace: 'com.acme',
      fields: [{ name: 'u', type: 'long' }],
    });
    await registry.registrar.register('money', avro(money));
    const invoice = recordSchema('Invoice', [{ name: 'total', type: 'com.acme.Money' }]);
    const references = [{ name: 'com.acme.Money', subject: 'money', version: 1 }];
    expect(await registry.registrar.register('invoice', avro(invoice, { references }))).toBe(2);
    const stored = registry.subjects.version('invoice', 1);
    expect(stored.references).toEqual(references);
    expect(JSON.parse(stored.schema).fields[0].type).toBe('Money');
  });

  it.each<[string, () => Registration, RegistryErrorReason, RegExp]>([
    [
      'a schema type it does not serve',
      () => avro('{}', { schemaType: 'XML' }),
      'invalid-schema',
      /Invalid schema type XML: this registry serves JSON, PROTOBUF, AVRO schemas only/,
    ],
    ['an empty schema', () => avro('  '), 'invalid-schema', /^Empty schema$/],
    [
      'an invalid schema',
      () => avro('{"type":"record","name":"R","fields":[{"name":"x","type":"nope"}]}'),
      'invalid-schema',
      /^Invalid schema: Undefined name: "nope"/,
    ],
    [
      'a schema over the size limit',
      () => avro(`"${'x'.repeat(10_001)}"`),
      'schema-too-large',
      /larger than 10000 characters/,
    ],
    [
      'a reference to a version that does not exist',
      () => avro(V1, { references: [{ name: 'X', subject: 'none', version: 1 }] }),
      'invalid-schema',
      /reference 'X' points at subject 'none' version 1/,
    ],
  ])('refuses %s', async (_what, registration, reason, message) => {
    const refusal = registry.registrar.register('a', registration());
    await expect(refusal).rejects.toThrow(message);
    expect(await reasonOf(() => registry.registrar.register('a', registration()))).toBe(reason);
  });

  it.each(['', ' ', 'a\u0001b', '__GLOBAL', '__EMPTY'])('refuses the subject %j', async (subject) => {
    expect(await reasonOf(() => registry.registrar.register(subject, avro(V1)))).toBe('invalid-subject');
  });

  it("checks compatibility under the subject's level, unless forced", async () => {
    await registry.registrar.register('a', avro(V1));
    const refusal = registry.registrar.register('a', avro(BREAKING));
    await expect(refusal).rejects.toMatchObject({ reason: 'incompatible-schema' });
    await expect(refusal).rejects.toThrow(
      /incompatible with an earlier schema for subject "a", details: \[\{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'/,
    );
    expect(await registry.registrar.register('a', avro(BREAKING), { force: true })).toBe(2);
  });

  it('registers only in READWRITE mode, and given ids only in IMPORT mode', async () => {
    await registry.config.setMode('a', 'READONLY');
    expect(await reasonOf(() => registry.registrar.register('a', avro(V1)))).toBe('operation-not-permitted');
    await registry.config.setMode('a', 'READWRITE');
    expect(await reasonOf(() => registry.registrar.register('a', avro(V1, { id: 7 })))).toBe(
      'operation-not-permitted',
    );
    await registry.config.setMode('imp', 'IMPORT');
    expect(await registry.registrar.register('imp', avro(V1, { id: 7, version: 3 }))).toBe(7);
    expect(registry.subjects.version('imp', 3).id).toBe(7);
    expect(await reasonOf(() => registry.registrar.register('imp', avro(V2, { id: 7, version: 4 })))).toBe(
      'id-conflict',
    );
    expect(await reasonOf(() => registry.registrar.register('imp', avro(V1, { id: 7, version: 3 })))).toBe(
      'operation-not-permitted',
    );
  });
});
