/** What AlterConfigs and IncrementalAlterConfigs share: the resource checks and applying a topic's new overrides. */
import { ErrorCode } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { ResourceType } from './describe-configs.js';
import type { RequestContext } from './types.js';

export interface ResourceRef {
  resourceType: number;
  resourceName: string;
}

export interface ResourceResult extends ResourceRef {
  errorCode: number;
  errorMessage: string | null;
}

/** The error for a resource the dev broker does not let clients alter, or undefined for a topic. */
export function unalterable(resource: ResourceRef): ResourceResult | undefined {
  if (resource.resourceType === ResourceType.topic) return undefined;
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
