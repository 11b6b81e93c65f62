/**
 * Admin ACL calls, and Samsa's producer, consumer and admin against a dev broker that enforces ACLs. The
 * client is User:ANONYMOUS (no SASL here): it is first a super user that grants itself the right to manage
 * ACLs, then the broker restarts without super users, so every data operation needs an ACL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AclEntry,
  type AclFilter,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  ConfigurationError,
  ErrorCode,
  Kafka,
  KafkaProtocolError,
  LogLevel,
  ResourcePatternTypes,
  ResourceTypes,
} from '../../src/index.js';

const ANONYMOUS = 'User:ANONYMOUS';

function entry(
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
  more: Partial<AclEntry> = {},
): AclEntry {
  return {
    resourceType,
    resourceName,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: ANONYMOUS,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
    ...more,
  };
}

const everyAcl: AclFilter = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};

function client(broker: RunningBroker): Kafka {
  return new Kafka({
    clientId: 'samsa-acl-it',
    brokers: broker.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 3 },
  });
}

let dataDir: string;
let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;

async function startSecured(): Promise<void> {
  broker = await startBroker({ dataDir, authorizer: { allowEveryoneIfNoAclFound: false } });
  kafka = client(broker);
  admin = kafka.admin();
  await admin.connect();
}

async function stopSecured(): Promise<void> {
  await admin?.disconnect();
  await broker?.stop();
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-client-acls-'));
  const bootstrap = await startBroker({ dataDir, authorizer: { superUsers: [ANONYMOUS] } });
  const bootstrapAdmin = client(bootstrap).admin();
  await bootstrapAdmin.connect();
  await bootstrapAdmin.createAcls({
    acl: [AclOperationTypes.ALTER, AclOperationTypes.DESCRIBE, AclOperationTypes.CREATE].map((operation) =>
      entry(AclResourceTypes.CLUSTER, 'kafka-cluster', operation),
    ),
  });
  await bootstrapAdmin.disconnect();
  await bootstrap.stop();
  await startSecured();
  await admin.createTopics({ topics: ['orders', 'secret', 'app.blocked'].map((topic) => ({ topic })) });
}, 30_000);

afterAll(async () => {
  await stopSecured();
  rmSync(dataDir, { recursive: true, force: true });
});

async function send(topic: string): Promise<void> {
  const producer = kafka.producer({ lingerMs: 0, retry: { retries: 1, initialRetryTimeMs: 20 } });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'k', value: `to ${topic}` }] });
  } finally {
    await producer.disconnect();
  }
}

async function authorizationError(promise: Promise<unknown>): Promise<number> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  // The producer may wrap the broker's answer (retries exhausted); find the Kafka error inside.
  let cause = err;
  while (cause && !(cause instanceof KafkaProtocolError)) cause = (cause as { cause?: unknown }).cause;
  expect(cause, `expected a KafkaProtocolError, got ${String(err)}`).toBeInstanceOf(KafkaProtocolError);
  return (cause as KafkaProtocolError).errorCode;
}

describe('a producer and consumer under ACLs (allow.everyone.if.no.acl.found=false)', () => {
  it('refuses ANONYMOUS with TOPIC_AUTHORIZATION_FAILED, then produces once CreateAcls allows it', async () => {
    expect(await authorizationError(send('orders'))).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(
      await admin.createAcls({ acl: [entry(AclResourceTypes.TOPIC, 'orders', AclOperationTypes.WRITE)] }),
    ).toBe(true);
    await send('orders');
  });

  it('covers topics created later with a prefixed ACL, and lets a DENY beat it', async () => {
    await admin.createAcls({
      acl: [
        entry(AclResourceTypes.TOPIC, 'app.', AclOperationTypes.WRITE, {
          resourcePatternType: ResourcePatternTypes.PREFIXED,
        }),
        entry(AclResourceTypes.TOPIC, 'app.blocked', AclOperationTypes.WRITE, {
          permissionType: AclPermissionTypes.DENY,
        }),
      ],
    });
    await admin.createTopics({ topics: [{ topic: 'app.new' }] });
    await send('app.new');
    expect(await authorizationError(send('app.blocked'))).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it('hides topics the principal may not describe from listTopics', async () => {
    const topics = await admin.listTopics();
    expect(topics).toContain('orders');
    expect(topics).toContain('app.new');
    expect(topics).not.toContain('secret');
  });

  it('consumes with READ on the topic and the group', async () => {
    await admin.createAcls({
      acl: [
        entry(AclResourceTypes.TOPIC, 'orders', AclOperationTypes.READ),
        entry(AclResourceTypes.GROUP, 'readers', AclOperationTypes.READ),
      ],
    });
    const consumer = kafka.consumer({ groupId: 'readers', autoOffsetReset: 'earliest' });
    await consumer.connect();
    try {
      const values: string[] = [];
      await consumer.subscribe({ topics: ['orders'] });
      await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
      await waitFor('the record produced to orders', () => values.includes('to orders'));
    } finally {
      await consumer.disconnect();
    }
  });
});

describe('admin ACL calls', () => {
  it('describes ACLs by filter, grouped by resource pattern', async () => {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'app.blocked',
      resourcePatternType: ResourcePatternTypes.MATCH,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(resources).toEqual(
      expect.arrayContaining([
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'app.',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          acls: [
            {
              principal: ANONYMOUS,
              host: '*',
              operation: AclOperationTypes.WRITE,
              permissionType: AclPermissionTypes.ALLOW,
            },
          ],
        },
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'app.blocked',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          acls: [
            {
              principal: ANONYMOUS,
              host: '*',
              operation: AclOperationTypes.WRITE,
              permissionType: AclPermissionTypes.DENY,
            },
          ],
        },
      ]),
    );
    expect(resources).toHaveLength(2);
  });

  it('keeps ACLs across a broker restart (data dir)', async () => {
    const before = await admin.describeAcls(everyAcl);
    await stopSecured();
    await startSecured();
    const after = await admin.describeAcls(everyAcl);
    expect(after.resources).toEqual(before.resources);
    await send('orders');
  });

  it('deletes what each filter matches and reports it', async () => {
    const { filterResponses } = await admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'app.blocked',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.DENY,
        },
      ],
    });
    expect(filterResponses).toEqual([
      {
        errorCode: 0,
        errorMessage: null,
        matchingAcls: [
          expect.objectContaining({
            resourceName: 'app.blocked',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.DENY,
          }),
        ],
      },
    ]);
    // The prefixed ALLOW now covers it.
    await send('app.blocked');
  });

  it('rejects bad input before sending, with ConfigurationError', async () => {
    await expect(admin.createAcls({ acl: [] })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      admin.createAcls({
        acl: [entry(AclResourceTypes.TOPIC, 'x', AclOperationTypes.READ, { principal: 'alice' })],
      }),
    ).rejects.toThrow(/Type:name/);
    await expect(
      admin.describeAcls({ ...everyAcl, operation: 99 as AclOperationTypes }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(admin.deleteAcls({ filters: [] })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('throws the broker refusal as a typed error: INVALID_REQUEST with its reason', async () => {
    const err = await admin
      .createAcls({ acl: [entry(AclResourceTypes.CLUSTER, 'not-the-cluster', AclOperationTypes.ALTER)] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect((err as KafkaProtocolError).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(String(err)).toMatch(/kafka-cluster/);
  });

  it('exports KafkaJS 1.x ResourceTypes as the ACL resource types', () => {
    expect(ResourceTypes.TOPIC).toBe(AclResourceTypes.TOPIC);
    expect(AclResourceTypes.TRANSACTIONAL_ID).toBe(5);
  });
});

describe('admin ACL calls against a broker without an authorizer', () => {
  it('throw SECURITY_DISABLED', async () => {
    const open = await startBroker();
    const openAdmin = client(open).admin();
    await openAdmin.connect();
    try {
      const err = await openAdmin.describeAcls(everyAcl).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaProtocolError);
      expect((err as KafkaProtocolError).errorCode).toBe(ErrorCode.SECURITY_DISABLED);
    } finally {
      await openAdmin.disconnect();
      await open.stop();
    }
  });
});
