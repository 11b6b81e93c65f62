/**
 * Cluster: bootstrap, leaders and leader epochs, versions per node, coordinators, and reconnecting,
 * against a three-broker @samsa/broker-dev and its fault injection.
 */
import { ADVERTISED_VERSIONS, type RunningBroker, startBroker } from '@samsa/broker-dev';
import { ApiKey, apiCodecs, ErrorCode } from '@samsa/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type ClusterOptions } from '../../src/cluster/cluster.js';
import { Kafka } from '../../src/index.js';
import { LogLevel, nullLogger } from '../../src/logger.js';

let broker: RunningBroker;
const clusters: Cluster[] = [];

beforeAll(async () => {
  broker = await startBroker({ brokers: 3, port: 0 });
  const admin = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 't', numPartitions: 6, replicationFactor: 3 }] });
  await admin.disconnect();
});

afterEach(async () => {
  broker.control.clearFaults();
  broker.control.recordRequests(false);
  for (const cluster of clusters.splice(0)) await cluster.disconnect();
});

afterAll(async () => {
  await broker?.stop();
});

async function connectedCluster(options: Partial<ClusterOptions> = {}) {
  const cluster = new Cluster({ brokers: broker.bootstrap, logger: nullLogger, ...options });
  clusters.push(cluster);
  await cluster.connect();
  return cluster;
}

/** The version a client and broker-dev agree on: the highest both support. */
function highestCommonVersion(apiKey: number): number {
  const advertised = ADVERTISED_VERSIONS.find((v) => v.apiKey === apiKey)!;
  return Math.min(advertised.maxVersion, apiCodecs.get(apiKey)!.request.maxVersion);
}

describe('Cluster', () => {
  it('bootstraps, tracks leaders, negotiates versions per node and finds coordinators', async () => {
    const cluster = await connectedCluster();
    await cluster.metadata.refresh(['t']);
    expect(cluster.metadata.partitionCount('t')).toBe(6);
    for (let partition = 0; partition < 6; partition++) {
      expect(cluster.metadata.leaderFor('t', partition)).toBe(broker.control.leaderOf('t', partition));
    }
    const { version, response } = await cluster.request(
      2,
      ApiKey.Metadata,
      () => ({ topics: [{ name: 't' }] }),
      { purpose: 'metadata' },
    );
    expect(version).toBe(highestCommonVersion(ApiKey.Metadata));
    expect(response.topics[0].partitions.length).toBe(6);
    expect(cluster.apiVersion(2, ApiKey.Produce)).toBe(highestCommonVersion(ApiKey.Produce));
    expect(await cluster.findCoordinator('g', 'group')).toBe(broker.control.coordinatorOf('g'));
  });

  it('retries FindCoordinator on COORDINATOR_NOT_AVAILABLE', async () => {
    const cluster = await connectedCluster({ retry: { initialRetryTimeMs: 5 } });
    broker.control.recordRequests();
    broker.control.failNextRequests('FindCoordinator', 2, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(await cluster.findCoordinator('g-retried', 'group')).toBe(
      broker.control.coordinatorOf('g-retried'),
    );
    expect(broker.control.requests().filter((r) => r.api === 'FindCoordinator')).toHaveLength(3);
  });

  it('does not roll a leader back when a response carries an older leader epoch', async () => {
    const cluster = await connectedCluster();
    await cluster.metadata.refresh(['t']);
    const before = broker.control.leaderOf('t', 0);
    const after = (before % 3) + 1;
    broker.control.movePartitionLeader('t', 0, after);
    await cluster.metadata.refresh(['t']);
    expect(cluster.metadata.leaderFor('t', 0)).toBe(after);
    cluster.metadata.apply({
      brokers: broker.bootstrap.map((address, i) => ({
        nodeId: i + 1,
        host: '127.0.0.1',
        port: Number(address.split(':')[1]),
        rack: null,
      })),
      topics: [
        {
          errorCode: 0,
          name: 't',
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: before,
              leaderEpoch: 0,
              replicaNodes: [before],
              isrNodes: [before],
            },
          ],
        },
      ],
    } as never);
    expect(cluster.metadata.leaderFor('t', 0)).toBe(after);
  });

  it('keeps the bootstrap connection as the connection to the broker it reached, not a second socket', async () => {
    const seed = broker.bootstrap[1];
    const cluster = await connectedCluster({ brokers: [seed] });
    const nodeId = [...cluster.metadata.brokers.values()].find((b) => `${b.host}:${b.port}` === seed)!.nodeId;
    const { response } = await cluster.request(nodeId, ApiKey.Metadata, () => ({ topics: [{ name: 't' }] }), {
      purpose: 'metadata',
    });
    expect(response.topics.length).toBe(1);
    expect(cluster.readyConnection(nodeId, 'metadata')).toBeDefined();
    // A coordinator lookup rides the same connection too: one socket in all.
    await cluster.findCoordinator('g', 'group');
    expect(broker.control.dropConnections()).toBe(1);
  });

  it('reconnects after the brokers drop its connections', async () => {
    const cluster = await connectedCluster();
    expect(broker.control.dropConnections()).toBeGreaterThan(0);
    const { response } = await cluster.request(1, ApiKey.Metadata, () => ({ topics: [{ name: 't' }] }));
    expect(response.topics.length).toBe(1);
  });
});
