/**
 * compose.yaml cannot run here (no container engine), so this holds it to what it must be: three KRaft nodes of the
 * image and settings the testcontainers helper uses, the registry on them, and the demo given the environment it
 * reads, all pointing at addresses that exist in the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KAFKA_IMAGE, kraftEnvironment } from '@samsa/broker-dev/testcontainers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  hostname?: string;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  working_dir?: string;
}

const compose = parse(readFileSync(`${root}compose.yaml`, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const kafkaNodes = ['kafka-1', 'kafka-2', 'kafka-3'];
const env = (name: string) => services[name].environment ?? {};
/** host port -> container port */
const published = (name: string) =>
  new Map((services[name].ports ?? []).map((p) => p.split(':').map(Number) as [number, number]));
/** The internal PLAINTEXT address of each node, as advertised. */
const internal = kafkaNodes.map((n) => /PLAINTEXT:\/\/([^,]+)/.exec(env(n).KAFKA_ADVERTISED_LISTENERS)![1]);

describe('compose.yaml', () => {
  it('has three Kafka nodes, the registry and the demo, and nothing else', () => {
    expect(Object.keys(services).sort()).toEqual(['demo', 'kafka-1', 'kafka-2', 'kafka-3', 'registry']);
  });

  it("runs the testcontainers helper's image and settings on every node, for three nodes", () => {
    const helper = kraftEnvironment('127.0.0.1:9092', { partitions: 3 });
    const sameEverywhere = [
      'KAFKA_PROCESS_ROLES',
      'KAFKA_CONTROLLER_LISTENER_NAMES',
      'KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS',
      'KAFKA_NUM_PARTITIONS',
      'KAFKA_AUTO_CREATE_TOPICS_ENABLE',
    ];
    for (const [i, node] of kafkaNodes.entries()) {
      expect(services[node].image).toBe(KAFKA_IMAGE);
      expect(services[node].hostname).toBe(node);
      expect(services[node].healthcheck?.test.join(' ')).toContain('--bootstrap-server localhost:9092');
      const e = env(node);
      for (const key of Object.keys(helper)) expect(e, `${node} ${key}`).toHaveProperty(key);
      for (const key of sameEverywhere) expect(e[key], `${node} ${key}`).toBe(helper[key]);
      for (const mapping of helper.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',')) {
        expect(e.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',')).toContain(mapping);
      }
      for (const listener of helper.KAFKA_LISTENERS.split(','))
        expect(e.KAFKA_LISTENERS.split(',')).toContain(listener);
      expect(e.KAFKA_NODE_ID).toBe(String(i + 1));
      expect(e.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(e.CLUSTER_ID).toBe(env('kafka-1').CLUSTER_ID);
    }
  });

  it('forms one quorum and replicates internal topics across it', () => {
    const voters = kafkaNodes.map((node, i) => `${i + 1}@${node}:9093`).join(',');
    for (const node of kafkaNodes) {
      const e = env(node);
      expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(voters);
      expect(e.KAFKA_LISTENERS).toContain('CONTROLLER://:9093');
      const rf = Number(e.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR);
      expect(rf).toBe(kafkaNodes.length);
      expect(Number(e.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR)).toBeLessThan(rf);
      expect(Number(e.KAFKA_MIN_INSYNC_REPLICAS)).toBeLessThan(Number(e.KAFKA_DEFAULT_REPLICATION_FACTOR));
    }
  });

  it('advertises each node inside the network and on its own published host port', () => {
    const hostPorts = new Set<number>();
    for (const [i, node] of kafkaNodes.entries()) {
      expect(internal[i]).toBe(`${node}:9092`);
      const external = /EXTERNAL:\/\/127\.0\.0\.1:(\d+)/.exec(env(node).KAFKA_ADVERTISED_LISTENERS)![1];
      expect(published(node).get(Number(external))).toBe(9094);
      expect(env(node).KAFKA_LISTENERS).toContain('EXTERNAL://:9094');
      hostPorts.add(Number(external));
    }
    expect(hostPorts.size).toBe(3);
  });

  it('runs the Samsa registry on the cluster, after every node is healthy', () => {
    const registry = services.registry;
    const args = registry.command!;
    expect(args.slice(0, 3)).toEqual(['node', 'packages/schema-registry/bin/samsa-registry.js', 'serve']);
    expect(existsSync(`${root}packages/schema-registry/bin/samsa-registry.js`)).toBe(true);
    expect(args).toContain(`--kafka=${internal.join(',')}`);
    expect(args).toContain('--host=0.0.0.0');
    const port = Number(args.find((a) => a.startsWith('--port='))!.slice(7));
    expect(published('registry').get(port)).toBe(port);
    expect(args).toContain(`--advertised-url=http://registry:${port}`);
    for (const node of kafkaNodes)
      expect(registry.depends_on?.[node]).toEqual({ condition: 'service_healthy' });
  });

  it('points the demo at the cluster and the registry with the variables it reads', () => {
    const demo = services.demo;
    const e = env('demo');
    // apps/demo-orders/src/config.ts reads PORT, HOST, KAFKA_BROKERS, SCHEMA_REGISTRY_URL and SAMPLE_ORDERS.
    const demoConfig = readFileSync(`${root}apps/demo-orders/src/config.ts`, 'utf8');
    for (const key of Object.keys(e)) expect(demoConfig).toContain(`env.${key}`);
    expect(e.KAFKA_BROKERS).toBe(internal.join(','));
    expect(e.SCHEMA_REGISTRY_URL).toBe('http://registry:8081');
    expect(e.HOST).toBe('0.0.0.0');
    expect(published('demo').get(Number(e.PORT))).toBe(Number(e.PORT));
    expect(demo.working_dir).toBe('/samsa/apps/demo-orders');
    expect(demo.command).toEqual(['node', 'dist/main.js']);
    expect(demo.depends_on?.registry).toEqual({ condition: 'service_started' });
  });

  it('builds the workspace image the registry and the demo run from', () => {
    expect(services.registry.build).toBe('.');
    expect(services.demo.build).toBe('.');
    expect(services.demo.image).toBe(services.registry.image);
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/^WORKDIR \/samsa$/m);
    expect(dockerfile).toContain('npm ci --no-audit --no-fund && npm run build');
    expect(readFileSync(`${root}.dockerignore`, 'utf8').split('\n')).toContain('**/node_modules');
  });
});
