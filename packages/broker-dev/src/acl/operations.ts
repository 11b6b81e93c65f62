/**
 * Which ACL operation grants which requested one (Kafka's StandardAuthorizerData.findResult), and the
 * operations each resource type has (AclEntry.supportedOperations), for authorized-operations fields.
 */
import { AclOperation, AclPermissionType, ResourceType } from '@samsa/protocol';

/** An ALLOW of any of these grants DESCRIBE. */
const IMPLIES_DESCRIBE: ReadonlySet<number> = new Set([
  AclOperation.DESCRIBE,
  AclOperation.READ,
  AclOperation.WRITE,
  AclOperation.DELETE,
  AclOperation.ALTER,
]);

/** An ALLOW of any of these grants DESCRIBE_CONFIGS. */
const IMPLIES_DESCRIBE_CONFIGS: ReadonlySet<number> = new Set([
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
]);

/**
 * Whether an ACL of `aclOperation` with `permissionType` speaks about `requested`. ALL covers every
 * operation; an ALLOW also covers what its operation implies, a DENY only its own operation.
 */
export function aclCoversOperation(aclOperation: number, permissionType: number, requested: number): boolean {
  if (aclOperation === AclOperation.ALL || aclOperation === requested) return true;
  if (permissionType !== AclPermissionType.ALLOW) return false;
  if (requested === AclOperation.DESCRIBE) return IMPLIES_DESCRIBE.has(aclOperation);
  if (requested === AclOperation.DESCRIBE_CONFIGS) return IMPLIES_DESCRIBE_CONFIGS.has(aclOperation);
  return false;
}

const SUPPORTED_OPERATIONS: ReadonlyMap<number, readonly number[]> = new Map<number, number[]>([
  [
    ResourceType.TOPIC,
    [
      AclOperation.READ,
      AclOperation.WRITE,
      AclOperation.CREATE,
      AclOperation.DESCRIBE,
      AclOperation.DELETE,
      AclOperation.ALTER,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
    ],
  ],
  [
    ResourceType.GROUP,
    [
      AclOperation.READ,
      AclOperation.DESCRIBE,
      AclOperation.DELETE,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
    ],
  ],
  [
    ResourceType.CLUSTER,
    [
      AclOperation.CREATE,
      AclOperation.CLUSTER_ACTION,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
      AclOperation.IDEMPOTENT_WRITE,
      AclOperation.ALTER,
      AclOperation.DESCRIBE,
    ],
  ],
  [ResourceType.TRANSACTIONAL_ID, [AclOperation.DESCRIBE, AclOperation.WRITE]],
  [ResourceType.DELEGATION_TOKEN, [AclOperation.DESCRIBE]],
  [ResourceType.USER, [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS]],
]);

/** The operations a resource of `resourceType` has (empty for UNKNOWN and ANY). */
export function supportedOperations(resourceType: number): readonly number[] {
  return SUPPORTED_OPERATIONS.get(resourceType) ?? [];
}

/** Kafka's authorized-operations field: bit `1 << code` per operation. */
export function operationsBitField(operations: Iterable<number>): number {
  let field = 0;
  for (const operation of operations) field |= 1 << operation;
  return field;
}
