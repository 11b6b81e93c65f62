import { waitFor } from '@samsa/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, recordSchema } from '../helpers.js';
import { type Broker, snapshot, startKafka, startKafkaRegistry, type TestRegistry } from './fixture.js';

// Two registry instances on one topic and one election group: they agree on every id and read, writes sent to the
// follower reach the leader, and when the leader goes the other one takes over.

let broker: Broker;
const running: TestRegistry[] = [];
let topicSeq = 0;

beforeAll(async () => {
  broker = await startKafka();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.server.close()));
});
afterAll(async () => {
  await broker?.stop();
});

/** Two instances with their own topic and group, so tests do not see each other's schemas. */
async function pair() {
  const names = { topic: `_schemas_pair_${++topicSeq}`, groupId: `registry-pair-${topicSeq}` };
  const a = await startKafkaRegistry(broker, names);
  running.push(a);
  const b = await startKafkaRegistry(broker, names);
  running.push(b);
  await waitFor(
    'both instances to know the same leader',
    () =>
      a.server.election.leaderUrl() !== undefined &&
      a.server.election.leaderUrl() === b.server.election.leaderUrl(),
    { timeoutMs: 10_000 },
  );
  const [leader, follower] = a.server.election.isLeader() ? [a, b] : [b, a];
  return { leader, follower, names };
}

const schema = (name: string, fields: unknown[] = []) => recordSchema(name, fields);

describe('two registry instances on the dev broker', () => {
  it('elect one leader (the smallest URL), forward writes from the follower, and agree on ids and reads', async () => {
    const { leader, follower } = await pair();
    expect(leader.server.election.isLeader()).toBe(true);
    expect(follower.server.election.isLeader()).toBe(false);
    expect(leader.url < follower.url).toBe(true);
    expect(follower.server.election.leaderUrl()).toBe(leader.url);

    const viaFollower = httpClient(follower.url);
    const viaLeader = httpClient(leader.url);
    expect((await viaFollower('POST', '/subjects/a/versions', { schema: schema('A') })).body).toEqual({
      id: 1,
    });
    // The follower answers its own reads with the write in them (it waited for its replica to catch up).
    expect((await viaFollower('GET', '/subjects/a/versions/latest')).body).toMatchObject({
      id: 1,
      version: 1,
    });
    expect((await viaFollower('PUT', '/config/a', { compatibility: 'NONE' })).status).toBe(200);
    expect((await viaLeader('GET', '/config/a')).body).toEqual({ compatibilityLevel: 'NONE' });
    // Errors decided by the leader come back through the follower unchanged.
    const bad = await viaFollower('POST', '/subjects/a/versions', { schema: '{"type":"nope"}' });
    expect(bad).toMatchObject({ status: 422, body: { error_code: 42201 } });

    // Concurrent writes through both instances: one id per distinct schema, the same everywhere.
    expect((await viaFollower('PUT', '/config', { compatibility: 'NONE' })).status).toBe(200);
    const writes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? viaFollower : viaLeader)('POST', `/subjects/s-${i % 4}/versions`, {
          schema: schema(`S${i % 6}`),
        }),
      ),
    );
    expect(writes.map((w) => w.status)).toEqual(writes.map(() => 200));
    const idOf = new Map<string, number>();
    writes.forEach((w, i) => {
      const known = idOf.get(`S${i % 6}`);
      if (known !== undefined) expect(w.body.id).toBe(known);
      idOf.set(`S${i % 6}`, w.body.id);
    });
    expect(new Set(idOf.values()).size).toBe(6);
    const ids = [1, ...idOf.values(), 99];
    await waitFor(
      'both instances to read the same',
      async () =>
        JSON.stringify(await snapshot(leader.url, ids)) === JSON.stringify(await snapshot(follower.url, ids)),
      { timeoutMs: 10_000 },
    );
  }, 60_000);

  it('when the leader stops, the follower is elected and writes keep working; a newcomer follows', async () => {
    const { leader, follower, names } = await pair();
    const viaFollower = httpClient(follower.url);
    expect((await viaFollower('POST', '/subjects/f/versions', { schema: schema('F1') })).body).toEqual({
      id: 1,
    });

    running.splice(running.indexOf(leader), 1);
    await leader.server.close();
    // The write waits out the election instead of failing with 50004.
    const during = await viaFollower('POST', '/subjects/f/versions', {
      schema: schema('F1', [{ name: 'x', type: ['null', 'int'], default: null }]),
    });
    expect(during.status, during.text).toBe(200);
    expect(during.body).toEqual({ id: 2 });
    expect(follower.server.election.isLeader()).toBe(true);
    expect(follower.lines.some((line) => line.includes('is the leader'))).toBe(true);

    // A new instance catches up from the topic and follows the new leader (or leads, by URL order).
    const newcomer = await startKafkaRegistry(broker, names);
    running.push(newcomer);
    await waitFor(
      'the newcomer to agree on the leader',
      () =>
        newcomer.server.election.leaderUrl() !== undefined &&
        newcomer.server.election.leaderUrl() === follower.server.election.leaderUrl(),
      { timeoutMs: 10_000 },
    );
    const viaNewcomer = httpClient(newcomer.url);
    expect((await viaNewcomer('GET', '/subjects/f/versions')).body).toEqual([1, 2]);
    expect((await viaNewcomer('POST', '/subjects/g/versions', { schema: schema('G') })).body).toEqual({
      id: 3,
    });
    expect((await viaFollower('GET', '/schemas/ids/3')).status).toBe(200);
  }, 60_000);

  it('an instance that may not lead serves reads and forwards writes, and none leads without an eligible one', async () => {
    const names = { topic: `_schemas_pair_${++topicSeq}`, groupId: `registry-pair-${topicSeq}` };
    const reader = await startKafkaRegistry(broker, { ...names, leaderEligibility: false });
    running.push(reader);
    expect(reader.server.election.leaderUrl()).toBeUndefined();
    expect(reader.lines.some((line) => line.includes('no leader-eligible'))).toBe(true);
    const writer = await startKafkaRegistry(broker, names);
    running.push(writer);
    await waitFor('the eligible one to lead', () => reader.server.election.leaderUrl() === writer.url, {
      timeoutMs: 10_000,
    });
    expect(writer.server.election.isLeader()).toBe(true);
    expect(
      (await httpClient(reader.url)('POST', '/subjects/r/versions', { schema: schema('R') })).body,
    ).toEqual({
      id: 1,
    });
  }, 60_000);
});
