/**
 * Every handler checks what Kafka checks, answering the *_AUTHORIZATION_FAILED code its response has room
 * for. The client is User:ANONYMOUS; the ACLs are seeded into the data directory before the broker starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AclOperation,
  AclPermissionType,
  ApiKey,
  ErrorCode,
  PatternType,
  ResourceType,
} from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AclBinding } from '../../src/acl/acl-binding.js';
import { AclStore } from '../../src/acl/acl-store.js';
import type { BrokerOptions, RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, fetchRecords, produce } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';

const ANONYMOUS = 'User:ANONYMOUS';
const { ALLOW, DENY } = AclPermissionType;
const { TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID } = ResourceType;

function acl(
  resourceType: number,
  resourceName: string,
  operation: number,
  more: Partial<AclBinding> = {},
): AclBinding {
  return {
    resourceType,
    resourceName,
    patternType: PatternType.LITERAL,
    principal: ANONYMOUS,
    host: '*',
    operation,
    permissionType: ALLOW,
    ...more,
  };
}

const dirs: string[] = [];
async function securedBroker(acls: AclBinding[], options: BrokerOptions = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-authz-'));
  dirs.push(dataDir);
  new AclStore(dataDir).add(acls);
  return brokerWithClient({ dataDir, authorizer: { allowEveryoneIfNoAclFound: false }, ...options });
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** What the ANONYMOUS client may do in most tests below. */
const SEEDED: AclBinding[] = [
  acl(CLUSTER, 'kafka-cluster', AclOperation.CREATE),
  acl(CLUSTER, 'kafka-cluster', AclOperation.ALTER),
  acl(TOPIC, 'open', AclOperation.ALL),
  acl(TOPIC, 'app.', AclOperation.WRITE, { patternType: PatternType.PREFIXED }),
  acl(TOPIC, 'app.', AclOperation.READ, { patternType: PatternType.PREFIXED }),
  acl(TOPIC, 'app.secret', AclOperation.READ, { permissionType: DENY }),
  acl(GROUP, 'g-ok', AclOperation.READ),
  acl(TRANSACTIONAL_ID, 'tx-ok', AclOperation.WRITE),
];

let broker: RunningBroker;
let client: RawClient;

async function createTopics(names: string[]): Promise<number[]> {
  const response = await client.request(ApiKey.CreateTopics, 7, {
    topics: names.map((name) => ({
      name,
      numPartitions: 1,
      replicationFactor: -1,
      assignments: [],
      configs: [],
    })),
    timeoutMs: 5000,
    validateOnly: false,
  });
  return response.topics.map((t) => t.errorCode);
}

async function changeAcls(add: AclBinding[], remove: AclBinding[] = []) {
  // ANONYMOUS has ALTER on the cluster, so it manages ACLs itself.
  if (add.length > 0) {
    const created = await client.request(ApiKey.CreateAcls, 3, {
      creations: add.map((a) => ({ ...a, resourcePatternType: a.patternType })),
    });
    expect(created.results.every((r) => r.errorCode === ErrorCode.NONE)).toBe(true);
  }
  if (remove.length > 0) {
    await client.request(ApiKey.DeleteAcls, 3, {
      filters: remove.map((a) => ({
        resourceTypeFilter: a.resourceType,
        resourceNameFilter: a.resourceName,
        patternTypeFilter: a.patternType,
        principalFilter: a.principal,
        hostFilter: a.host,
        operation: a.operation,
        permissionType: a.permissionType,
      })),
    });
  }
}

beforeAll(async () => {
  ({ broker, client } = await securedBroker(SEEDED, { autoCreateTopics: true }));
  expect(await createTopics(['open', 'closed', 'app.orders', 'app.secret'])).toEqual([0, 0, 0, 0]);
});
afterAll(async () => {
  client?.close();
  await broker?.stop();
});

describe('Metadata', () => {
  it('leaves topics the principal may not describe out of "every topic"', async () => {
    const response = await client.request(ApiKey.Metadata, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(response.topics.map((t) => t.name).sort()).toEqual(['app.orders', 'app.secret', 'open']);
  });

  it('answers TOPIC_AUTHORIZATION_FAILED for a named topic, whether or not it exists', async () => {
    const response = await client.request(ApiKey.Metadata, 9, {
      topics: [{ name: 'closed' }, { name: 'no-such-topic' }, { name: 'open' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: true,
    });
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['closed', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['no-such-topic', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['open', ErrorCode.NONE],
    ]);
    expect(response.topics[0].partitions).toEqual([]);
    // ALL on 'open': every topic operation (READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, *_CONFIGS).
    const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS } = AclOperation;
    const bits = [READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS].reduce(
      (field, op) => field | (1 << op),
      0,
    );
    expect(response.topics[2].topicAuthorizedOperations).toBe(bits);
  });

  it('auto-creates a topic only with CREATE on the cluster or on the topic', async () => {
    const clusterCreate = acl(CLUSTER, 'kafka-cluster', AclOperation.CREATE);
    const appCreate = acl(TOPIC, 'app.', AclOperation.CREATE, { patternType: PatternType.PREFIXED });
    await changeAcls([], [clusterCreate]);
    const ask = async (name: string) =>
      (
        await client.request(ApiKey.Metadata, 9, {
          topics: [{ name }],
          allowAutoTopicCreation: true,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        })
      ).topics[0].errorCode;
    try {
      expect(await ask('app.auto')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      await changeAcls([appCreate]);
      // A prefixed ACL covers topics that did not exist when it was created.
      expect(await ask('app.auto')).toBe(ErrorCode.NONE);
    } finally {
      await changeAcls([clusterCreate], [appCreate]);
    }
  });
});

describe('Produce, Fetch, ListOffsets', () => {
  it('needs WRITE to produce; a prefixed ACL covers new topics', async () => {
    expect((await produce(client, 'closed', 0, [{ value: 'x' }])).errorCode).toBe(
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    );
    expect((await produce(client, 'open', 0, [{ value: 'x' }])).errorCode).toBe(ErrorCode.NONE);
    expect(await createTopics(['app.new'])).toEqual([0]);
    expect((await produce(client, 'app.new', 0, [{ value: 'x' }])).errorCode).toBe(ErrorCode.NONE);
  });

  it('needs READ to fetch, and a DENY beats the prefixed ALLOW', async () => {
    expect((await produce(client, 'app.secret', 0, [{ value: 's' }])).errorCode).toBe(ErrorCode.NONE);
    expect((await fetchRecords(client, 'app.secret', 0, 0)).errorCode).toBe(
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    );
    expect((await fetchRecords(client, 'closed', 0, 0)).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect((await fetchRecords(client, 'app.orders', 0, 0)).errorCode).toBe(ErrorCode.NONE);
  });

  it('needs DESCRIBE (implied by READ or WRITE) for ListOffsets', async () => {
    const response = await client.request(ApiKey.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: ['closed', 'app.secret'].map((name) => ({
        name,
        partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }],
      })),
    });
    expect(response.topics.map((t) => t.partitions[0].errorCode)).toEqual([
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      ErrorCode.NONE,
    ]);
  });

  it('needs WRITE on the transactional id for transactional batches', async () => {
    const response = await client.request(ApiKey.Produce, 9, {
      transactionalId: 'tx-closed',
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'open',
          partitionData: [
            {
              index: 0,
              records: buildBatch([{ value: 't' }], {
                producerId: 7n,
                producerEpoch: 0,
                transactional: true,
              }),
            },
          ],
        },
      ],
    });
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    );
  });
});

describe('groups', () => {
  it('FindCoordinator needs DESCRIBE on the group or transactional id', async () => {
    const find = (key: string, keyType: number) =>
      client.request(ApiKey.FindCoordinator, 4, { key: '', keyType, coordinatorKeys: [key] });
    expect((await find('g-closed', 0)).coordinators![0].errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    expect((await find('g-ok', 0)).coordinators![0].errorCode).toBe(ErrorCode.NONE);
    expect((await find('tx-closed', 1)).coordinators![0].errorCode).toBe(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    );
    expect((await find('tx-ok', 1)).coordinators![0].errorCode).toBe(ErrorCode.NONE);
  });

  it('JoinGroup, Heartbeat and ConsumerGroupHeartbeat need READ on the group', async () => {
    const join = await client.request(ApiKey.JoinGroup, 5, {
      groupId: 'g-closed',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    expect(join.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const heartbeat = await client.request(ApiKey.Heartbeat, 3, {
      groupId: 'g-closed',
      generationId: 1,
      memberId: 'm',
      groupInstanceId: null,
    });
    expect(heartbeat.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const consumerHeartbeat = await client.request(ApiKey.ConsumerGroupHeartbeat, 0, {
      groupId: 'g-closed',
      memberId: '',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 10_000,
      subscribedTopicNames: ['open'],
      serverAssignor: null,
      topicPartitions: [],
    });
    expect(consumerHeartbeat.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
  });

  it('OffsetCommit needs READ on the group and on each topic; OffsetFetch hides what may not be described', async () => {
    const commit = (groupId: string) =>
      client.request(ApiKey.OffsetCommit, 8, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: ['open', 'closed'].map((name) => ({
          name,
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' },
          ],
        })),
      });
    const denied = await commit('g-closed');
    expect(denied.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      ErrorCode.GROUP_AUTHORIZATION_FAILED,
      ErrorCode.GROUP_AUTHORIZATION_FAILED,
    ]);
    const partly = await commit('g-ok');
    expect(partly.topics.map((t) => t.partitions[0].errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    ]);
    const fetched = await client.request(ApiKey.OffsetFetch, 8, {
      groups: [
        { groupId: 'g-ok', topics: [{ name: 'closed', partitionIndexes: [0] }] },
        { groupId: 'g-ok', topics: null },
        { groupId: 'g-closed', topics: null },
      ],
      requireStable: false,
    });
    expect(fetched.groups![0].topics[0].partitions[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(fetched.groups![1].topics.map((t) => t.name)).toEqual(['open']);
    expect(fetched.groups![2].errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
  });

  it('DescribeGroups needs DESCRIBE on each group and ListGroups lists only those', async () => {
    const described = await client.request(ApiKey.DescribeGroups, 5, {
      groups: ['g-ok', 'g-closed'],
      includeAuthorizedOperations: true,
    });
    expect(described.groups.map((g) => g.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.GROUP_AUTHORIZATION_FAILED,
    ]);
    // READ on g-ok implies DESCRIBE.
    expect(described.groups[0].authorizedOperations).toBe(
      (1 << AclOperation.READ) | (1 << AclOperation.DESCRIBE),
    );
    const listed = await client.request(ApiKey.ListGroups, 4, { statesFilter: [] });
    expect(listed.groups.map((g) => g.groupId)).not.toContain('g-closed');
  });
});

describe('transactions', () => {
  it('InitProducerId needs WRITE on the transactional id', async () => {
    const init = (transactionalId: string | null) =>
      client.request(ApiKey.InitProducerId, 4, {
        transactionalId,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
    expect((await init('tx-closed')).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect((await init('tx-ok')).errorCode).toBe(ErrorCode.NONE);
    // Idempotent: WRITE on some topic is enough (KIP-679).
    expect((await init(null)).errorCode).toBe(ErrorCode.NONE);
  });

  it('AddOffsetsToTxn and EndTxn need WRITE on the transactional id', async () => {
    const add = await client.request(ApiKey.AddOffsetsToTxn, 3, {
      transactionalId: 'tx-closed',
      producerId: 1n,
      producerEpoch: 0,
      groupId: 'g-ok',
    });
    expect(add.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const addClosedGroup = await client.request(ApiKey.AddOffsetsToTxn, 3, {
      transactionalId: 'tx-ok',
      producerId: 1n,
      producerEpoch: 0,
      groupId: 'g-closed',
    });
    expect(addClosedGroup.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const end = await client.request(ApiKey.EndTxn, 3, {
      transactionalId: 'tx-closed',
      producerId: 1n,
      producerEpoch: 0,
      committed: true,
    });
    expect(end.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  });

  it('AddPartitionsToTxn (v3) needs WRITE on the transactional id and each topic', async () => {
    const add = (transactionalId: string) =>
      client.request(ApiKey.AddPartitionsToTxn, 3, {
        v3AndBelowTransactionalId: transactionalId,
        v3AndBelowProducerId: 1n,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [
          { name: 'open', partitions: [0] },
          { name: 'closed', partitions: [0] },
        ],
      });
    const denied = await add('tx-closed');
    expect(denied.resultsByTopicV3AndBelow?.map((t) => t.resultsByPartition[0].partitionErrorCode)).toEqual([
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    ]);
    const partly = await add('tx-ok');
    expect(partly.resultsByTopicV3AndBelow?.map((t) => t.resultsByPartition[0].partitionErrorCode)).toEqual([
      ErrorCode.OPERATION_NOT_ATTEMPTED,
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    ]);
  });

  it('InitProducerId of an idempotent producer needs IDEMPOTENT_WRITE or WRITE on some topic', async () => {
    const other = await securedBroker([acl(TOPIC, 'open', AclOperation.READ)]);
    try {
      const response = await other.client.request(ApiKey.InitProducerId, 4, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
      expect(response.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    } finally {
      other.client.close();
      await other.broker.stop();
    }
  });
});

describe('topic administration and configs', () => {
  it('CreateTopics needs CREATE on the cluster or the topic', async () => {
    const clusterCreate = acl(CLUSTER, 'kafka-cluster', AclOperation.CREATE);
    await changeAcls([], [clusterCreate]);
    try {
      expect(await createTopics(['x-denied'])).toEqual([ErrorCode.TOPIC_AUTHORIZATION_FAILED]);
    } finally {
      await changeAcls([clusterCreate]);
    }
  });

  it('DeleteTopics, CreatePartitions and DeleteRecords need DELETE, ALTER and DELETE on the topic', async () => {
    const deleted = await client.request(ApiKey.DeleteTopics, 4, { topicNames: ['closed'], timeoutMs: 5000 });
    expect(deleted.responses[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const grown = await client.request(ApiKey.CreatePartitions, 3, {
      topics: [
        { name: 'closed', count: 2, assignments: null },
        { name: 'open', count: 2, assignments: null },
      ],
      timeoutMs: 5000,
      validateOnly: true,
    });
    expect(grown.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      ErrorCode.NONE,
    ]);
    const records = await client.request(ApiKey.DeleteRecords, 2, {
      topics: [{ name: 'closed', partitions: [{ partitionIndex: 0, offset: 0n }] }],
      timeoutMs: 5000,
    });
    expect(records.topics[0].partitions[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it('DescribeConfigs and AlterConfigs need DESCRIBE_CONFIGS and ALTER_CONFIGS, the cluster for brokers', async () => {
    const described = await client.request(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: 2, resourceName: 'closed', configurationKeys: null },
        { resourceType: 2, resourceName: 'open', configurationKeys: ['retention.ms'] },
        { resourceType: 4, resourceName: '1', configurationKeys: null },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(described.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      ErrorCode.NONE,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    ]);
    const altered = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'closed',
          configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }],
        },
      ],
      validateOnly: true,
    });
    expect(altered.responses[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });
});

describe('super users and allow.everyone.if.no.acl.found', () => {
  const started: { broker: RunningBroker; client: RawClient }[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) {
      s.client.close();
      await s.broker.stop();
    }
  });

  it('lets a super user do everything, DENY ACLs notwithstanding', async () => {
    const s = await securedBroker([acl(TOPIC, '*', AclOperation.ALL, { permissionType: DENY })], {
      authorizer: { superUsers: [ANONYMOUS] },
    });
    started.push(s);
    await createTopic(s.client, 'anything');
    expect((await produce(s.client, 'anything', 0, [{ value: 'x' }])).errorCode).toBe(ErrorCode.NONE);
  });

  it('opens resources without ACLs with allow.everyone.if.no.acl.found, but not those with ACLs for others', async () => {
    const s = await securedBroker([acl(TOPIC, 'theirs', AclOperation.WRITE, { principal: 'User:bob' })], {
      authorizer: { allowEveryoneIfNoAclFound: true },
    });
    started.push(s);
    await createTopic(s.client, 'anything');
    expect((await produce(s.client, 'anything', 0, [{ value: 'x' }])).errorCode).toBe(ErrorCode.NONE);
    expect(
      await (async () => {
        const response = await s.client.request(ApiKey.Metadata, 9, {
          topics: [{ name: 'theirs' }],
          allowAutoTopicCreation: true,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        });
        return response.topics[0].errorCode;
      })(),
    ).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });
});
