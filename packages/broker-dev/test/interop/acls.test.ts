/**
 * ACLs seen by clients no one here wrote: kcat (librdkafka 2.0.2) and KafkaJS 2.2.4 get
 * TOPIC_AUTHORIZATION_FAILED cleanly from a broker with allow.everyone.if.no.acl.found=false, KafkaJS's
 * admin creates and describes ACLs, and after that the same (ANONYMOUS) principal produces; listings leave
 * out the topics it may not describe. The ANONYMOUS client may manage ACLs (ALTER and DESCRIBE on the
 * cluster, seeded in the data dir) and create topics, nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '@samsa/protocol';
import { requirePeer, run } from '@samsa/test-support';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  Kafka,
  logLevel,
  Partitioners,
  ResourcePatternTypes,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclStore } from '../../src/acl/acl-store.js';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

const kcat = requirePeer('kcat', {
  probe: ['kcat', '-V'],
  hint: 'apt-get install -y kcat (Debian: kcat 1.7.1 with librdkafka 2.0.2)',
});

const ANONYMOUS = 'User:ANONYMOUS';
let broker: RunningBroker;
let dataDir: string;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-acl-interop-'));
  new AclStore(dataDir).add(
    [AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.CREATE].map((operation) => ({
      resourceType: ResourceType.CLUSTER,
      resourceName: 'kafka-cluster',
      patternType: PatternType.LITERAL,
      principal: ANONYMOUS,
      host: '*',
      operation,
      permissionType: AclPermissionType.ALLOW,
    })),
  );
  broker = await startBroker({ dataDir, authorizer: { allowEveryoneIfNoAclFound: false } });
  const raw = await RawClient.connect(broker.bootstrap[0]);
  for (const topic of ['kjs-orders', 'kcat-orders', 'hidden']) await createTopic(raw, topic);
  raw.close();
  kafka = new Kafka({
    clientId: 'acl-interop',
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 50 },
  });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function allow(topic: string, operation: AclOperationTypes, patternType = ResourcePatternTypes.LITERAL) {
  return {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: topic,
    resourcePatternType: patternType,
    principal: ANONYMOUS,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

async function kafkajsSend(topic: string) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    return await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
  } finally {
    await producer.disconnect();
  }
}

describe('KafkaJS 2.2.4', () => {
  it('gets TOPIC_AUTHORIZATION_FAILED, then produces after its admin creates an ACL', async () => {
    const refused = await kafkajsSend('kjs-orders').catch((e: unknown) => e);
    // KafkaJS gives up at once (not retriable): a KafkaJSNonRetriableError caused by the broker's answer.
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { cause?: { type?: string } }).cause?.type).toBe('TOPIC_AUTHORIZATION_FAILED');

    expect(await admin.createAcls({ acl: [allow('kjs-orders', AclOperationTypes.WRITE)] })).toBe(true);
    const [sent] = await kafkajsSend('kjs-orders');
    expect(sent.errorCode).toBe(0);
  });

  it("describes ACLs through KafkaJS's admin", async () => {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'kjs-orders',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(resources).toEqual([
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'kjs-orders',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        acls: [
          {
            principal: ANONYMOUS,
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      },
    ]);
  });

  it('lists only the topics the principal may describe', async () => {
    const topics = await admin.listTopics();
    expect(topics).toContain('kjs-orders');
    expect(topics).not.toContain('hidden');
  });
});

kcat.describe('kcat (librdkafka 2.0.2)', () => {
  const bootstrap = () => broker.bootstrap.join(',');
  const produce = (topic: string) =>
    run('kcat', ['-P', '-b', bootstrap(), '-t', topic, '-p', '0'], { input: 'hello\n', timeoutMs: 30_000 });

  it('reports Topic authorization failed on produce and metadata, then produces once allowed', async () => {
    const refused = await produce('kcat-orders');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Topic authorization failed/);
    const metadata = await run('kcat', ['-L', '-b', bootstrap(), '-t', 'kcat-orders'], { timeoutMs: 30_000 });
    expect(metadata.stdout).toMatch(/"kcat-orders" with 0 partitions: Broker: Topic authorization failed/);

    // A prefixed ACL (created through KafkaJS: kcat has no ACL commands) covers the topic.
    await admin.createAcls({
      acl: [AclOperationTypes.WRITE, AclOperationTypes.READ].map((op) =>
        allow('kcat-', op, ResourcePatternTypes.PREFIXED),
      ),
    });
    const allowed = await produce('kcat-orders');
    expect(allowed.code, allowed.stderr).toBe(0);
    const consumed = await run(
      'kcat',
      ['-C', '-b', bootstrap(), '-t', 'kcat-orders', '-p', '0', '-o', 'beginning', '-e', '-q'],
      { timeoutMs: 30_000 },
    );
    expect(consumed.stdout.trim()).toBe('hello');
  });

  it('leaves topics it may not describe out of a full listing', async () => {
    const listing = await run('kcat', ['-L', '-b', bootstrap()], { timeoutMs: 30_000 });
    expect(listing.stdout).toMatch(/topic "kjs-orders"/);
    expect(listing.stdout).not.toMatch(/topic "hidden"/);
  });
});
