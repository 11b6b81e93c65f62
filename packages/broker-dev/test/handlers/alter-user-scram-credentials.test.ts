/**
 * AlterUserScramCredentials and DescribeUserScramCredentials (KIP-554) with raw requests: upserting a
 * credential a client derived lets that user authenticate with it, deleting takes it away, the errors Kafka
 * gives per user, and credentials kept in the data dir across restarts.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKey, ErrorCode, ScramMechanism } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { TestScramClient } from '../helpers/scram-client.js';

function upsertion(
  name: string,
  password: string,
  mechanism: number = ScramMechanism.SCRAM_SHA_256,
  iterations = 4096,
) {
  const salt = randomBytes(16);
  const [hash, length] = mechanism === ScramMechanism.SCRAM_SHA_512 ? ['sha512', 64] : ['sha256', 32];
  return {
    name,
    mechanism,
    iterations,
    salt,
    saltedPassword: pbkdf2Sync(password, salt, iterations, length, hash),
  };
}

async function scramLogin(
  address: string,
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
  user: string,
  password: string,
) {
  const client = await RawClient.connect(address);
  await client.request(ApiKey.SaslHandshake, 1, { mechanism });
  const scram = new TestScramClient(mechanism, user, password);
  const first = await client.request(ApiKey.SaslAuthenticate, 2, { authBytes: scram.clientFirst() });
  let code = first.errorCode;
  if (code === ErrorCode.NONE) {
    const final = await client.request(ApiKey.SaslAuthenticate, 2, {
      authBytes: scram.clientFinal(first.authBytes),
    });
    code = final.errorCode;
    if (code === ErrorCode.NONE) scram.verifyServerFinal(final.authBytes);
  }
  client.close();
  return code;
}

let broker: RunningBroker;
let admin: RawClient;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-scram-'));
  broker = await startBroker({
    dataDir,
    listeners: ['PLAINTEXT://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0'],
    sasl: { users: { alice: 'alice-secret' }, failedAuthenticationDelayMs: 0 },
  });
  admin = await RawClient.connect(broker.bootstrapFor('PLAINTEXT')[0]);
});
afterAll(async () => {
  admin?.close();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const describeUsers = (names: string[] | null) =>
  admin.request(ApiKey.DescribeUserScramCredentials, 0, { users: names?.map((name) => ({ name })) ?? null });

describe('SCRAM credentials', () => {
  it('describes the users given at start, with both mechanisms and never their keys', async () => {
    const all = await describeUsers(null);
    expect(all.results).toEqual([
      {
        user: 'alice',
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        credentialInfos: [
          { mechanism: ScramMechanism.SCRAM_SHA_256, iterations: 4096 },
          { mechanism: ScramMechanism.SCRAM_SHA_512, iterations: 4096 },
        ],
      },
    ]);
    const some = await describeUsers(['nobody', 'alice', 'alice']);
    expect(some.results.map((r) => [r.user, r.errorCode])).toEqual([
      ['nobody', ErrorCode.RESOURCE_NOT_FOUND],
      ['alice', ErrorCode.DUPLICATE_RESOURCE],
    ]);
  });

  it('adds a credential a client derived, which then authenticates; deleting it takes it away', async () => {
    const address = broker.bootstrapFor('SASL_PLAINTEXT')[0];
    const altered = await admin.request(ApiKey.AlterUserScramCredentials, 0, {
      deletions: [],
      upsertions: [upsertion('carol', 'carol-secret', ScramMechanism.SCRAM_SHA_512, 8192)],
    });
    expect(altered.results).toEqual([{ user: 'carol', errorCode: ErrorCode.NONE, errorMessage: null }]);
    expect(await scramLogin(address, 'SCRAM-SHA-512', 'carol', 'carol-secret')).toBe(ErrorCode.NONE);
    expect(await scramLogin(address, 'SCRAM-SHA-256', 'carol', 'carol-secret')).toBe(
      ErrorCode.SASL_AUTHENTICATION_FAILED,
    );
    expect((await describeUsers(['carol'])).results[0].credentialInfos).toEqual([
      { mechanism: ScramMechanism.SCRAM_SHA_512, iterations: 8192 },
    ]);
    await admin.request(ApiKey.AlterUserScramCredentials, 0, {
      deletions: [{ name: 'carol', mechanism: ScramMechanism.SCRAM_SHA_512 }],
      upsertions: [],
    });
    expect(await scramLogin(address, 'SCRAM-SHA-512', 'carol', 'carol-secret')).toBe(
      ErrorCode.SASL_AUTHENTICATION_FAILED,
    );
    expect((await describeUsers(['carol'])).results[0].errorCode).toBe(ErrorCode.RESOURCE_NOT_FOUND);
  });

  it('answers each user with the error Kafka gives, and applies nothing for a user with one', async () => {
    const response = await admin.request(ApiKey.AlterUserScramCredentials, 0, {
      deletions: [
        { name: 'ghost', mechanism: ScramMechanism.SCRAM_SHA_256 },
        { name: 'dave', mechanism: ScramMechanism.UNKNOWN },
      ],
      upsertions: [
        upsertion('erin', 'x', ScramMechanism.SCRAM_SHA_256, 100),
        upsertion('frank', 'x', ScramMechanism.SCRAM_SHA_256, 20_000),
        upsertion('', 'x'),
        upsertion('gina', 'x'),
        upsertion('gina', 'y'),
        { ...upsertion('hal', 'x'), saltedPassword: Buffer.alloc(3) },
        upsertion('dave', 'x'),
      ],
    });
    expect(Object.fromEntries(response.results.map((r) => [r.user, r.errorCode]))).toEqual({
      ghost: ErrorCode.RESOURCE_NOT_FOUND,
      dave: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      erin: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      frank: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      '': ErrorCode.UNACCEPTABLE_CREDENTIAL,
      gina: ErrorCode.DUPLICATE_RESOURCE,
      hal: ErrorCode.UNACCEPTABLE_CREDENTIAL,
    });
    // dave's valid upsertion was not applied: his request also had a bad deletion.
    expect((await describeUsers(['dave', 'gina'])).results.map((r) => r.errorCode)).toEqual([
      ErrorCode.RESOURCE_NOT_FOUND,
      ErrorCode.RESOURCE_NOT_FOUND,
    ]);
  });

  it('keeps credentials changed through the API across a restart with a data dir', async () => {
    await admin.request(ApiKey.AlterUserScramCredentials, 0, {
      deletions: [],
      upsertions: [upsertion('ivan', 'ivan-secret')],
    });
    admin.close();
    await broker.stop();
    // A new broker on the same data dir: the credential comes back from disk.
    broker = await startBroker({
      dataDir,
      listeners: ['PLAINTEXT://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0'],
    });
    admin = await RawClient.connect(broker.bootstrapFor('PLAINTEXT')[0]);
    expect(
      await scramLogin(broker.bootstrapFor('SASL_PLAINTEXT')[0], 'SCRAM-SHA-256', 'ivan', 'ivan-secret'),
    ).toBe(ErrorCode.NONE);
  });
});
