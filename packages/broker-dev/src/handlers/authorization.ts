/**
 * The one place handlers ask the authorizer: may this request's principal, from this client's host, do
 * an operation on a resource? With ACLs off (no authorizer) everything is allowed, as in Kafka.
 */
import { AclOperation, CLUSTER_RESOURCE_NAME, ErrorCode, ResourceType } from '@samsa/protocol';
import type { AclSession } from '../acl/authorizer.js';
import { operationsBitField, supportedOperations } from '../acl/operations.js';
import { ConfigResourceType } from './config-resource-type.js';
import type { RequestContext } from './types.js';

/** The session ACLs see: IPv4 clients of a dual-stack listener as plain IPv4, as Java reports them. */
function sessionOf(ctx: RequestContext): AclSession {
  const host = ctx.clientHost.startsWith('::ffff:') ? ctx.clientHost.slice('::ffff:'.length) : ctx.clientHost;
  return { principal: ctx.principal, host };
}

/** Whether the request may perform `operation` on `resourceName` of `resourceType`. */
export function authorize(
  ctx: RequestContext,
  operation: number,
  resourceType: number,
  resourceName: string,
): boolean {
  const authorizer = ctx.cluster.authorizer;
  return !authorizer || authorizer.authorize(sessionOf(ctx), operation, resourceType, resourceName);
}

/** Whether the request may perform `operation` on the cluster. */
export function authorizeCluster(ctx: RequestContext, operation: number): boolean {
  return authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
}

/** The names of `names` the request may perform `operation` on (each asked once). */
export function authorizedNames(
  ctx: RequestContext,
  operation: number,
  resourceType: number,
  names: Iterable<string>,
): Set<string> {
  const allowed = new Set<string>();
  const asked = new Set<string>();
  for (const name of names) {
    if (asked.has(name)) continue;
    asked.add(name);
    if (authorize(ctx, operation, resourceType, name)) allowed.add(name);
  }
  return allowed;
}

/** Whether the request may perform `operation` on some resource of the type (KIP-679). */
export function authorizeAnyOfType(ctx: RequestContext, operation: number, resourceType: number): boolean {
  const authorizer = ctx.cluster.authorizer;
  return !authorizer || authorizer.authorizeByResourceType(sessionOf(ctx), operation, resourceType);
}

/** Kafka's authorized-operations bit field of a resource: every supported operation when ACLs are off. */
export function authorizedOperations(
  ctx: RequestContext,
  resourceType: number,
  resourceName: string,
): number {
  const authorizer = ctx.cluster.authorizer;
  if (!authorizer) return operationsBitField(supportedOperations(resourceType));
  return authorizer.authorizedOperations(sessionOf(ctx), resourceType, resourceName);
}

/** The cluster's authorized operations, 0 unless the request may DESCRIBE the cluster (Metadata, DescribeCluster). */
export function clusterAuthorizedOperations(ctx: RequestContext): number {
  if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) return 0;
  return authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
}

/**
 * NONE if the request may perform `operation` (DESCRIBE_CONFIGS, ALTER_CONFIGS) on a config resource, else the
 * error Kafka answers for its type: brokers' configs are the cluster's.
 */
export function configResourceAuthorizationError(
  ctx: RequestContext,
  operation: number,
  resource: { resourceType: number; resourceName: string },
): number {
  switch (resource.resourceType) {
    case ConfigResourceType.topic:
      return authorize(ctx, operation, ResourceType.TOPIC, resource.resourceName)
        ? ErrorCode.NONE
        : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    case ConfigResourceType.group:
      return authorize(ctx, operation, ResourceType.GROUP, resource.resourceName)
        ? ErrorCode.NONE
        : ErrorCode.GROUP_AUTHORIZATION_FAILED;
    case ConfigResourceType.broker:
    case ConfigResourceType.brokerLogger:
      return authorizeCluster(ctx, operation) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    default:
      return ErrorCode.NONE;
  }
}
