/**
 * AlterUserScramCredentials: v0 (KIP-554).
 *
 * - Upsertions carry what the client derived (salt, iterations, salted password); the broker keeps the
 *   stored and server keys made from them. Deletions remove one mechanism's credential.
 * - One result per user, and a user's changes apply all or none: an empty name or a salt or salted password
 *   that cannot be right gets UNACCEPTABLE_CREDENTIAL, iterations outside 4096..16384 too, an unknown
 *   mechanism UNSUPPORTED_SASL_MECHANISM, the same user and mechanism twice in one request
 *   DUPLICATE_RESOURCE, deleting a credential that does not exist RESOURCE_NOT_FOUND.
 * - With a data dir, the credentials are written to disk before the answer.
 */
import { ApiKey, ErrorCode, scramMechanismName } from '@samsa/protocol';
import {
  SCRAM_MAX_ITERATIONS,
  SCRAM_MIN_ITERATIONS,
  type ScramMechanism,
  scramCredentialFromSaltedPassword,
  scramKeyLength,
} from '../security/sasl/scram.js';
import { defineHandler } from './types.js';

interface Failure {
  errorCode: number;
  errorMessage: string;
}

export const alterUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKey.AlterUserScramCredentials,
  name: 'AlterUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,

  handle(ctx, request) {
    const store = ctx.credentials;
    const users: string[] = [];
    const failures = new Map<string, Failure>();
    const seen = new Set<string>();
    const fail = (user: string, errorCode: number, errorMessage: string) => {
      if (!failures.has(user)) failures.set(user, { errorCode, errorMessage });
    };
    const check = (user: string, type: number): ScramMechanism | undefined => {
      if (!users.includes(user)) users.push(user);
      const mechanism = scramMechanismName(type);
      if (user === '') fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
      else if (!mechanism) fail(user, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
      else if (seen.has(`${mechanism}/${user}`)) {
        fail(
          user,
          ErrorCode.DUPLICATE_RESOURCE,
          'A user credential cannot be altered twice in the same request',
        );
      }
      if (mechanism) seen.add(`${mechanism}/${user}`);
      return mechanism;
    };
    for (const deletion of request.deletions) {
      const mechanism = check(deletion.name, deletion.mechanism);
      if (mechanism && !store.scramCredential(deletion.name, mechanism)) {
        fail(
          deletion.name,
          ErrorCode.RESOURCE_NOT_FOUND,
          'Attempt to delete a user credential that does not exist',
        );
      }
    }
    for (const upsertion of request.upsertions) {
      const mechanism = check(upsertion.name, upsertion.mechanism);
      if (upsertion.iterations < SCRAM_MIN_ITERATIONS) {
        fail(
          upsertion.name,
          ErrorCode.UNACCEPTABLE_CREDENTIAL,
          `Too few iterations: at least ${SCRAM_MIN_ITERATIONS}`,
        );
      } else if (upsertion.iterations > SCRAM_MAX_ITERATIONS) {
        fail(
          upsertion.name,
          ErrorCode.UNACCEPTABLE_CREDENTIAL,
          `Too many iterations: at most ${SCRAM_MAX_ITERATIONS}`,
        );
      } else if (upsertion.salt.length === 0) {
        fail(upsertion.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'The salt must not be empty');
      } else if (mechanism && upsertion.saltedPassword.length !== scramKeyLength(mechanism)) {
        fail(
          upsertion.name,
          ErrorCode.UNACCEPTABLE_CREDENTIAL,
          `A ${mechanism} salted password has ${scramKeyLength(mechanism)} bytes`,
        );
      }
    }
    let changed = false;
    for (const deletion of request.deletions) {
      if (failures.has(deletion.name)) continue;
      changed = store.deleteScram(deletion.name, scramMechanismName(deletion.mechanism)!) || changed;
    }
    for (const upsertion of request.upsertions) {
      if (failures.has(upsertion.name)) continue;
      const mechanism = scramMechanismName(upsertion.mechanism)!;
      store.upsertScram(
        upsertion.name,
        mechanism,
        scramCredentialFromSaltedPassword(
          mechanism,
          upsertion.salt,
          upsertion.iterations,
          upsertion.saltedPassword,
        ),
      );
      changed = true;
    }
    if (changed) store.save();
    return {
      throttleTimeMs: 0,
      results: users.map((user) => {
        const failure = failures.get(user);
        return {
          user,
          errorCode: failure?.errorCode ?? ErrorCode.NONE,
          errorMessage: failure?.errorMessage ?? null,
        };
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    results: [...new Set([...request.deletions, ...request.upsertions].map((c) => c.name))].map((user) => ({
      user,
      errorCode,
      errorMessage: null,
    })),
  }),
});
