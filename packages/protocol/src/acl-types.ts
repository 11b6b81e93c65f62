/**
 * The codes ACL requests (DescribeAcls, CreateAcls, DeleteAcls) and authorized-operations fields carry: Kafka's
 * AclOperation, ResourceType, PatternType and AclPermissionType (org.apache.kafka.common.acl / .resource).
 * UNKNOWN and ANY exist on the wire: ANY (and MATCH for patterns) only in filters.
 */

/** What a principal does to a resource. Authorized-operations bit fields set bit `1 << code`. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

/** What an ACL protects. */
export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

/** How an ACL's resource name matches: exactly (LITERAL, `*` = every name) or as a prefix (PREFIXED). */
export const PatternType = {
  UNKNOWN: 0,
  /** Filters only: any pattern type, names compared exactly. */
  ANY: 1,
  /** Filters only: every ACL that would apply to the named resource (literal, `*`, prefixes of it). */
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

export const AclPermissionType = {
  UNKNOWN: 0,
  /** Filters only. */
  ANY: 1,
  DENY: 2,
  ALLOW: 3,
} as const;
export type AclPermissionType = (typeof AclPermissionType)[keyof typeof AclPermissionType];

/** The only name a CLUSTER resource has. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A LITERAL resource name, principal or host that matches every one. */
export const ACL_WILDCARD = '*';
/** The principal that matches every user (`User:*`). */
export const WILDCARD_PRINCIPAL = 'User:*';
