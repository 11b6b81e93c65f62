/** DescribeAcls, CreateAcls, DeleteAcls: every version, their errors, and ACLs kept across restarts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AclOperation,
  AclPermissionType,
  ApiKey,
  type CreateAclsRequest,
  ErrorCode,
  PatternType,
  ResourceType,
} from '@samsa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerOptions, RunningBroker } from '../../src/index.js';
import { brokerWithClient } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: BrokerOptions): Promise<{ broker: RunningBroker; client: RawClient }> {
  const started = await brokerWithClient(options);
  cleanups.push(async () => {
    started.client.close();
    await started.broker.stop();
  });
  return started;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-acl-api-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const readOrders = {
  resourceType: ResourceType.TOPIC,
  resourceName: 'orders',
  resourcePatternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: AclOperation.READ,
  permissionType: AclPermissionType.ALLOW,
};
const writeOrdersPrefix = {
  ...readOrders,
  resourceName: 'orders.',
  resourcePatternType: PatternType.PREFIXED,
  operation: AclOperation.WRITE,
};

const anyFilter = {
  resourceTypeFilter: ResourceType.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PatternType.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: AclOperation.ANY,
  permissionType: AclPermissionType.ANY,
};

const superUser: BrokerOptions = { authorizer: { superUsers: ['User:ANONYMOUS'] } };

describe('ACL APIs', () => {
  for (const version of [0, 1, 2, 3]) {
    it(`creates, describes and deletes ACLs (v${version})`, async () => {
      const { client } = await start(superUser);
      const creations: CreateAclsRequest['creations'] =
        version === 0 ? [readOrders] : [readOrders, writeOrdersPrefix];
      const created = await client.request(ApiKey.CreateAcls, version, { creations });
      expect(created.results.map((r) => r.errorCode)).toEqual(creations.map(() => ErrorCode.NONE));

      const described = await client.request(ApiKey.DescribeAcls, version, {
        ...anyFilter,
        // v0 knows only LITERAL patterns: its filters select literal ACLs.
        patternTypeFilter: version === 0 ? PatternType.LITERAL : PatternType.ANY,
      });
      expect(described.errorCode).toBe(ErrorCode.NONE);
      expect(described.resources).toContainEqual(
        expect.objectContaining({
          resourceType: ResourceType.TOPIC,
          resourceName: 'orders',
          acls: [
            {
              principal: 'User:alice',
              host: '*',
              operation: AclOperation.READ,
              permissionType: AclPermissionType.ALLOW,
            },
          ],
        }),
      );
      expect(described.resources).toHaveLength(creations.length);

      const deleted = await client.request(ApiKey.DeleteAcls, version, {
        filters: [
          {
            ...anyFilter,
            patternTypeFilter: version === 0 ? PatternType.LITERAL : PatternType.ANY,
            operation: AclOperation.READ,
          },
        ],
      });
      expect(deleted.filterResults[0].errorCode).toBe(ErrorCode.NONE);
      expect(deleted.filterResults[0].matchingAcls).toEqual([
        expect.objectContaining({
          errorCode: ErrorCode.NONE,
          resourceName: 'orders',
          principal: 'User:alice',
          operation: AclOperation.READ,
        }),
      ]);
      const left = await client.request(ApiKey.DescribeAcls, 3, anyFilter);
      expect(left.resources.map((r) => r.resourceName)).toEqual(version === 0 ? [] : ['orders.']);
    });
  }

  it('selects with MATCH every ACL that applies to a resource', async () => {
    const { client } = await start(superUser);
    await client.request(ApiKey.CreateAcls, 3, {
      creations: [
        readOrders,
        writeOrdersPrefix,
        { ...readOrders, resourceName: '*' },
        { ...readOrders, resourceName: 'payments' },
      ],
    });
    const matched = await client.request(ApiKey.DescribeAcls, 3, {
      ...anyFilter,
      resourceTypeFilter: ResourceType.TOPIC,
      resourceNameFilter: 'orders.eu',
      patternTypeFilter: PatternType.MATCH,
    });
    expect(matched.resources.map((r) => r.resourceName).sort()).toEqual(['*', 'orders.']);
  });

  it('answers INVALID_REQUEST, with the reason, for ACLs Kafka refuses, and creates the valid ones', async () => {
    const { client } = await start(superUser);
    const response = await client.request(ApiKey.CreateAcls, 3, {
      creations: [
        { ...readOrders, principal: 'alice' },
        { ...readOrders, resourceType: ResourceType.CLUSTER, resourceName: 'orders' },
        { ...readOrders, resourcePatternType: PatternType.MATCH },
        { ...readOrders, operation: AclOperation.ANY },
        readOrders,
      ],
    });
    expect(response.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.NONE,
    ]);
    expect(response.results[0].errorMessage).toMatch(/Type:name/);
    expect(response.results[1].errorMessage).toMatch(/kafka-cluster/);
    const described = await client.request(ApiKey.DescribeAcls, 3, anyFilter);
    expect(described.resources).toHaveLength(1);
    const badFilter = await client.request(ApiKey.DescribeAcls, 3, {
      ...anyFilter,
      operation: AclOperation.UNKNOWN,
    });
    expect(badFilter.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('answers SECURITY_DISABLED without an authorizer, as Kafka does', async () => {
    const { client } = await start({});
    expect((await client.request(ApiKey.DescribeAcls, 1, anyFilter)).errorCode).toBe(
      ErrorCode.SECURITY_DISABLED,
    );
    const created = await client.request(ApiKey.CreateAcls, 1, { creations: [readOrders] });
    expect(created.results[0].errorCode).toBe(ErrorCode.SECURITY_DISABLED);
    const deleted = await client.request(ApiKey.DeleteAcls, 1, { filters: [anyFilter] });
    expect(deleted.filterResults[0].errorCode).toBe(ErrorCode.SECURITY_DISABLED);
  });

  it('needs DESCRIBE on the cluster to describe and ALTER to create or delete ACLs', async () => {
    const { client } = await start({ authorizer: true });
    expect((await client.request(ApiKey.DescribeAcls, 3, anyFilter)).errorCode).toBe(
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    );
    const created = await client.request(ApiKey.CreateAcls, 3, {
      creations: [readOrders, writeOrdersPrefix],
    });
    expect(created.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    ]);
    const deleted = await client.request(ApiKey.DeleteAcls, 3, { filters: [anyFilter] });
    expect(deleted.filterResults[0].errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  });

  it('keeps ACLs in the data directory across restarts', async () => {
    const dataDir = tempDir();
    const { broker, client } = await start({ ...superUser, dataDir });
    await client.request(ApiKey.CreateAcls, 3, { creations: [readOrders, writeOrdersPrefix] });
    await client.request(ApiKey.DeleteAcls, 3, {
      filters: [{ ...anyFilter, operation: AclOperation.WRITE }],
    });
    client.close();
    await broker.restart();
    const again = await RawClient.connect(broker.bootstrap[0]);
    cleanups.push(() => again.close());
    const described = await again.request(ApiKey.DescribeAcls, 3, anyFilter);
    expect(described.resources.map((r) => r.resourceName)).toEqual(['orders']);
  });
});
