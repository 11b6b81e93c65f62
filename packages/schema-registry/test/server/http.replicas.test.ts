import { afterEach, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import type { RegistryRecord } from '../../src/server/records.js';
import { MemoryRegistryLog, StaticLeaderElection } from '../../src/server/store.js';
import { httpClient, recordSchema } from './helpers.js';

// Two instances on one log: the follower serves reads from its own replay and forwards writes to the leader, as
// Confluent's followers do. (The Kafka-backed log and group election plug into the same two interfaces.)

const schema = recordSchema('Event', [{ name: 'id', type: 'string' }]);
const servers: RegistryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function pair() {
  const log = new MemoryRegistryLog();
  const leader = await startRegistryServer({ port: 0, log });
  servers.push(leader);
  const follower = await startRegistryServer({
    port: 0,
    log,
    election: new StaticLeaderElection({ leaderUrl: leader.url, isLeader: false }),
  });
  servers.push(follower);
  return { leader, follower, log };
}

describe('leader and follower', () => {
  it('forwards writes to the leader and both instances agree', async () => {
    const { leader, follower } = await pair();
    const viaFollower = httpClient(follower.url);
    const viaLeader = httpClient(leader.url);
    expect((await viaFollower('POST', '/subjects/e/versions', { schema })).body).toEqual({ id: 1 });
    expect((await viaFollower('PUT', '/config/e', { compatibility: 'FULL' })).body).toEqual({
      compatibility: 'FULL',
    });
    for (const call of [viaFollower, viaLeader]) {
      expect((await call('GET', '/subjects/e/versions/1')).body).toMatchObject({ id: 1, version: 1 });
      expect((await call('GET', '/config/e')).body).toEqual({ compatibilityLevel: 'FULL' });
    }
    // Errors from the leader come back unchanged.
    const bad = recordSchema('Event', [{ name: 'x', type: 'int' }]);
    expect((await viaFollower('POST', '/subjects/e/versions', { schema: bad })).status).toBe(409);
  });

  it('answers 50004 without a known leader and 50003 when the leader is unreachable', async () => {
    const log = new MemoryRegistryLog();
    const orphan = await startRegistryServer({
      port: 0,
      log,
      election: new StaticLeaderElection({ leaderUrl: undefined, isLeader: false }),
    });
    servers.push(orphan);
    const unreachable = await startRegistryServer({
      port: 0,
      log,
      election: new StaticLeaderElection({ leaderUrl: 'http://127.0.0.1:1', isLeader: false }),
      forwardTimeoutMs: 2000,
    });
    servers.push(unreachable);
    expect((await httpClient(orphan.url)('POST', '/subjects/e/versions', { schema })).body.error_code).toBe(
      50004,
    );
    expect(
      (await httpClient(unreachable.url)('POST', '/subjects/e/versions', { schema })).body.error_code,
    ).toBe(50003);
    // Reads still work on followers without a leader.
    expect((await httpClient(orphan.url)('GET', '/subjects')).body).toEqual([]);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests and refuses new connections after close', async () => {
    // The append waits until close() has begun, so the request is certainly in flight when it does.
    let appendStarted!: () => void;
    const appending = new Promise<void>((resolve) => {
      appendStarted = resolve;
    });
    let closing: Promise<void> | undefined;
    class SlowLog extends MemoryRegistryLog {
      override async append(records: readonly RegistryRecord[]): Promise<void> {
        appendStarted();
        while (closing === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
        return super.append(records);
      }
    }
    const server = await startRegistryServer({ port: 0, log: new SlowLog() });
    const call = httpClient(server.url);
    const inFlight = call('POST', '/subjects/e/versions', { schema });
    await appending;
    closing = server.close();
    await closing;
    expect((await inFlight).status).toBe(200);
    await expect(call('GET', '/subjects')).rejects.toThrow();
  });
});
