/** Valid requests of every served API, as seeds for mutation fuzzing (none touches the witness topic). */

import {
  AclOperation,
  AclPermissionType,
  encodeRequest,
  PatternType,
  type RequestBodies,
  ResourceType,
} from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';

type Key = keyof RequestBodies;

const partitions = [
  {
    partitionIndex: 0,
    currentLeaderEpoch: -1,
    timestamp: -1n,
    committedOffset: 3n,
    committedLeaderEpoch: -1,
    commitTimestamp: -1n,
    committedMetadata: 'm',
    offset: 1n,
  },
];
const protocols = [
  { name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 7, ...Buffer.from('scratch'), 0, 0, 0, 0]) },
];

const bodies: { [K in Key]?: RequestBodies[K] } = {
  0: {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [
      {
        name: 'scratch',
        partitionData: [
          {
            index: 0,
            records: buildBatch([
              { key: 'k', value: 'v' },
              { key: null, value: 'w' },
            ]),
          },
        ],
      },
    ],
  },
  1: {
    replicaId: -1,
    maxWaitMs: 20,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 'scratch',
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0n,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  },
  2: { replicaId: -1, isolationLevel: 0, topics: [{ name: 'scratch', partitions }] },
  3: {
    topics: [{ name: 'scratch', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    allowAutoTopicCreation: true,
    includeTopicAuthorizedOperations: false,
    includeClusterAuthorizedOperations: false,
  },
  8: {
    groupId: 'fuzz-group',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [{ name: 'scratch', partitions }],
  },
  9: {
    groupId: 'fuzz-group',
    topics: [{ name: 'scratch', partitionIndexes: [0] }],
    groups: [{ groupId: 'fuzz-group', memberId: null, memberEpoch: -1, topics: null }],
    requireStable: false,
  },
  10: { key: 'fuzz-group', keyType: 0, coordinatorKeys: ['fuzz-group'] },
  11: {
    groupId: 'fuzz-group',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 200,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols,
    reason: null,
  },
  12: { groupId: 'fuzz-group', generationId: 1, memberId: 'm', groupInstanceId: null },
  13: {
    groupId: 'fuzz-group',
    memberId: 'm',
    members: [{ memberId: 'm', groupInstanceId: null, reason: null }],
  },
  14: {
    groupId: 'fuzz-group',
    generationId: 1,
    memberId: 'm',
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [{ memberId: 'm', assignment: Buffer.from('a') }],
  },
  15: { groups: ['fuzz-group'], includeAuthorizedOperations: false },
  16: { statesFilter: [], typesFilter: [] },
  18: { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0' },
  19: {
    topics: [
      {
        name: 'scratch-created',
        numPartitions: 2,
        replicationFactor: 1,
        assignments: [],
        configs: [{ name: 'retention.ms', value: '1000' }],
      },
    ],
    timeoutMs: 1000,
    validateOnly: false,
  },
  20: {
    topicNames: ['scratch-created'],
    topics: [{ name: 'scratch-created', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    timeoutMs: 1000,
  },
  21: { topics: [{ name: 'scratch', partitions: [{ partitionIndex: 0, offset: 0n }] }], timeoutMs: 1000 },
  22: { transactionalId: 'fuzz-txn', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 },
  23: {
    replicaId: -1,
    topics: [{ topic: 'scratch', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }],
  },
  24: {
    transactions: [
      {
        transactionalId: 'fuzz-txn',
        producerId: 1n,
        producerEpoch: 0,
        verifyOnly: true,
        topics: [{ name: 'scratch', partitions: [0] }],
      },
    ],
    v3AndBelowTransactionalId: 'fuzz-txn',
    v3AndBelowProducerId: 1n,
    v3AndBelowProducerEpoch: 0,
    v3AndBelowTopics: [{ name: 'scratch', partitions: [0] }],
  },
  25: { transactionalId: 'fuzz-txn', producerId: 1n, producerEpoch: 0, groupId: 'fuzz-group' },
  26: { transactionalId: 'fuzz-txn', producerId: 1n, producerEpoch: 0, committed: false },
  27: {
    markers: [
      {
        producerId: 1n,
        producerEpoch: 0,
        transactionResult: false,
        coordinatorEpoch: 0,
        topics: [{ name: 'scratch', partitionIndexes: [0] }],
      },
    ],
  },
  28: {
    transactionalId: 'fuzz-txn',
    groupId: 'fuzz-group',
    producerId: 1n,
    producerEpoch: 0,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'scratch', partitions }],
  },
  29: {
    resourceTypeFilter: ResourceType.TOPIC,
    resourceNameFilter: 'scratch',
    patternTypeFilter: PatternType.MATCH,
    principalFilter: null,
    hostFilter: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY,
  },
  30: {
    creations: [
      {
        resourceType: ResourceType.TOPIC,
        resourceName: 'scratch',
        resourcePatternType: PatternType.LITERAL,
        principal: 'User:fuzz',
        host: '*',
        operation: AclOperation.READ,
        permissionType: AclPermissionType.ALLOW,
      },
    ],
  },
  31: {
    filters: [
      {
        resourceTypeFilter: ResourceType.TOPIC,
        resourceNameFilter: 'scratch',
        patternTypeFilter: PatternType.LITERAL,
        principalFilter: 'User:fuzz',
        hostFilter: null,
        operation: AclOperation.ANY,
        permissionType: AclPermissionType.ANY,
      },
    ],
  },
  32: {
    resources: [{ resourceType: 2, resourceName: 'scratch', configurationKeys: null }],
    includeSynonyms: true,
    includeDocumentation: true,
  },
  33: {
    resources: [
      { resourceType: 2, resourceName: 'scratch', configs: [{ name: 'retention.ms', value: '100000' }] },
    ],
    validateOnly: false,
  },
  37: { topics: [{ name: 'scratch', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: false },
  42: { groupsNames: ['fuzz-group'] },
  44: {
    resources: [
      {
        resourceType: 2,
        resourceName: 'scratch',
        configs: [{ name: 'retention.ms', configOperation: 0, value: '100000' }],
      },
    ],
    validateOnly: false,
  },
  47: { groupId: 'fuzz-group', topics: [{ name: 'scratch', partitions: [{ partitionIndex: 0 }] }] },
  60: { includeClusterAuthorizedOperations: false, endpointType: 1 },
  65: { transactionalIds: ['fuzz-txn', ''] },
  66: { stateFilters: ['Ongoing'], producerIdFilters: [1n], durationFilter: -1n },
};

const ranges: Record<number, [number, number]> = {
  0: [3, 11],
  1: [4, 16],
  2: [1, 8],
  3: [0, 12],
  8: [0, 9],
  9: [0, 9],
  10: [0, 5],
  11: [0, 9],
  12: [0, 4],
  13: [0, 5],
  14: [0, 5],
  15: [0, 5],
  16: [0, 5],
  18: [0, 4],
  19: [0, 7],
  20: [0, 6],
  21: [0, 2],
  22: [0, 5],
  23: [0, 4],
  24: [0, 5],
  25: [0, 4],
  26: [0, 4],
  27: [0, 1],
  28: [0, 4],
  29: [0, 3],
  30: [0, 3],
  31: [0, 3],
  32: [0, 4],
  33: [0, 2],
  37: [0, 3],
  42: [0, 2],
  44: [0, 1],
  47: [0, 0],
  60: [0, 1],
  65: [0, 0],
  66: [0, 1],
};

/** Every (API, version) of the served ranges, encoded as a complete frame with its size prefix. */
export function templateFrames(): { apiKey: number; version: number; frame: Buffer }[] {
  const frames: { apiKey: number; version: number; frame: Buffer }[] = [];
  for (const [key, [min, max]] of Object.entries(ranges)) {
    const apiKey = Number(key) as Key;
    for (let version = min; version <= max; version++) {
      const frame = Buffer.concat(
        encodeRequest(apiKey, version, 1000 + frames.length, 'fuzzer', bodies[apiKey] as never),
      );
      frames.push({ apiKey, version, frame });
    }
  }
  return frames;
}
