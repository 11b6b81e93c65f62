/**
 * CreateAcls: v0-3 (v1 adds pattern types, v2 is flexible).
 *
 * - Adds each ACL, answering per creation: INVALID_REQUEST (with the reason) for ACLs Kafka refuses
 *   (ANY or UNKNOWN codes, MATCH patterns, empty names, a CLUSTER not called kafka-cluster, a principal
 *   not `Type:name`); an ACL that exists already is no error. Needs ALTER on the cluster
 *   (CLUSTER_AUTHORIZATION_FAILED); SECURITY_DISABLED without an authorizer.
 */
import { AclOperation, ApiKey, ErrorCode, PatternType } from '@samsa/protocol';
import { type AclBinding, aclBindingProblem } from '../acl/acl-binding.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const createAclsHandler = defineHandler({
  apiKey: ApiKey.CreateAcls,
  name: 'CreateAcls',
  minVersion: 0,
  maxVersion: 3,

  handle(ctx, request) {
    const everyCreation = (errorCode: number, errorMessage: string) => ({
      throttleTimeMs: 0,
      results: request.creations.map(() => ({ errorCode, errorMessage })),
    });
    if (!authorizeCluster(ctx, AclOperation.ALTER)) {
      return everyCreation(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'CreateAcls needs ALTER on the cluster.');
    }
    const authorizer = ctx.cluster.authorizer;
    if (!authorizer) return everyCreation(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    const valid: AclBinding[] = [];
    const results = request.creations.map((creation) => {
      const binding: AclBinding = {
        resourceType: creation.resourceType,
        resourceName: creation.resourceName,
        patternType: creation.resourcePatternType ?? PatternType.LITERAL,
        principal: creation.principal,
        host: creation.host,
        operation: creation.operation,
        permissionType: creation.permissionType,
      };
      const problem = aclBindingProblem(binding);
      if (problem) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem };
      valid.push(binding);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    });
    authorizer.acls.add(valid);
    return { throttleTimeMs: 0, results };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.creations.map(() => ({ errorCode, errorMessage: null })),
  }),
});
