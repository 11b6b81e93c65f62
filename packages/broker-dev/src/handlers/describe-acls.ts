/**
 * DescribeAcls: v0-3 (v1 adds pattern types, v2 is flexible).
 *
 * - The ACLs the filter selects, grouped by resource pattern. Needs DESCRIBE on the cluster
 *   (CLUSTER_AUTHORIZATION_FAILED); SECURITY_DISABLED when the broker runs without an authorizer; a
 *   filter with UNKNOWN codes, or a v0 filter for other than LITERAL patterns, gets INVALID_REQUEST.
 */
import { AclOperation, ApiKey, type DescribeAclsResponse, ErrorCode, PatternType } from '@samsa/protocol';
import { type AclBinding, type AclBindingFilter, aclFilterProblem } from '../acl/acl-binding.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

function failed(errorCode: number, errorMessage: string | null): DescribeAclsResponse {
  return { throttleTimeMs: 0, errorCode, errorMessage, resources: [] };
}

/** DescribeAcls' shape: one entry per resource pattern, its ACLs inside. */
export function groupByResource(bindings: readonly AclBinding[]): DescribeAclsResponse['resources'] {
  const resources = new Map<string, DescribeAclsResponse['resources'][number]>();
  for (const b of bindings) {
    const key = JSON.stringify([b.resourceType, b.resourceName, b.patternType]);
    let resource = resources.get(key);
    if (!resource) {
      resource = {
        resourceType: b.resourceType,
        resourceName: b.resourceName,
        patternType: b.patternType,
        acls: [],
      };
      resources.set(key, resource);
    }
    resource.acls.push({
      principal: b.principal,
      host: b.host,
      operation: b.operation,
      permissionType: b.permissionType,
    });
  }
  return [...resources.values()];
}

export const describeAclsHandler = defineHandler({
  apiKey: ApiKey.DescribeAcls,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 3,

  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) {
      return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'DescribeAcls needs DESCRIBE on the cluster.');
    }
    const authorizer = ctx.cluster.authorizer;
    if (!authorizer) return failed(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
    const filter: AclBindingFilter = {
      resourceType: request.resourceTypeFilter,
      resourceName: request.resourceNameFilter,
      patternType: request.patternTypeFilter ?? PatternType.LITERAL,
      principal: request.principalFilter,
      host: request.hostFilter,
      operation: request.operation,
      permissionType: request.permissionType,
    };
    const problem = aclFilterProblem(filter);
    if (problem) return failed(ErrorCode.INVALID_REQUEST, problem);
    return { ...failed(ErrorCode.NONE, null), resources: groupByResource(authorizer.acls.list(filter)) };
  },

  errorResponse: (_ctx, _request, errorCode) => failed(errorCode, null),
});
