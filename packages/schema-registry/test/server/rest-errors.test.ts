import { describe, expect, it } from 'vitest';
import { RegistryErrors } from '../../src/server/registry/errors.js';
import { restErrorOf } from '../../src/server/rest-errors.js';

describe('restErrorOf', () => {
  it.each([
    [RegistryErrors.subjectNotFound('s'), 404, 40401],
    [RegistryErrors.versionNotFound(3), 404, 40402],
    [RegistryErrors.schemaNotFound(9), 404, 40403],
    [RegistryErrors.subjectSoftDeleted('s'), 404, 40404],
    [RegistryErrors.subjectNotSoftDeleted('s'), 404, 40405],
    [RegistryErrors.versionSoftDeleted('s', 1), 404, 40406],
    [RegistryErrors.versionNotSoftDeleted('s', 1), 404, 40407],
    [RegistryErrors.subjectCompatibilityNotConfigured('s'), 404, 40408],
    [RegistryErrors.subjectModeNotConfigured('s'), 404, 40409],
    [RegistryErrors.invalidSchema('Empty schema'), 422, 42201],
    [RegistryErrors.operationNotPermitted('read-only'), 422, 42205],
    [RegistryErrors.referenceExists('s', 1), 422, 42206],
    [RegistryErrors.idConflict(4), 422, 42207],
    [RegistryErrors.invalidSubject(' '), 422, 42208],
    [RegistryErrors.schemaTooLarge(10), 422, 42209],
    [RegistryErrors.contextNotEmpty('.'), 422, 42211],
  ])('maps %s to HTTP %i, error_code %i, keeping the message', (error, status, errorCode) => {
    const rest = restErrorOf(error, 40901);
    expect(rest.status).toBe(status);
    expect(rest.toBody()).toEqual({ error_code: errorCode, message: error.message });
  });

  it('answers an incompatible schema with 409 and the configured error_code', () => {
    const error = RegistryErrors.incompatibleSchema('orders-value', ['{oldSchemaVersion: 1}']);
    expect(error.message).toBe(
      'Schema being registered is incompatible with an earlier schema for subject "orders-value", details: [{oldSchemaVersion: 1}]',
    );
    expect(restErrorOf(error, 40901)).toMatchObject({ status: 409, errorCode: 40901 });
    expect(restErrorOf(error, 409)).toMatchObject({ status: 409, errorCode: 409 });
  });
});
