/**
 * DescribeUserScramCredentials: v0 (KIP-554).
 *
 * - No users (null or empty): every user with a SCRAM credential, each with its mechanisms and iterations
 *   (never salts or keys).
 * - A named user without any: RESOURCE_NOT_FOUND for that user; a user named twice: DUPLICATE_RESOURCE.
 */
import { ApiKey, ErrorCode, ScramMechanism as ScramMechanismCode } from '@samsa/protocol';
import type { ScramMechanism } from '../security/sasl/scram.js';
import { defineHandler } from './types.js';

const MECHANISM_TYPE: Record<ScramMechanism, number> = {
  'SCRAM-SHA-256': ScramMechanismCode.SCRAM_SHA_256,
  'SCRAM-SHA-512': ScramMechanismCode.SCRAM_SHA_512,
};

export const describeUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKey.DescribeUserScramCredentials,
  name: 'DescribeUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,

  handle(ctx, request) {
    const store = ctx.credentials;
    const names = request.users?.map((u) => u.name) ?? [];
    const counts = new Map<string, number>();
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
    const described = store.describe(names.length === 0 ? undefined : [...counts.keys()]);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: described.map(({ user, credentials }) => {
        if ((counts.get(user) ?? 0) > 1) {
          return {
            user,
            errorCode: ErrorCode.DUPLICATE_RESOURCE,
            errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request',
            credentialInfos: [],
          };
        }
        if (credentials.length === 0) {
          return {
            user,
            errorCode: ErrorCode.RESOURCE_NOT_FOUND,
            errorMessage: 'Attempt to describe a user credential that does not exist',
            credentialInfos: [],
          };
        }
        return {
          user,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          credentialInfos: credentials.map((c) => ({
            mechanism: MECHANISM_TYPE[c.mechanism],
            iterations: c.iterations,
          })),
        };
      }),
    };
  },

  errorResponse: (_ctx, _request, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage: null,
    results: [],
  }),
});
