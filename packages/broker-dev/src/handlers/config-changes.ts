/** What AlterConfigs and IncrementalAlterConfigs share: the resource checks and applying a topic's new overrides. */
import { AclOperation, ErrorCode } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { configResourceAuthorizationError } from './authorization.js';
import { ConfigResourceType } from './config-resource-type.js';
import type { RequestContext } from './types.js';

export interface ResourceRef {
  resourceType: number;
  resourceName: string;
}

export interface ResourceResult extends ResourceRef {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * The error for a resource the principal may not ALTER_CONFIGS (TOPIC_/CLUSTER_/GROUP_AUTHORIZATION_FAILED)
 * or the dev broker does not let clients alter, or undefined for a topic that may be altered.
 */
export function unalterable(ctx: RequestContext, resource: ResourceRef): ResourceResult | undefined {
  const denied = configResourceAuthorizationError(ctx, AclOperation.ALTER_CONFIGS, resource);
  if (denied !== ErrorCode.NONE) {
    return {
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      errorCode: denied,
      errorMessage: 'Authorization failed.',
    };
  }
  if (resource.resourceType === ConfigResourceType.topic) return undefined;
  return {
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    errorCode: ErrorCode.INVALID_REQUEST,
    errorMessage: 'Only topic configs can be altered on the Samsa dev broker.',
  };
}

/** Replaces the topic's overrides with `configs` (or only validates them). */
export function applyTopicConfigs(
  ctx: RequestContext,
  resource: ResourceRef,
  configs: Record<string, string>,
  validateOnly: boolean,
): ResourceResult {
  const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
  try {
    ctx.cluster.setTopicConfigs(resource.resourceName, configs, validateOnly);
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (err instanceof BrokerError) return { ...base, errorCode: err.errorCode, errorMessage: err.message };
    throw err;
  }
}

export function configErrorResponse(resources: readonly ResourceRef[], errorCode: number) {
  return {
    throttleTimeMs: 0,
    responses: resources.map((r) => ({
      errorCode,
      errorMessage: null,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
    })),
  };
}
