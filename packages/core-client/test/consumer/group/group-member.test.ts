/**
 * GroupMember: a group with a protocol of its own (here a leader election like a schema registry's),
 * first against a fake coordinator, then against broker-dev with members coming and going.
 */
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupMember, type GroupMemberConfig } from '../../../src/consumer/group/group-member.js';
import { ConfigurationError, ErrorCode } from '../../../src/index.js';
import { nullLogger } from '../../../src/logger.js';
import { type Fixture, startFixture } from '../../helpers/broker-fixture.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

/** Each member advertises its name; the group leader makes the smallest name everyone's leader. */
function election(name: string, groupId: string, log: string[] = []) {
  const state = { leader: null as string | null, generations: 0, revoked: [] as string[] };
  const config: GroupMemberConfig = {
    groupId,
    protocolType: 'election',
    protocols: () => [{ name: 'v0', metadata: JSON.stringify({ name }) }],
    assign: ({ members }) => {
      const names = members.map((m) => JSON.parse(m.metadata.toString()).name as string).sort();
      log.push(`${name} assigned ${names.join(',')}`);
      return Object.fromEntries(members.map((m) => [m.memberId, names[0]!]));
    },
    onAssigned: ({ assignment }) => {
      state.leader = assignment.toString();
      state.generations++;
    },
    onRevoked: (reason) => {
      state.leader = null;
      state.revoked.push(reason);
    },
    sessionTimeoutMs: 3000,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 5000,
  };
  return { config, state };
}

describe('GroupMember against a fake coordinator', () => {
  it('joins with its protocol type and metadata, assigns as group leader and hands over the bytes', async () => {
    const cluster = new FakeCluster();
    cluster
      .on(ApiKey.JoinGroup, (req) => {
        expect(req.protocolType).toBe('election');
        expect(req.protocols).toEqual([{ name: 'v0', metadata: Buffer.from('{"name":"a"}') }]);
        if (req.memberId === '')
          return {
            throttleTimeMs: 0,
            errorCode: ErrorCode.MEMBER_ID_REQUIRED,
            generationId: -1,
            protocolType: 'election',
            protocolName: null,
            leader: '',
            skipAssignment: false,
            memberId: 'm-a',
            members: [],
          };
        return {
          throttleTimeMs: 0,
          errorCode: 0,
          generationId: 3,
          protocolType: 'election',
          protocolName: 'v0',
          leader: 'm-a',
          skipAssignment: false,
          memberId: 'm-a',
          members: [
            { memberId: 'm-a', groupInstanceId: null, metadata: Buffer.from('{"name":"a"}') },
            { memberId: 'm-b', groupInstanceId: null, metadata: Buffer.from('{"name":"b"}') },
          ],
        };
      })
      .on(ApiKey.SyncGroup, (req) => {
        expect(req.protocolType).toBe('election');
        expect(req.assignments.map((a) => [a.memberId, a.assignment.toString()])).toEqual([
          ['m-a', 'a'],
          ['m-b', 'a'],
        ]);
        return {
          throttleTimeMs: 0,
          errorCode: 0,
          protocolType: 'election',
          protocolName: 'v0',
          assignment: req.assignments[0]!.assignment,
        };
      })
      .on(ApiKey.Heartbeat, () => ({ throttleTimeMs: 0, errorCode: 0 }))
      .on(ApiKey.LeaveGroup, () => ({ throttleTimeMs: 0, errorCode: 0, members: [] }));
    const fakeClient = {
      createCluster: () =>
        Object.assign(cluster, {
          connect: async () => {},
          disconnect: async () => {},
          config: { requestTimeoutMs: 1000, metadataMaxAgeMs: 60_000, clientId: 't', logger: nullLogger },
        }),
    };
    const { config, state } = election('a', 'g');
    const member = new GroupMember(fakeClient, config);
    await member.start();
    expect(state.leader).toBe('a');
    expect(member.memberId).toBe('m-a');
    expect(member.generationId).toBe(3);
    await member.stop();
    expect(state.revoked).toEqual(['stop']);
    expect(cluster.requests(ApiKey.LeaveGroup)).toHaveLength(1);
  });

  it('checks its options', () => {
    const client = { createCluster: () => new FakeCluster() as never };
    const { config } = election('a', 'g');
    expect(() => new GroupMember(client, { ...config, protocolType: '' })).toThrow(ConfigurationError);
    expect(() => new GroupMember(client, { ...config, heartbeatIntervalMs: 5000 })).toThrow(
      /sessionTimeoutMs/,
    );
    expect(() => new GroupMember(client, { ...config, sesionTimeoutMs: 1 } as never)).toThrow(
      /unknown option 'sesionTimeoutMs' \(did you mean 'sessionTimeoutMs'\?\)/,
    );
  });
});

describe('GroupMember on broker-dev', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture({ brokers: 1, partitions: 1 });
  }, 30_000);
  afterAll(async () => {
    await fx?.stop();
  });

  it('members agree on the leader; when it leaves, the rest re-elect; a newcomer joins the agreement', async () => {
    const log: string[] = [];
    const a = election('a', 'elect', log);
    const b = election('b', 'elect', log);
    const c = election('c', 'elect', log);
    const ma = new GroupMember(fx.kafka, a.config);
    const mb = new GroupMember(fx.kafka, b.config);
    const mc = new GroupMember(fx.kafka, c.config);
    await mb.start();
    expect(b.state.leader).toBe('b');
    await Promise.all([ma.start(), mc.start()]);
    await waitFor('every member to follow a', () => [a, b, c].every((m) => m.state.leader === 'a'), {
      timeoutMs: 10_000,
    });
    expect(new Set([ma.generationId, mb.generationId, mc.generationId]).size).toBe(1);
    expect(b.state.revoked).toContain('rebalance');

    await ma.stop();
    await waitFor('b elected after a left', () => [b, c].every((m) => m.state.leader === 'b'), {
      timeoutMs: 10_000,
    });
    expect(a.state.revoked.at(-1)).toBe('stop');

    const admin = fx.kafka.admin();
    await admin.connect();
    const { groups } = await admin.describeGroups(['elect']);
    expect(groups[0]!.protocolType).toBe('election');
    expect(groups[0]!.members).toHaveLength(2);
    await Promise.all([mb.stop(), mc.stop()]);
    expect((await admin.describeGroups(['elect'])).groups[0]!.members).toHaveLength(0);
    await admin.disconnect();
  }, 40_000);
});
