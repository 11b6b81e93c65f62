import { addOffsetsToTxn } from './apis/add-offsets-to-txn.js';
import { addPartitionsToTxn } from './apis/add-partitions-to-txn.js';
import { alterConfigs } from './apis/alter-configs.js';
import { alterUserScramCredentials } from './apis/alter-user-scram-credentials.js';
import { apiVersions } from './apis/api-versions.js';
import { consumerGroupDescribe } from './apis/consumer-group-describe.js';
import { consumerGroupHeartbeat } from './apis/consumer-group-heartbeat.js';
import { createPartitions } from './apis/create-partitions.js';
import { createTopics } from './apis/create-topics.js';
import { deleteGroups } from './apis/delete-groups.js';
import { deleteRecords } from './apis/delete-records.js';
import { deleteTopics } from './apis/delete-topics.js';
import { describeCluster } from './apis/describe-cluster.js';
import { describeConfigs } from './apis/describe-configs.js';
import { describeGroups } from './apis/describe-groups.js';
import { describeProducers } from './apis/describe-producers.js';
import { describeTransactions } from './apis/describe-transactions.js';
import { describeUserScramCredentials } from './apis/describe-user-scram-credentials.js';
import { endTxn } from './apis/end-txn.js';
import { fetch } from './apis/fetch.js';
import { findCoordinator } from './apis/find-coordinator.js';
import { heartbeat } from './apis/heartbeat.js';
import { incrementalAlterConfigs } from './apis/incremental-alter-configs.js';
import { initProducerId } from './apis/init-producer-id.js';
import { joinGroup } from './apis/join-group.js';
import { leaveGroup } from './apis/leave-group.js';
import { listGroups } from './apis/list-groups.js';
import { listOffsets } from './apis/list-offsets.js';
import { listTransactions } from './apis/list-transactions.js';
import { metadata } from './apis/metadata.js';
import { offsetCommit } from './apis/offset-commit.js';
import { offsetDelete } from './apis/offset-delete.js';
import { offsetFetch } from './apis/offset-fetch.js';
import { offsetForLeaderEpoch } from './apis/offset-for-leader-epoch.js';
import { produce } from './apis/produce.js';
import { saslAuthenticate } from './apis/sasl-authenticate.js';
import { saslHandshake } from './apis/sasl-handshake.js';
import { syncGroup } from './apis/sync-group.js';
import { txnOffsetCommit } from './apis/txn-offset-commit.js';
import { writeTxnMarkers } from './apis/write-txn-markers.js';
import type { ApiSpec } from './types.js';

/**
 * Every Kafka API Samsa speaks, ordered by API key. This is the description the codecs in
 * `src/generated/` are generated from (see scripts/generate.ts), exported so docs and
 * conformance checks read the same data.
 */
export const protocolSpec: readonly ApiSpec[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  saslHandshake,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  offsetForLeaderEpoch,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  writeTxnMarkers,
  txnOffsetCommit,
  describeConfigs,
  alterConfigs,
  saslAuthenticate,
  createPartitions,
  deleteGroups,
  incrementalAlterConfigs,
  offsetDelete,
  describeUserScramCredentials,
  alterUserScramCredentials,
  describeCluster,
  describeProducers,
  describeTransactions,
  listTransactions,
  consumerGroupHeartbeat,
  consumerGroupDescribe,
];

export type { ApiSpec, FieldDefault, FieldSpec, FieldType, MessageSpec, VersionRange } from './types.js';
