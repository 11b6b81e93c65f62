/**
 * The table of served APIs: one handler per API key, each with the version range advertised in
 * ApiVersions. Every version in a range is answered (see each handler's header comment).
 */
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.js';
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.js';
import { alterConfigsHandler } from './alter-configs.js';
import { alterUserScramCredentialsHandler } from './alter-user-scram-credentials.js';
import { apiVersionsTable, createApiVersionsHandler } from './api-versions.js';
import { consumerGroupDescribeHandler } from './consumer-group-describe.js';
import { consumerGroupHeartbeatHandler } from './consumer-group-heartbeat.js';
import { createAclsHandler } from './create-acls.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteAclsHandler } from './delete-acls.js';
import { deleteGroupsHandler } from './delete-groups.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeAclsHandler } from './describe-acls.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { describeGroupsHandler } from './describe-groups.js';
import { describeProducersHandler } from './describe-producers.js';
import { describeTransactionsHandler } from './describe-transactions.js';
import { describeUserScramCredentialsHandler } from './describe-user-scram-credentials.js';
import { endTxnHandler } from './end-txn.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { heartbeatHandler } from './heartbeat.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
import { initProducerIdHandler } from './init-producer-id.js';
import { joinGroupHandler } from './join-group.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { listOffsetsHandler } from './list-offsets.js';
import { listTransactionsHandler } from './list-transactions.js';
import { metadataHandler } from './metadata.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetDeleteHandler } from './offset-delete.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js';
import { produceHandler } from './produce.js';
import { saslAuthenticateHandler } from './sasl-authenticate.js';
import { saslHandshakeHandler } from './sasl-handshake.js';
import { syncGroupHandler } from './sync-group.js';
import { txnOffsetCommitHandler } from './txn-offset-commit.js';
import type { AnyApiHandler } from './types.js';
import { writeTxnMarkersHandler } from './write-txn-markers.js';

const served: AnyApiHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  saslHandshakeHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  initProducerIdHandler,
  offsetForLeaderEpochHandler,
  addPartitionsToTxnHandler,
  addOffsetsToTxnHandler,
  endTxnHandler,
  writeTxnMarkersHandler,
  txnOffsetCommitHandler,
  describeAclsHandler,
  createAclsHandler,
  deleteAclsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  saslAuthenticateHandler,
  createPartitionsHandler,
  deleteGroupsHandler,
  incrementalAlterConfigsHandler,
  offsetDeleteHandler,
  describeUserScramCredentialsHandler,
  alterUserScramCredentialsHandler,
  describeClusterHandler,
  describeProducersHandler,
  describeTransactionsHandler,
  listTransactionsHandler,
  consumerGroupHeartbeatHandler,
  consumerGroupDescribeHandler,
];

// ApiVersions lists itself, so its handler reads the table that includes it.
const apiVersionsHandler: AnyApiHandler = createApiVersionsHandler(() => table);
const table = apiVersionsTable([...served, apiVersionsHandler]);

/** API key → handler, for every API the broker serves. */
export const HANDLERS: ReadonlyMap<number, AnyApiHandler> = new Map(
  [...served, apiVersionsHandler].map((h) => [h.apiKey, h]),
);

/** The ApiVersions table: [apiKey, minVersion, maxVersion] of every served API. */
export const ADVERTISED_VERSIONS = table;
