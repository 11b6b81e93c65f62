/**
 * DeleteAcls: v0-3 (v1 adds pattern types, v2 is flexible).
 *
 * - Removes the ACLs each filter selects and lists them in that filter's result (an ACL two filters
 *   select is listed under the first). A filter with UNKNOWN codes gets INVALID_REQUEST. Needs ALTER on
 *   the cluster (CLUSTER_AUTHORIZATION_FAILED); SECURITY_DISABLED without an authorizer.
 */
import { AclOperation, ApiKey, type DeleteAclsResponse, ErrorCode, PatternType } from '@samsa/protocol';
import { type AclBindingFilter, aclFilterProblem } from '../acl/acl-binding.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

type FilterResult = DeleteAclsResponse['filterResults'][number];

export const deleteAclsHandler = defineHandler({
  apiKey: ApiKey.DeleteAcls,
  name: 'DeleteAcls',
  minVersion: 0,
  maxVersion: 3,

  handle(ctx, request) {
    const everyFilter = (errorCode: number, errorMessage: string) => ({
      throttleTimeMs: 0,
      filterResults: request.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    if (!authorizeCluster(ctx, AclOperation.ALTER)) {
      return everyFilter(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'DeleteAcls needs ALTER on the cluster.');
    }
    const authorizer = ctx.cluster.authorizer;
    if (!authorizer) return everyFilter(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    const filters: AclBindingFilter[] = request.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: f.patternTypeFilter ?? PatternType.LITERAL,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    }));
    const problems = filters.map(aclFilterProblem);
    const removed = authorizer.acls.remove(filters.filter((_, i) => problems[i] === undefined));
    let next = 0;
    const filterResults = filters.map((_, i): FilterResult => {
      const problem = problems[i];
      if (problem) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem, matchingAcls: [] };
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: (removed[next++] ?? []).map((b) => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: b.resourceType,
          resourceName: b.resourceName,
          patternType: b.patternType,
          principal: b.principal,
          host: b.host,
          operation: b.operation,
          permissionType: b.permissionType,
        })),
      };
    });
    return { throttleTimeMs: 0, filterResults };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    filterResults: request.filters.map(() => ({ errorCode, errorMessage: null, matchingAcls: [] })),
  }),
});
