/**
 * SCRAM credential management (KIP-554) against the fake broker, whose SCRAM login uses the credentials
 * stored through AlterUserScramCredentials: a user created here can log in only if the client salted
 * and hashed the password as Kafka does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConfigurationError,
  Kafka,
  KafkaProtocolError,
  LogLevel,
} from '../../src/index.js';
import { type FakeBroker, startFakeBroker } from '../helpers/fake-broker.js';

let fake: FakeBroker | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

function client(mechanism: 'scram-sha-256' | 'scram-sha-512', username: string, password: string): Kafka {
  return new Kafka({
    brokers: fake!.bootstrap,
    sasl: { mechanism, username, password },
    logLevel: LogLevel.NOTHING,
    retry: { retries: 0 },
  });
}

async function canLogIn(kafka: Kafka): Promise<boolean | unknown> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch (err) {
    return err;
  } finally {
    await admin.disconnect();
  }
}

describe('SCRAM credential management', () => {
  it('creates credentials a client can then log in with, describes and deletes them', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { admin: 'admin-secret' } });
    const admin = client('scram-sha-512', 'admin', 'admin-secret').admin();
    await admin.connect();
    try {
      await admin.alterUserScramCredentials({
        upsertions: [
          { user: 'bob', mechanism: 'SCRAM-SHA-512', password: 'builder', iterations: 8192 },
          { user: 'bob', mechanism: 'scram-sha-256', password: 'builder-256' },
        ],
      });
      expect(await canLogIn(client('scram-sha-512', 'bob', 'builder'))).toBe(true);
      expect(await canLogIn(client('scram-sha-256', 'bob', 'builder-256'))).toBe(true);
      expect(await canLogIn(client('scram-sha-512', 'bob', 'wrong'))).toBeInstanceOf(AuthenticationError);

      const described = await admin.describeUserScramCredentials(['bob', 'nobody']);
      expect(described).toEqual([
        {
          user: 'bob',
          credentials: expect.arrayContaining([
            { mechanism: 'SCRAM-SHA-512', iterations: 8192 },
            { mechanism: 'SCRAM-SHA-256', iterations: 4096 },
          ]),
        },
        { user: 'nobody', credentials: [] },
      ]);
      expect((await admin.describeUserScramCredentials()).map((d) => d.user)).toEqual(['bob']);

      await admin.alterUserScramCredentials({ deletions: [{ user: 'bob', mechanism: 'SCRAM-SHA-512' }] });
      expect(await canLogIn(client('scram-sha-512', 'bob', 'builder'))).toBeInstanceOf(AuthenticationError);
      expect(await admin.describeUserScramCredentials(['bob'])).toEqual([
        { user: 'bob', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }] },
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('uses a given salt, so the stored salted password is the SCRAM Hi() of the password', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { admin: 'admin-secret' } });
    const admin = client('scram-sha-256', 'admin', 'admin-secret').admin();
    await admin.connect();
    try {
      const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
      await admin.alterUserScramCredentials({
        upsertions: [
          { user: 'user', mechanism: 'SCRAM-SHA-256', password: 'pencil', salt, iterations: 4096 },
        ],
      });
      // RFC 7677's example: SaltedPassword for "pencil" with this salt and 4096 iterations.
      const stored = fake.scramCredentials.get('user\0sha256')!;
      expect(stored.salt).toEqual(salt);
      expect(stored.saltedPassword.toString('hex')).toBe(
        'c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d',
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('names the users whose alteration the broker refused, and checks input first', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { admin: 'admin-secret' } });
    const admin = client('scram-sha-256', 'admin', 'admin-secret').admin();
    await admin.connect();
    try {
      const err = await admin
        .alterUserScramCredentials({ deletions: [{ user: 'ghost', mechanism: 'SCRAM-SHA-256' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaProtocolError);
      expect((err as Error).message).toMatch(/RESOURCE_NOT_FOUND.*user ghost/);

      const bad = (alterations: unknown) => admin.alterUserScramCredentials(alterations as never);
      await expect(bad({})).rejects.toThrow(ConfigurationError);
      await expect(
        bad({ upsertions: [{ user: 'u', mechanism: 'SCRAM-SHA-1', password: 'p' }] }),
      ).rejects.toThrow(/SCRAM-SHA-256' or 'SCRAM-SHA-512/);
      await expect(
        bad({ upsertions: [{ user: 'u', mechanism: 'SCRAM-SHA-256', password: 'p', iterations: 1000 }] }),
      ).rejects.toThrow(/4096\.\.16384/);
      await expect(
        bad({ upsertions: [{ user: '', mechanism: 'SCRAM-SHA-256', password: 'p' }] }),
      ).rejects.toThrow(/user/);
    } finally {
      await admin.disconnect();
    }
  });
});
