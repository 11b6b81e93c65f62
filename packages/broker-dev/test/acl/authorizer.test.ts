import { AclOperation, AclPermissionType, PatternType, ResourceType } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import type { AclBinding } from '../../src/acl/acl-binding.js';
import { AclStore } from '../../src/acl/acl-store.js';
import { Authorizer } from '../../src/acl/authorizer.js';

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };

function acl(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders',
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: AclOperation.READ,
    permissionType: AclPermissionType.ALLOW,
    ...overrides,
  };
}

function authorizer(acls: AclBinding[], config: { superUsers?: string[]; allowEveryone?: boolean } = {}) {
  const store = new AclStore();
  store.add(acls);
  return new Authorizer(store, {
    superUsers: config.superUsers ?? [],
    allowEveryoneIfNoAclFound: config.allowEveryone ?? false,
  });
}

const { TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID } = ResourceType;
const { READ, WRITE, DESCRIBE, ALTER, DELETE, CREATE, ALTER_CONFIGS, DESCRIBE_CONFIGS, ALL } = AclOperation;

describe('Authorizer', () => {
  it('denies a resource without ACLs unless allow.everyone.if.no.acl.found', () => {
    expect(authorizer([]).authorize(alice, READ, TOPIC, 'orders')).toBe(false);
    expect(authorizer([], { allowEveryone: true }).authorize(alice, READ, TOPIC, 'orders')).toBe(true);
  });

  it('treats a resource with ACLs for someone else as protected, even with allow.everyone.if.no.acl.found', () => {
    const auth = authorizer([acl({ principal: 'User:bob' })], { allowEveryone: true });
    expect(auth.authorize(alice, READ, TOPIC, 'orders')).toBe(false);
    expect(auth.authorize(bob, READ, TOPIC, 'orders')).toBe(true);
    expect(auth.authorize(alice, READ, TOPIC, 'payments')).toBe(true);
  });

  it('allows what a literal ACL names, for that principal, resource type and name only', () => {
    const auth = authorizer([acl({})]);
    expect(auth.authorize(alice, READ, TOPIC, 'orders')).toBe(true);
    expect(auth.authorize(alice, READ, TOPIC, 'orders-2')).toBe(false);
    expect(auth.authorize(alice, WRITE, TOPIC, 'orders')).toBe(false);
    expect(auth.authorize(alice, READ, GROUP, 'orders')).toBe(false);
    expect(auth.authorize(bob, READ, TOPIC, 'orders')).toBe(false);
  });

  it('matches prefixed ACLs on names that start with the prefix', () => {
    const auth = authorizer([acl({ resourceName: 'orders.', patternType: PatternType.PREFIXED })]);
    expect(auth.authorize(alice, READ, TOPIC, 'orders.eu')).toBe(true);
    expect(auth.authorize(alice, READ, TOPIC, 'orders.')).toBe(true);
    expect(auth.authorize(alice, READ, TOPIC, 'orders')).toBe(false);
    expect(auth.authorize(alice, READ, TOPIC, 'xorders.eu')).toBe(false);
  });

  it('treats a literal * as every name and a prefixed * as the prefix "*"', () => {
    const wildcard = authorizer([acl({ resourceName: '*' })]);
    expect(wildcard.authorize(alice, READ, TOPIC, 'anything')).toBe(true);
    const prefixedStar = authorizer([acl({ resourceName: '*', patternType: PatternType.PREFIXED })]);
    expect(prefixedStar.authorize(alice, READ, TOPIC, 'anything')).toBe(false);
    expect(prefixedStar.authorize(alice, READ, TOPIC, '*x')).toBe(true);
  });

  it('matches User:* to every principal and hosts exactly or by *', () => {
    const auth = authorizer([acl({ principal: 'User:*', host: '10.0.0.1' })]);
    expect(auth.authorize(alice, READ, TOPIC, 'orders')).toBe(true);
    expect(auth.authorize({ principal: 'User:bob', host: '10.0.0.1' }, READ, TOPIC, 'orders')).toBe(true);
    expect(auth.authorize(bob, READ, TOPIC, 'orders')).toBe(false);
    // User:* matches principals of any type (Kafka adds it to every session's principals) ...
    expect(auth.authorize({ principal: 'Group:x', host: '10.0.0.1' }, READ, TOPIC, 'orders')).toBe(true);
    // ... while other wildcards are only names.
    const groupStar = authorizer([acl({ principal: 'Group:*' })]);
    expect(groupStar.authorize({ principal: 'Group:x', host: '10.0.0.1' }, READ, TOPIC, 'orders')).toBe(
      false,
    );
  });

  it('lets a DENY win over any ALLOW, whichever pattern either comes from', () => {
    const auth = authorizer([
      acl({ resourceName: '*', operation: ALL }),
      acl({
        resourceName: 'orders.secret',
        patternType: PatternType.PREFIXED,
        permissionType: AclPermissionType.DENY,
      }),
    ]);
    expect(auth.authorize(alice, READ, TOPIC, 'orders.public')).toBe(true);
    expect(auth.authorize(alice, READ, TOPIC, 'orders.secret.eu')).toBe(false);
    // The DENY is for READ only.
    expect(auth.authorize(alice, WRITE, TOPIC, 'orders.secret.eu')).toBe(true);
  });

  it('denies from a DENY on User:* or on every host', () => {
    const auth = authorizer([
      acl({}),
      acl({ principal: 'User:*', host: '10.0.0.1', permissionType: AclPermissionType.DENY }),
    ]);
    expect(auth.authorize(alice, READ, TOPIC, 'orders')).toBe(false);
    expect(auth.authorize({ ...alice, host: '10.0.0.9' }, READ, TOPIC, 'orders')).toBe(true);
  });

  it('implies DESCRIBE from READ, WRITE, DELETE and ALTER, and DESCRIBE_CONFIGS from ALTER_CONFIGS', () => {
    for (const op of [READ, WRITE, DELETE, ALTER]) {
      expect(authorizer([acl({ operation: op })]).authorize(alice, DESCRIBE, TOPIC, 'orders')).toBe(true);
    }
    expect(authorizer([acl({ operation: CREATE })]).authorize(alice, DESCRIBE, TOPIC, 'orders')).toBe(false);
    const configs = authorizer([acl({ operation: ALTER_CONFIGS })]);
    expect(configs.authorize(alice, DESCRIBE_CONFIGS, TOPIC, 'orders')).toBe(true);
    expect(configs.authorize(alice, DESCRIBE, TOPIC, 'orders')).toBe(false);
  });

  it('does not imply anything from a DENY: DENY READ leaves DESCRIBE to the ALLOWs', () => {
    const auth = authorizer([
      acl({ operation: WRITE }),
      acl({ operation: READ, permissionType: AclPermissionType.DENY }),
    ]);
    expect(auth.authorize(alice, DESCRIBE, TOPIC, 'orders')).toBe(true);
    expect(auth.authorize(alice, READ, TOPIC, 'orders')).toBe(false);
  });

  it('covers every operation with ALL, in ALLOW and in DENY', () => {
    const allow = authorizer([acl({ operation: ALL })]);
    for (const op of [READ, WRITE, DESCRIBE, ALTER_CONFIGS, DELETE])
      expect(allow.authorize(alice, op, TOPIC, 'orders')).toBe(true);
    const deny = authorizer([
      acl({ operation: ALL }),
      acl({ operation: ALL, permissionType: AclPermissionType.DENY }),
    ]);
    expect(deny.authorize(alice, DESCRIBE, TOPIC, 'orders')).toBe(false);
  });

  it('lets super users do everything, DENY ACLs notwithstanding', () => {
    const auth = authorizer(
      [acl({ principal: 'User:admin', operation: ALL, permissionType: AclPermissionType.DENY })],
      {
        superUsers: ['User:admin'],
      },
    );
    expect(auth.authorize({ principal: 'User:admin', host: '1.2.3.4' }, WRITE, TOPIC, 'orders')).toBe(true);
    expect(
      auth.authorize({ principal: 'User:admin', host: '1.2.3.4' }, ALTER, CLUSTER, 'kafka-cluster'),
    ).toBe(true);
    expect(auth.isSuperUser('User:admin')).toBe(true);
    expect(auth.isSuperUser('User:alice')).toBe(false);
  });

  it('answers authorized operations as a bit field of the operations the resource type has', () => {
    const auth = authorizer([
      acl({ operation: READ }),
      acl({ resourceType: TRANSACTIONAL_ID, resourceName: 'tx', operation: WRITE }),
    ]);
    expect(auth.authorizedOperations(alice, TOPIC, 'orders')).toBe((1 << READ) | (1 << DESCRIBE));
    expect(auth.authorizedOperations(alice, TRANSACTIONAL_ID, 'tx')).toBe((1 << WRITE) | (1 << DESCRIBE));
    expect(auth.authorizedOperations(bob, TOPIC, 'orders')).toBe(0);
  });

  describe('authorizeByResourceType (KIP-679)', () => {
    it('is true when an ALLOW on any topic is not cancelled by a DENY', () => {
      expect(authorizer([acl({ operation: WRITE })]).authorizeByResourceType(alice, WRITE, TOPIC)).toBe(true);
      expect(authorizer([acl({ operation: READ })]).authorizeByResourceType(alice, WRITE, TOPIC)).toBe(false);
      expect(authorizer([]).authorizeByResourceType(alice, WRITE, TOPIC)).toBe(false);
    });

    it('cancels a literal ALLOW by a DENY on the same name or a DENY prefix of it', () => {
      const literalDeny = authorizer([
        acl({ operation: WRITE }),
        acl({ operation: WRITE, permissionType: AclPermissionType.DENY }),
      ]);
      expect(literalDeny.authorizeByResourceType(alice, WRITE, TOPIC)).toBe(false);
      const prefixDeny = authorizer([
        acl({ resourceName: 'orders.eu', patternType: PatternType.PREFIXED, operation: WRITE }),
        acl({
          resourceName: 'orders',
          patternType: PatternType.PREFIXED,
          operation: WRITE,
          permissionType: AclPermissionType.DENY,
        }),
      ]);
      expect(prefixDeny.authorizeByResourceType(alice, WRITE, TOPIC)).toBe(false);
      const unrelatedDeny = authorizer([
        acl({ operation: WRITE }),
        acl({ resourceName: 'payments', operation: WRITE, permissionType: AclPermissionType.DENY }),
      ]);
      expect(unrelatedDeny.authorizeByResourceType(alice, WRITE, TOPIC)).toBe(true);
    });

    it('is false under a wildcard DENY and true under a wildcard ALLOW', () => {
      expect(
        authorizer([
          acl({ operation: WRITE }),
          acl({ resourceName: '*', operation: ALL, permissionType: AclPermissionType.DENY }),
        ]).authorizeByResourceType(alice, WRITE, TOPIC),
      ).toBe(false);
      expect(
        authorizer([acl({ resourceName: '*', operation: WRITE })]).authorizeByResourceType(
          alice,
          WRITE,
          TOPIC,
        ),
      ).toBe(true);
    });

    it('is true for super users and where allow.everyone.if.no.acl.found leaves topics open', () => {
      expect(
        authorizer([], { superUsers: ['User:alice'] }).authorizeByResourceType(alice, WRITE, TOPIC),
      ).toBe(true);
      expect(authorizer([], { allowEveryone: true }).authorizeByResourceType(alice, WRITE, TOPIC)).toBe(true);
    });
  });
});
