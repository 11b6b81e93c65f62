/** The schema routes against Samsa's registry: subjects, versions, levels, checks that name each incompatibility. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  ApiErrorBody,
  CompatibilityReport,
  SubjectDetails,
  SubjectSummary,
} from '../../../src/api/types.js';
import { ORDER_SCHEMA, type Stack, startStack } from '../../helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.call('POST', '/api/topics', { name: 'orders', partitions: 1 });
});

afterAll(async () => {
  await stack?.stop();
});

const errorCode = (body: unknown) => (body as ApiErrorBody).error.code;
const withField = (field: object) =>
  JSON.stringify({ ...ORDER_SCHEMA, fields: [...ORDER_SCHEMA.fields, field] });

it('registers versions, lists subjects and describes one with the topics using it', async () => {
  const v1 = await stack.call<{ id: number }>('POST', '/api/schemas/orders-value/versions', {
    schema: JSON.stringify(ORDER_SCHEMA),
  });
  expect(v1.status).toBe(201);
  const v2 = await stack.call<{ id: number }>('POST', '/api/schemas/orders-value/versions', {
    schema: withField({ name: 'note', type: ['null', 'string'], default: null }),
  });
  expect(v2.body.id).toBeGreaterThan(v1.body.id);
  const { body: list } = await stack.call<{ subjects: SubjectSummary[] }>('GET', '/api/schemas');
  expect(list.subjects).toEqual([
    { subject: 'orders-value', latestVersion: 2, latestId: v2.body.id, versions: 2, schemaType: 'AVRO' },
  ]);
  const { body } = await stack.call<SubjectDetails>('GET', '/api/schemas/orders-value');
  expect(body.versions.map((v) => [v.version, v.id])).toEqual([
    [1, v1.body.id],
    [2, v2.body.id],
  ]);
  expect(body.compatibility).toBe('BACKWARD');
  expect(body.topics).toEqual([{ topic: 'orders', how: 'topic-name' }]);
});

it('finds topics that use a subject through their records (record name strategy)', async () => {
  const { body: registered } = await stack.call<{ id: number }>(
    'POST',
    '/api/schemas/samsa.console.test.Order/versions',
    { schema: JSON.stringify(ORDER_SCHEMA) },
  );
  await stack.call('POST', '/api/topics', { name: 'order-events', partitions: 1 });
  await stack.call('POST', '/api/topics/order-events/messages', {
    value: JSON.stringify({ orderId: 'o', customerId: 'c', total: 1 }),
    format: 'avro',
    subject: 'samsa.console.test.Order',
  });
  const { body } = await stack.call<SubjectDetails>('GET', '/api/schemas/samsa.console.test.Order');
  expect(body.versions[0]!.id).toBe(registered.id);
  expect(body.topics).toContainEqual({ topic: 'order-events', how: 'records' });
});

it('checks a BACKWARD-breaking schema and names the incompatibility with its location and version', async () => {
  const { status, body } = await stack.call<CompatibilityReport>('POST', '/api/schemas/orders-value/check', {
    schema: withField({ name: 'channel', type: 'string' }),
  });
  expect(status).toBe(200);
  expect(body.compatible).toBe(false);
  expect(body.level).toBe('BACKWARD');
  expect(body.incompatibilities).toEqual([
    {
      type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
      location: '/fields/3',
      description:
        "The field 'channel' at path '/fields/3' in the new schema has no default value and is missing in the old schema",
      version: 2,
      direction: 'new-reads-old',
    },
  ]);
  expect(body.registryMessages.join('\n')).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
  const ok = await stack.call<CompatibilityReport>('POST', '/api/schemas/orders-value/check', {
    schema: JSON.stringify(ORDER_SCHEMA),
  });
  expect(ok.body).toMatchObject({ compatible: true, incompatibilities: [] });
  const fresh = await stack.call<CompatibilityReport>('POST', '/api/schemas/brand-new/check', {
    schema: '"string"',
  });
  expect(fresh.body).toMatchObject({ compatible: true, incompatibilities: [] });
});

it('refuses to register an incompatible version with 409 and the report', async () => {
  const answer = await stack.call<ApiErrorBody>('POST', '/api/schemas/orders-value/versions', {
    schema: withField({ name: 'channel', type: 'int' }),
  });
  expect(answer.status).toBe(409);
  expect(answer.body.error.code).toBe('SCHEMA_INCOMPATIBLE');
  expect((answer.body.error.details as CompatibilityReport).incompatibilities[0]).toMatchObject({
    type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
    location: '/fields/3',
  });
});

it('changes the compatibility level and refuses levels that do not exist', async () => {
  const set = await stack.call('PUT', '/api/schemas/orders-value/compatibility', {
    level: 'full_transitive',
  });
  expect(set).toEqual({ status: 200, body: { level: 'FULL_TRANSITIVE' } });
  expect((await stack.call<SubjectDetails>('GET', '/api/schemas/orders-value')).body.compatibility).toBe(
    'FULL_TRANSITIVE',
  );
  const bad = await stack.call('PUT', '/api/schemas/orders-value/compatibility', { level: 'SOMETIMES' });
  expect([bad.status, errorCode(bad.body)]).toEqual([400, 'INVALID_COMPATIBILITY_LEVEL']);
});

it('answers unknown subjects, schemas that do not parse and empty bodies with typed errors', async () => {
  const missing = await stack.call('GET', '/api/schemas/nobody');
  expect([missing.status, errorCode(missing.body)]).toEqual([404, 'SUBJECT_NOT_FOUND']);
  const unparsable = await stack.call('POST', '/api/schemas/orders-value/check', {
    schema: '{"type": "record"',
  });
  expect([unparsable.status, errorCode(unparsable.body)]).toEqual([422, 'INVALID_SCHEMA']);
  const invalid = await stack.call('POST', '/api/schemas/orders-value/versions', {
    schema: '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]}',
  });
  expect([invalid.status, errorCode(invalid.body)]).toEqual([422, 'INVALID_SCHEMA']);
  const empty = await stack.call('POST', '/api/schemas/orders-value/check', { schema: '' });
  expect([empty.status, errorCode(empty.body)]).toEqual([400, 'INVALID_REQUEST']);
});
