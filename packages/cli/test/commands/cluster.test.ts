import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsaOn } from '../helpers/run.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(() => cluster?.stop());

describe('samsa cluster describe', () => {
  it('shows the cluster id, the controller and every broker', async () => {
    const samsa = samsaOn(cluster.broker.bootstrap);
    const { code, stdout } = await samsa(['cluster', 'describe']);
    expect(code).toBe(0);
    const [id, controller, blank, header, ...rows] = stdout.trimEnd().split('\n');
    expect(id).toBe(`Cluster ID: ${cluster.broker.clusterId}`);
    expect(controller).toMatch(/^Controller: [123]$/);
    expect(blank).toBe('');
    expect(header).toMatch(/^BROKER +HOST +PORT +RACK +CONTROLLER$/);
    expect(rows.map((r) => r.split(/\s+/).filter(Boolean).slice(0, 3))).toEqual(
      cluster.broker.brokers.map((b) => [String(b.nodeId), b.host, String(b.port)]),
    );
    const json = JSON.parse((await samsa(['cluster', 'describe', '-o', 'json'])).stdout);
    expect(json.clusterId).toBe(cluster.broker.clusterId);
    expect(json.brokers.map((b: { port: number }) => b.port)).toEqual(
      cluster.broker.brokers.map((b) => b.port),
    );
  });
});
