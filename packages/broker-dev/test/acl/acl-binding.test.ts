import { AclOperation, AclPermissionType, PatternType, ResourceType } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import {
  type AclBinding,
  type AclBindingFilter,
  aclBindingProblem,
  aclFilterMatches,
  aclFilterProblem,
} from '../../src/acl/acl-binding.js';

const binding: AclBinding = {
  resourceType: ResourceType.TOPIC,
  resourceName: 'orders',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: AclOperation.READ,
  permissionType: AclPermissionType.ALLOW,
};

const anyFilter: AclBindingFilter = {
  resourceType: ResourceType.ANY,
  resourceName: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: AclOperation.ANY,
  permissionType: AclPermissionType.ANY,
};

describe('aclBindingProblem', () => {
  it('accepts a complete ACL', () => {
    expect(aclBindingProblem(binding)).toBeUndefined();
    expect(aclBindingProblem({ ...binding, patternType: PatternType.PREFIXED })).toBeUndefined();
  });

  it.each([
    [{ resourceType: ResourceType.ANY }, /resourceType/],
    [{ resourceType: 42 }, /resourceType/],
    [{ patternType: PatternType.MATCH }, /patternType/],
    [{ patternType: PatternType.ANY }, /patternType/],
    [{ operation: AclOperation.ANY }, /operation/],
    [{ operation: AclOperation.UNKNOWN }, /operation/],
    [{ permissionType: AclPermissionType.ANY }, /permissionType/],
    [{ resourceName: '' }, /empty/],
    [{ resourceType: ResourceType.CLUSTER, resourceName: 'my-cluster' }, /kafka-cluster/],
    [{ principal: 'alice' }, /Type:name/],
    [{ principal: 'User:' }, /Type:name/],
    [{ host: '' }, /Host/],
  ] as [Partial<AclBinding>, RegExp][])('refuses %j', (change, problem) => {
    expect(aclBindingProblem({ ...binding, ...change })).toMatch(problem);
  });
});

describe('aclFilterMatches', () => {
  it('matches everything with the ANY filter', () => {
    expect(aclFilterMatches(anyFilter, binding)).toBe(true);
  });

  it('compares names exactly for LITERAL, PREFIXED and ANY pattern filters', () => {
    const prefixed = { ...binding, resourceName: 'ord', patternType: PatternType.PREFIXED };
    expect(aclFilterMatches({ ...anyFilter, resourceName: 'orders' }, binding)).toBe(true);
    expect(aclFilterMatches({ ...anyFilter, resourceName: 'orders' }, prefixed)).toBe(false);
    expect(
      aclFilterMatches({ ...anyFilter, resourceName: 'ord', patternType: PatternType.PREFIXED }, prefixed),
    ).toBe(true);
    expect(
      aclFilterMatches({ ...anyFilter, resourceName: 'ord', patternType: PatternType.LITERAL }, prefixed),
    ).toBe(false);
  });

  it('selects with MATCH every ACL that applies to the name: literal, * and prefixes', () => {
    const match = { ...anyFilter, resourceName: 'orders.eu', patternType: PatternType.MATCH };
    expect(aclFilterMatches(match, { ...binding, resourceName: 'orders.eu' })).toBe(true);
    expect(aclFilterMatches(match, { ...binding, resourceName: '*' })).toBe(true);
    expect(
      aclFilterMatches(match, { ...binding, resourceName: 'orders.', patternType: PatternType.PREFIXED }),
    ).toBe(true);
    expect(aclFilterMatches(match, { ...binding, resourceName: 'orders' })).toBe(false);
    expect(
      aclFilterMatches(match, { ...binding, resourceName: 'payments', patternType: PatternType.PREFIXED }),
    ).toBe(false);
  });

  it('filters on resource type, principal, host, operation and permission', () => {
    expect(aclFilterMatches({ ...anyFilter, resourceType: ResourceType.GROUP }, binding)).toBe(false);
    expect(aclFilterMatches({ ...anyFilter, principal: 'User:bob' }, binding)).toBe(false);
    expect(aclFilterMatches({ ...anyFilter, principal: 'User:alice' }, binding)).toBe(true);
    expect(aclFilterMatches({ ...anyFilter, host: '10.0.0.1' }, binding)).toBe(false);
    expect(aclFilterMatches({ ...anyFilter, operation: AclOperation.WRITE }, binding)).toBe(false);
    // Filters match operations exactly: ALL in a filter does not select READ ACLs.
    expect(aclFilterMatches({ ...anyFilter, operation: AclOperation.ALL }, binding)).toBe(false);
    expect(aclFilterMatches({ ...anyFilter, permissionType: AclPermissionType.DENY }, binding)).toBe(false);
  });
});

describe('aclFilterProblem', () => {
  it('refuses UNKNOWN codes and accepts ANY and MATCH', () => {
    expect(aclFilterProblem(anyFilter)).toBeUndefined();
    expect(aclFilterProblem({ ...anyFilter, patternType: PatternType.MATCH })).toBeUndefined();
    expect(aclFilterProblem({ ...anyFilter, resourceType: ResourceType.UNKNOWN })).toMatch(/resource type/);
    expect(aclFilterProblem({ ...anyFilter, patternType: PatternType.UNKNOWN })).toMatch(/pattern type/);
    expect(aclFilterProblem({ ...anyFilter, operation: AclOperation.UNKNOWN })).toMatch(/operation/);
    expect(aclFilterProblem({ ...anyFilter, permissionType: AclPermissionType.UNKNOWN })).toMatch(
      /permission/,
    );
  });
});
