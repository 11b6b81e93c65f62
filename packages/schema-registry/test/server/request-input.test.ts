import { describe, expect, it } from 'vitest';
import { RegistryOperationError } from '../../src/server/registry/errors.js';
import { LATEST } from '../../src/server/registry/input.js';
import {
  compatibilityUpdate,
  flag,
  modeUpdate,
  page,
  registration,
  schemaId,
  schemaSubmission,
  versionId,
} from '../../src/server/request-input.js';
import { RestError } from '../../src/server/rest-errors.js';

/** The REST error a conversion throws, as [status, error_code]. */
function refused(convert: () => unknown): [number, number] {
  try {
    convert();
  } catch (error) {
    expect(error).toBeInstanceOf(RestError);
    return [(error as RestError).status, (error as RestError).errorCode];
  }
  throw new Error('the conversion accepted its input');
}

describe('schemaSubmission', () => {
  it('reads the schema, its type (AVRO when absent) and references', () => {
    expect(
      schemaSubmission({
        schema: '"int"',
        references: [{ name: 'com.acme.Money', subject: 'money', version: 1 }],
      }),
    ).toEqual({
      schemaType: 'AVRO',
      schema: '"int"',
      references: [{ name: 'com.acme.Money', subject: 'money', version: 1 }],
    });
    expect(schemaSubmission({ schema: '{}', schemaType: 'JSON', references: null })).toEqual({
      schemaType: 'JSON',
      schema: '{}',
      references: [],
    });
  });

  it('passes a missing or non-text schema on as empty, for the registry to refuse', () => {
    expect(schemaSubmission({}).schema).toBe('');
    expect(schemaSubmission({ schema: 42 }).schema).toBe('');
    expect(schemaSubmission({ schemaType: 7 }).schemaType).toBe('7');
  });

  it.each([
    ['a string', 'just text'],
    ['null', null],
    ['a number', 3],
  ])('refuses a body that is %s with 422', (_what, body) => {
    expect(refused(() => schemaSubmission(body))).toEqual([422, 422]);
  });

  it.each([
    ['not an array', { name: 'x', subject: 's', version: 1 }],
    ['a reference without a name', [{ subject: 's', version: 1 }]],
    ['a textual version', [{ name: 'x', subject: 's', version: '1' }]],
    ['a null entry', [null]],
  ])('refuses references that are %s with 422', (_what, references) => {
    expect(refused(() => schemaSubmission({ schema: '"int"', references }))).toEqual([422, 422]);
  });
});

describe('registration', () => {
  it('keeps an integer id and a version from 1', () => {
    expect(registration({ schema: '"int"', id: 42, version: 3 })).toMatchObject({ id: 42, version: 3 });
    expect(registration({ schema: '"int"', id: -1 })).toMatchObject({ id: -1 });
    expect(registration({ schema: '"int"', id: null, version: null })).not.toHaveProperty('id');
  });

  it('refuses an id that is not an integer (422) and a version that is not a version id (42202)', () => {
    expect(refused(() => registration({ schema: '"int"', id: '42' }))).toEqual([422, 422]);
    expect(refused(() => registration({ schema: '"int"', id: 1.5 }))).toEqual([422, 422]);
    expect(refused(() => registration({ schema: '"int"', id: 1, version: 0 }))).toEqual([422, 42202]);
    expect(refused(() => registration({ schema: '"int"', id: 1, version: 'two' }))).toEqual([422, 42202]);
  });
});

describe('config and mode bodies', () => {
  it('reads levels and modes in any case', () => {
    expect(compatibilityUpdate({ compatibility: 'full_transitive' })).toBe('FULL_TRANSITIVE');
    expect(modeUpdate({ mode: 'readonly' })).toBe('READONLY');
  });

  it.each([{}, { compatibility: 'SIDEWAYS' }, { compatibility: 3 }, null, 'BACKWARD'])(
    'refuses %j as a level with 42203',
    (body) => {
      expect(refused(() => compatibilityUpdate(body))).toEqual([422, 42203]);
    },
  );

  it.each([{}, { mode: 'SOMETIMES' }, { mode: true }, null])('refuses %j as a mode with 42204', (body) => {
    expect(refused(() => modeUpdate(body))).toEqual([422, 42204]);
  });
});

describe('path segments and query parameters', () => {
  it('reads version ids as Confluent does', () => {
    expect(versionId('latest')).toBe(LATEST);
    expect(versionId(' LATEST ')).toBe(LATEST);
    expect(versionId('-1')).toBe(LATEST);
    expect(versionId('7')).toBe(7);
    expect(versionId('2147483647')).toBe(2147483647);
    for (const text of ['0', '-2', 'abc', '2147483648', '1.0', '']) {
      expect(refused(() => versionId(text))).toEqual([422, 42202]);
    }
  });

  it('reads schema ids; one that is not a number names no schema', () => {
    expect(schemaId('12')).toBe(12);
    for (const text of ['abc', '-1', '1e3', '99999999999999999999']) {
      expect(() => schemaId(text)).toThrow(RegistryOperationError);
      expect(() => schemaId(text)).toThrow('Schema not found');
    }
  });

  it('reads flags and pages', () => {
    const query = new URLSearchParams('deleted=TRUE&permanent=yes&offset=1&limit=2');
    expect(flag(query, 'deleted')).toBe(true);
    expect(flag(query, 'permanent')).toBe(false);
    expect(flag(query, 'absent')).toBe(false);
    expect(page([1, 2, 3, 4], query)).toEqual([2, 3]);
    expect(page([1, 2, 3], new URLSearchParams('limit=-1&offset=x'))).toEqual([1, 2, 3]);
  });
});
